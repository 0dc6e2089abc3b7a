import CKernels
import Foundation

/// Multinomial logistic regression with L2, trained by Adam on mini-batches
/// with early stopping on a dev split; deterministic for a seed.
public struct LogisticRegression: Sendable {
    public let classes: Int
    public let inputs: Int
    /// (classes, inputs) then (classes) bias
    public private(set) var weights: [Float]
    public private(set) var bias: [Float]
    public private(set) var epochsRun = 0

    public struct Options: Sendable {
        public var learningRate: Float = 1e-2
        public var l2: Float = 1e-4
        public var batch = 256
        public var maxEpochs = 40
        public var patience = 3
        public var seed: UInt64 = 1
        /// Keep the weights of the best dev accuracy (early stopping); when
        /// false, train all epochs and keep the last weights.
        public var keepBestOnDev = true
        public init() {}
    }

    public init(classes: Int, inputs: Int) {
        self.init(
            classes: classes, inputs: inputs, weights: [Float](repeating: 0, count: classes * inputs),
            bias: [Float](repeating: 0, count: classes))
    }

    /// A trained probe (from the cache).
    public init(classes: Int, inputs: Int, weights: [Float], bias: [Float]) {
        precondition(weights.count == classes * inputs && bias.count == classes)
        self.classes = classes
        self.inputs = inputs
        self.weights = weights
        self.bias = bias
    }

