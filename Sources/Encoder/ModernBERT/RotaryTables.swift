import Checkpoint
import Foundation

/// Rotary position embeddings' cos and sin for every position and frequency,
/// per rotary base, computed once at load in float32 as transformers does:
/// inv_freq = 1 / θ^(2t/dₕ), angle = position · inv_freq, then cos and sin.
struct RotaryTables: Sendable {
    /// (positions, dₕ/2) each, by base.
    let cos: [Double: [Float]], sin: [Double: [Float]]
    let half: Int, positions: Int

    init(settings: ModernBertSettings, headDim: Int, positions: Int) {
        half = headDim / 2
        self.positions = positions
        var c: [Double: [Float]] = [:], s: [Double: [Float]] = [:]
        for theta in Set([settings.globalTheta, settings.localTheta]) {
            let inv = (0..<half).map { t in 1 / powf(Float(theta), Float(2 * t) / Float(headDim)) }
            var ct = [Float](repeating: 0, count: positions * half), st = ct
            for p in 0..<positions {
                for t in 0..<half {
                    let angle = Float(p) * inv[t]
                    ct[p * half + t] = Foundation.cos(angle)
                    st[p * half + t] = Foundation.sin(angle)
                }
            }
            c[theta] = ct
            s[theta] = st
        }
        cos = c
        sin = s
    }

    /// Rotates the queries and keys of a fused qkv (n, 3d) buffer in place:
    /// x[t] ← x[t]·cos − x[t+½]·sin, x[t+½] ← x[t+½]·cos + x[t]·sin.
    /// `inverse` rotates back (the transpose: a gradient through the rotation).
    func rotate(_ qkv: UnsafeMutablePointer<Float>, n: Int, d: Int, heads: Int, theta: Double, inverse: Bool = false) {
        guard let ct = cos[theta], let st = inverse ? sin[theta]?.map({ -$0 }) : sin[theta], n <= positions else {
            return
        }
        let dh = d / heads
        ct.withUnsafeBufferPointer { c in
            st.withUnsafeBufferPointer { s in
                for i in 0..<n {
                    let cr = c.baseAddress! + i * half, sr = s.baseAddress! + i * half
                    for part in 0..<2 {
                        for h in 0..<heads {
                            let x = qkv + i * 3 * d + part * d + h * dh
                            for t in 0..<half {
                                let a = x[t], b = x[t + half]
                                x[t] = a * cr[t] - b * sr[t]
                                x[t + half] = b * cr[t] + a * sr[t]
                            }
                        }
                    }
                }
            }
        }
    }
}
