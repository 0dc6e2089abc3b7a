import CKernels
import Foundation

/// Tenney et al.'s scalar mix (ELMo-style): one linear probe over
/// γ · Σℓ softmax(a)ℓ · hℓ, with the layer weights learned together with the
/// probe. Where the weight lands says which layers the probe draws on; its
/// center of gravity Σ ℓ·sℓ is the paper's companion to the expected layer.
public struct ScalarMixProbe: Sendable {
    public let layers: Int
    public private(set) var mixLogits: [Float]
    public private(set) var gamma: Float = 1
    public private(set) var probe: LogisticRegression

    public init(layers: Int, classes: Int, inputs: Int) {
        self.layers = layers
        mixLogits = [Float](repeating: 0, count: layers)
        probe = LogisticRegression(classes: classes, inputs: inputs)
    }

    /// A copy with other mix parameters (tests and finite differences).
    init(copying p: ScalarMixProbe, mixLogits: [Float], gamma: Float) {
        self = p
        self.mixLogits = mixLogits
        self.gamma = gamma
    }

    /// softmax(a): how much each layer contributes.
    public var weights: [Float] {
        let m = mixLogits.max() ?? 0, e = mixLogits.map { exp($0 - m) }, s = e.reduce(0, +)
        return e.map { $0 / s }
    }

    /// Σ ℓ·sℓ with the embeddings as layer 0.
    public var centerOfGravity: Double {
        weights.enumerated().reduce(0.0) { $0 + Double($1.offset) * Double($1.element) }
    }

    /// The mixed features (rows, inputs) of `rows` samples from per-layer matrices.
    func mixed(_ features: [[Float]], rows: [Int]) -> [Float] {
        let d = probe.inputs, w = weights
        var out = [Float](repeating: 0, count: rows.count * d)
        for (r, s) in rows.enumerated() {
            for l in 0..<layers {
                let scale = gamma * w[l], base = s * d
                for k in 0..<d { out[r * d + k] += scale * features[l][base + k] }
            }
        }
        return out
    }

    public func accuracy(_ features: [[Float]], _ y: [Int]) -> Double {
        probe.accuracy(mixed(features, rows: Array(y.indices)), y)
    }

    /// Mean cross-entropy + (l2 / 2)·‖W‖², as LogisticRegression.loss, on the mix.
    public func loss(_ features: [[Float]], _ y: [Int], l2: Float) -> Double {
        probe.loss(mixed(features, rows: Array(y.indices)), y, l2: l2)
    }

    /// Trains mix, γ and probe jointly by Adam, keeping the best dev accuracy.
    public mutating func fit(
        _ x: [[Float]], _ y: [Int], devX: [[Float]], devY: [Int], options o: LogisticRegression.Options = .init()
    ) {
        var state = AdamState(self)
        _ = o.train(
            &self, samples: y.count,
            step: { m, rows in
                state.step(&m, m.gradients(x, rows: rows, targets: rows.map { y[$0] }), o)
            }, devAccuracy: { $0.accuracy(devX, devY) })
    }

    struct Gradients {
        var weights: [Float], bias: [Float], mixLogits: [Float], gamma: Float
    }

    /// Mean-loss gradients of every parameter on the samples `rows`.
    func gradients(_ x: [[Float]], rows: [Int], targets: [Int]) -> Gradients {
        let d = probe.inputs, c = probe.classes, m = rows.count, w = weights
        let input = mixed(x, rows: rows)
        var g = input.withUnsafeBufferPointer { probe.logits($0.baseAddress!, rows: m) }
        LogisticRegression.softmaxMinusOneHot(&g, classes: c, targets: targets)
        var gT = [Float](repeating: 0, count: c * m), xT = [Float](repeating: 0, count: d * m)
        let (gW, gB) = probe.gradients(g, input, rows: m, gT: &gT, xT: &xT)
        // dL/dx = (G / m) · W: through the GEMM with Wᵀ as its (d, c) "weight".
        var wT = [Float](repeating: 0, count: d * c)
        for k in 0..<c { for j in 0..<d { wT[j * c + k] = probe.weights[k * d + j] } }
        let scaled = g.map { $0 / Float(m) }
        var dx = [Float](repeating: 0, count: m * d)
        scaled.withUnsafeBufferPointer { gp in
            wT.withUnsafeBufferPointer { wp in
                dx.withUnsafeMutableBufferPointer { out in
                    bs_linear(
                        gp.baseAddress!, Int32(m), Int32(c), wp.baseAddress!, Int32(d), nil, out.baseAddress!, Int32(d))
                }
            }
        }
        // x = γ Σ sℓ Xℓ: dγ = Σ dx·(x / γ), dsℓ = γ Σ dx·Xℓ, then through the softmax.
        var ds = [Float](repeating: 0, count: layers), dGamma: Float = 0
        for (r, s) in rows.enumerated() {
            for l in 0..<layers {
                var dot: Float = 0
                for k in 0..<d { dot += dx[r * d + k] * x[l][s * d + k] }
                ds[l] += gamma * dot
                dGamma += w[l] * dot
            }
        }
        let mean = zip(w, ds).reduce(0) { $0 + $1.0 * $1.1 }
        return Gradients(weights: gW, bias: gB, mixLogits: zip(w, ds).map { $0 * ($1 - mean) }, gamma: dGamma)
    }

    /// Adam moments for every parameter.
    private struct AdamState {
        var mW, vW, mB, vB, mA, vA: [Float]
        var mG: [Float] = [0], vG: [Float] = [0]
        var t: Float = 0

        init(_ p: ScalarMixProbe) {
            mW = [Float](repeating: 0, count: p.probe.weights.count); vW = mW
            mB = [Float](repeating: 0, count: p.probe.classes); vB = mB
            mA = [Float](repeating: 0, count: p.layers); vA = mA
        }

        mutating func step(_ p: inout ScalarMixProbe, _ g: Gradients, _ o: LogisticRegression.Options) {
            t += 1
            var w = p.probe.weights, b = p.probe.bias, gamma = [p.gamma]
            LogisticRegression.adam(&w, g.weights, &mW, &vW, t, o, decay: o.l2)
            LogisticRegression.adam(&b, g.bias, &mB, &vB, t, o, decay: 0)
            LogisticRegression.adam(&p.mixLogits, g.mixLogits, &mA, &vA, t, o, decay: 0)
            LogisticRegression.adam(&gamma, [g.gamma], &mG, &vG, t, o, decay: 0)
            p.probe = LogisticRegression(classes: p.probe.classes, inputs: p.probe.inputs, weights: w, bias: b)
            p.gamma = gamma[0]
        }
    }
}