    /// Logits (rows, classes) for x (rows, inputs).
    public func logits(_ x: UnsafePointer<Float>, rows: Int) -> [Float] {
        var out = [Float](repeating: 0, count: rows * classes)
        weights.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in
                out.withUnsafeMutableBufferPointer { o in
                    bs_linear(
                        x, Int32(rows), Int32(inputs), w.baseAddress!, Int32(classes), b.baseAddress!, o.baseAddress!,
                        Int32(classes))
                }
            }
        }
        return out
    }

    public func predict(_ x: [Float]) -> [Int] {
        let rows = x.count / inputs
        let z = x.withUnsafeBufferPointer { logits($0.baseAddress!, rows: rows) }
        return (0..<rows).map { r in (0..<classes).max { z[r * classes + $0] < z[r * classes + $1] }! }
    }

    public func accuracy(_ x: [Float], _ y: [Int]) -> Double {
        guard !y.isEmpty else { return 0 }
        return Double(zip(predict(x), y).filter { $0 == $1 }.count) / Double(y.count)
    }

    /// Trains on (x, y), keeping the weights of the best dev accuracy.
    public mutating func fit(_ x: [Float], _ y: [Int], devX: [Float], devY: [Int], options o: Options = Options()) {
        var mW = [Float](repeating: 0, count: weights.count), vW = mW
        var mB = [Float](repeating: 0, count: classes), vB = mB
        var t: Float = 0
        var batchX = [Float](repeating: 0, count: o.batch * inputs)
        var gT = [Float](repeating: 0, count: classes * o.batch), xT = [Float](repeating: 0, count: inputs * o.batch)
        let epochs = o.train(
            &self, samples: y.count,
            step: { m, rows in
                for (r, s) in rows.enumerated() {
                    batchX.replaceSubrange(
                        (r * m.inputs)..<((r + 1) * m.inputs), with: x[(s * m.inputs)..<((s + 1) * m.inputs)])
                }
                var g = batchX.withUnsafeBufferPointer { m.logits($0.baseAddress!, rows: rows.count) }
                Self.softmaxMinusOneHot(&g, classes: m.classes, targets: rows.map { y[$0] })
                let (gW, gB) = m.gradients(g, batchX, rows: rows.count, gT: &gT, xT: &xT)
                t += 1
                Self.adam(&m.weights, gW, &mW, &vW, t, o, decay: o.l2)
                Self.adam(&m.bias, gB, &mB, &vB, t, o, decay: 0)
            }, devAccuracy: { $0.accuracy(devX, devY) })
        epochsRun = epochs
    }

    /// Logits → softmax − one-hot, row by row: the cross-entropy gradient.
    static func softmaxMinusOneHot(_ g: inout [Float], classes: Int, targets: [Int]) {
        for (r, target) in targets.enumerated() {
            let row = r * classes
            let m = g[row..<(row + classes)].max()!
            var s: Float = 0
            for c in 0..<classes { g[row + c] = exp(g[row + c] - m); s += g[row + c] }
            for c in 0..<classes { g[row + c] /= s }
            g[row + target] -= 1
        }
    }

    /// Mean-loss gradients: gW = Gᵀ·X / rows (a GEMM through the C kernel,
    /// so training is fast even in debug builds), gB = column sums of G / rows.
    func gradients(_ g: [Float], _ x: [Float], rows: Int, gT: inout [Float], xT: inout [Float]) -> ([Float], [Float]) {
        var gB = [Float](repeating: 0, count: classes)
        for r in 0..<rows {
            for c in 0..<classes { let v = g[r * classes + c] / Float(rows); gT[c * rows + r] = v; gB[c] += v }
        }
        for r in 0..<rows { for k in 0..<inputs { xT[k * rows + r] = x[r * inputs + k] } }
        var gW = [Float](repeating: 0, count: classes * inputs)
        gT.withUnsafeBufferPointer { gt in
            xT.withUnsafeBufferPointer { xt in
                gW.withUnsafeMutableBufferPointer { out in
                    bs_linear(
                        gt.baseAddress!, Int32(classes), Int32(rows), xt.baseAddress!, Int32(inputs), nil,
                        out.baseAddress!, Int32(inputs))
                }
            }
        }
        return (gW, gB)
    }

    /// Mean cross-entropy + (l2 / 2)·‖W‖² on (x, y) (bias not regularized).
    public func loss(_ x: [Float], _ y: [Int], l2: Float) -> Double {
        let rows = y.count
        let z = x.withUnsafeBufferPointer { logits($0.baseAddress!, rows: rows) }
        var total = 0.0
        for r in 0..<rows {
            let row = z[(r * classes)..<((r + 1) * classes)]
            let m = row.max()!
            let lse = Double(m) + log(row.reduce(0.0) { $0 + exp(Double($1 - m)) })
            total += lse - Double(z[r * classes + y[r]])
        }
        return total / Double(max(rows, 1)) + Double(l2) / 2 * weights.reduce(0.0) { $0 + Double($1 * $1) }
    }

    static func adam(
        _ p: inout [Float], _ g: [Float], _ m: inout [Float], _ v: inout [Float], _ t: Float, _ o: Options, decay: Float
    ) {
        let b1: Float = 0.9, b2: Float = 0.999, eps: Float = 1e-8
        let c1 = 1 - pow(b1, t), c2 = 1 - pow(b2, t)
        for i in p.indices {
            let gi = g[i] + decay * p[i]
            m[i] = b1 * m[i] + (1 - b1) * gi
            v[i] = b2 * v[i] + (1 - b2) * gi * gi
            p[i] -= o.learningRate * (m[i] / c1) / ((v[i] / c2).squareRoot() + eps)
        }
    }
}

extension LogisticRegression.Options {
    /// The training loop every probe shares: shuffled mini-batches of sample
    /// indices (seeded) for up to `maxEpochs`; with `keepBestOnDev`, stops
    /// after `patience` epochs without a better dev accuracy and leaves
    /// `model` at its best. Returns how many epochs ran.
    func train<Model>(
        _ model: inout Model, samples n: Int, step: (inout Model, [Int]) -> Void,
        devAccuracy: (Model) -> Double
    ) -> Int {
        var order = Array(0..<n)
        var rng = SplitMix64(seed: seed)
        var best = (acc: -1.0, model: model), stale = 0, epochs = 0
        for epoch in 0..<maxEpochs {
            for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
            for start in stride(from: 0, to: n, by: batch) { step(&model, Array(order[start..<min(n, start + batch)])) }
            epochs = epoch + 1
            guard keepBestOnDev else { continue }
            let acc = devAccuracy(model)
            if acc > best.acc { best = (acc, model); stale = 0 } else { stale += 1 }
            if stale >= patience { break }
        }
        if keepBestOnDev { model = best.model }
        return epochs
    }
}
