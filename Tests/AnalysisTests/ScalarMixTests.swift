import Foundation
import Testing
@testable import Analysis

/// The scalar-mix probe: its gradients against finite differences, and the
/// mix finding the one layer that carries the labels.
@Suite struct ScalarMixTests {
    /// Per-layer features (layers, n·d), labels from `informative` layer's first two features.
    static func problem(layers: Int, n: Int, d: Int, informative: Int, seed: UInt64) -> ([[Float]], [Int]) {
        var rng = SplitMix64(seed: seed)
        func noise() -> Float { Float(rng.next() % 2001) / 1000 - 1 }
        let x = (0..<layers).map { _ in (0..<(n * d)).map { _ in noise() } }
        let y = (0..<n).map { i in (x[informative][i * d] > 0 ? 1 : 0) + (x[informative][i * d + 1] > 0 ? 2 : 0) }
        return (x, y)
    }

    @Test func gradientsMatchFiniteDifferences() throws {
        let (x, y) = Self.problem(layers: 3, n: 12, d: 4, informative: 1, seed: 7)
        var probe = ScalarMixProbe(layers: 3, classes: 4, inputs: 4)
        var o = LogisticRegression.Options()
        o.maxEpochs = 2; o.batch = 4; o.l2 = 0; o.keepBestOnDev = false; o.patience = 99
        probe.fit(x, y, devX: x, devY: y, options: o)  // move off the symmetric start
        let g = probe.gradients(x, rows: Array(0..<12), targets: y)
        let h: Float = 1e-2
        func loss(_ p: ScalarMixProbe) -> Double { p.loss(x, y, l2: 0) }
        for l in 0..<3 {
            var plus = probe, minus = probe
            plus.nudgeMix(l, by: h); minus.nudgeMix(l, by: -h)
            let numeric = (loss(plus) - loss(minus)) / Double(2 * h)
            #expect(abs(numeric - Double(g.mixLogits[l])) < 2e-3, "mix \(l): \(numeric) vs \(g.mixLogits[l])")
        }
        var plus = probe, minus = probe
        plus.nudgeGamma(by: h); minus.nudgeGamma(by: -h)
        #expect(abs((loss(plus) - loss(minus)) / Double(2 * h) - Double(g.gamma)) < 2e-3)
    }

    @Test func theMixFindsTheInformativeLayer() throws {
        let (x, y) = Self.problem(layers: 5, n: 1200, d: 8, informative: 3, seed: 11)
        let (dx, dy) = Self.problem(layers: 5, n: 300, d: 8, informative: 3, seed: 12)
        var probe = ScalarMixProbe(layers: 5, classes: 4, inputs: 8)
        var o = LogisticRegression.Options()
        o.learningRate = 5e-2
        probe.fit(x, y, devX: dx, devY: dy, options: o)
        let w = probe.weights
        #expect(w[3] > 0.6, "weights \(w)")
        #expect(abs(probe.centerOfGravity - 3) < 0.8)
        #expect(probe.accuracy(dx, dy) > 0.9)
    }
}

extension ScalarMixProbe {
    mutating func nudgeMix(_ l: Int, by h: Float) {
        var a = mixLogits; a[l] += h
        self = ScalarMixProbe(copying: self, mixLogits: a, gamma: gamma)
    }
    mutating func nudgeGamma(by h: Float) {
        self = ScalarMixProbe(copying: self, mixLogits: mixLogits, gamma: gamma + h)
    }
}
