import CKernels
import Foundation
import Testing

/// The activations' derivatives the backward pass multiplies by, against the formula in double:
/// GELU's Φ(x) + x·φ(x) through the vectorized path (8 at a time over blocks of 4,096 on the
/// thread pool) and its scalar remainder (n not a multiple of 8 nor of 4,096).
@Suite struct ActivationBackwardTests {
    @Test(arguments: [1, 7, 8, 4_099, 9_001])
    func geluDerivativeEqualsTheFormula(count n: Int) {
        let u: [Float] = (0..<n).map { i in
            let t = Double(i) / Double(max(1, n - 1))
            return Float(-10 + 20 * t) + Float(1e-3) * Float(i % 7)
        }
        var g = [Float](repeating: 1, count: n)
        bs_activation_backward(u, &g, Int32(n), Int32(BS_ACT_GELU))
        var worst = 0.0
        let rootTwo = 2.0.squareRoot(), rootTwoPi = (2 * Double.pi).squareRoot()
        for (value, got) in zip(u, g) {
            let x = Double(value)
            let cdf: Double = 0.5 * (1 + erf(x / rootTwo))
            let pdf: Double = exp(-x * x / 2) / rootTwoPi
            worst = max(worst, abs(Double(got) - (cdf + x * pdf)))
        }
        #expect(worst < 2e-6, "largest difference \(worst)")
        // The gradient it scales: g = 2 doubles every value.
        var twice = [Float](repeating: 2, count: n), once = [Float](repeating: 1, count: n)
        bs_activation_backward(u, &twice, Int32(n), Int32(BS_ACT_GELU))
        bs_activation_backward(u, &once, Int32(n), Int32(BS_ACT_GELU))
        #expect(zip(twice, once).allSatisfy { $0 == 2 * $1 })
    }
}
