import Foundation

/// Gauss–Legendre quadrature on [0, 1]: the nodes and weights Captum's
/// `method="gausslegendre"` uses (numpy's leggauss on [−1, 1], mapped by
/// α = (x + 1)/2, w/2), computed by Newton's method on Legendre polynomials.
public enum GaussLegendre {
    public static func rule(_ n: Int) -> (alphas: [Double], weights: [Double]) {
        precondition(n >= 1)
        var nodes = [Double](repeating: 0, count: n), weights = [Double](repeating: 0, count: n)
        for i in 0..<n {
            // Chebyshev guess for the i-th largest root, then Newton steps.
            var x = cos(Double.pi * (Double(i) + 0.75) / (Double(n) + 0.5))
            var derivative = 0.0
            for _ in 0..<100 {
                var p0 = 1.0, p1 = x
                if n == 1 {
                    p1 = x
                } else {
                    for k in 2...n {
                        let p2 = ((2 * Double(k) - 1) * x * p1 - (Double(k) - 1) * p0) / Double(k)
                        p0 = p1
                        p1 = p2
                    }
                }
                let pn = n == 1 ? x : p1, pPrev = n == 1 ? 1.0 : p0
                derivative = Double(n) * (x * pn - pPrev) / (x * x - 1)
                let step = pn / derivative
                x -= step
                if abs(step) < 1e-15 { break }
            }
            nodes[i] = x
            weights[i] = 2 / ((1 - x * x) * derivative * derivative)
        }
        // Ascending nodes, as leggauss returns them.
        let order = nodes.indices.sorted { nodes[$0] < nodes[$1] }
        return (order.map { (nodes[$0] + 1) / 2 }, order.map { weights[$0] / 2 })
    }
}
