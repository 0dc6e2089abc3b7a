import CKernels
import Foundation
import Testing

/// The attention kernel (queries in balanced blocks of at most six, keys and
/// value columns in panels of 16, a short last panel stored in part) against a
/// float64 reference, at every length around the block edges, the head widths
/// the families use and widths that leave a value panel part full.
@Suite struct AttentionKernelTests {
    @Test(arguments: [8, 12, 16, 24, 32, 40, 64])
    func blockedAttentionMatchesAReference(dh: Int) {
        var rng = SystemRandomNumberGenerator()
        let heads = 2, d = heads * dh
        for n in [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 15, 16, 17, 31, 33, 47, 64, 70] {
            let qkv = (0..<(n * 3 * d)).map { _ in Float.random(in: -1...1, using: &rng) }
            var probs = [Float](repeating: 0, count: heads * n * n), ctx = [Float](repeating: 0, count: n * d)
            let scale = 1 / Float(dh).squareRoot()
            bs_attention_heads(qkv, Int32(n), Int32(d), Int32(heads), scale, nil, &probs, &ctx)
            var worst = 0.0
            for h in 0..<heads {
                for i in 0..<n {
                    let scores = (0..<n).map { j in
                        (0..<dh).reduce(0.0) {
                            $0 + Double(qkv[i * 3 * d + h * dh + $1]) * Double(qkv[j * 3 * d + d + h * dh + $1])
                        }
                            * Double(scale)
                    }
                    let m = scores.max()!, e = scores.map { exp($0 - m) }, z = e.reduce(0, +)
                    for j in 0..<n { worst = max(worst, abs(e[j] / z - Double(probs[(h * n + i) * n + j]))) }
                    for k in 0..<dh {
                        let want = (0..<n).reduce(0.0) { $0 + e[$1] / z * Double(qkv[$1 * 3 * d + 2 * d + h * dh + k]) }
                        worst = max(worst, abs(want - Double(ctx[i * d + h * dh + k])))
                    }
                }
            }
            #expect(worst < 1e-5, "n \(n), dh \(dh): differs by \(worst)")
        }
    }

    /// The band kernel (ModernBERT's local layers) against the full kernel
    /// with the window as an additive −FLT_MAX mask, as transformers builds it:
    /// every width, lengths around the block and panel edges, windows wider
    /// and narrower than the input, with and without maps kept. Without maps
    /// both kernels score a block of rows at a time and give the same context.
    @Test(arguments: [8, 32, 64, 72])
    func bandAttentionEqualsTheMaskedFullKernel(dh: Int) {
        var rng = SystemRandomNumberGenerator()
        let heads = 3, d = heads * dh, scale = 1 / Float(dh).squareRoot()
        for (n, window) in [(1, 4), (5, 4), (9, 4), (17, 4), (40, 4), (70, 16), (130, 64), (300, 64), (64, 200)] {
            let qkv = (0..<(n * 3 * d)).map { _ in Float.random(in: -2...2, using: &rng) }
            var bias = [Float](repeating: 0, count: n * n)
            for i in 0..<n { for j in 0..<n where abs(i - j) > window { bias[i * n + j] = -.greatestFiniteMagnitude } }
            var fullProbs = [Float](repeating: 0, count: heads * n * n), full = [Float](repeating: 0, count: n * d)
            bs_attention_heads_shared_bias(qkv, Int32(n), Int32(d), Int32(heads), scale, bias, &fullProbs, &full)
            var probs = [Float](repeating: .nan, count: heads * n * n), ctx = [Float](repeating: .nan, count: n * d)
            bs_attention_band(qkv, Int32(n), Int32(d), Int32(heads), scale, Int32(window), nil, &probs, &ctx)
            var lean = [Float](repeating: .nan, count: n * d)
            bs_attention_band(qkv, Int32(n), Int32(d), Int32(heads), scale, Int32(window), nil, nil, &lean)
            var blocked = [Float](repeating: .nan, count: n * d), plain = [Float](repeating: 0, count: n * d)
            var plainProbs = [Float](repeating: 0, count: heads * n * n)
            bs_attention_heads(qkv, Int32(n), Int32(d), Int32(heads), scale, nil, &plainProbs, &plain)
            bs_attention_heads(qkv, Int32(n), Int32(d), Int32(heads), scale, nil, nil, &blocked)
            let p = zip(probs, fullProbs).map { abs($0 - $1) }.max() ?? 0
            let c = zip(ctx, full).map { abs($0 - $1) }.max() ?? 0
            #expect(p <= 1e-6 && c <= 1e-5, "n \(n), window \(window), dh \(dh): probs \(p), context \(c)")
            #expect(lean == ctx, "n \(n), window \(window), dh \(dh): the context without maps")
            #expect(blocked == plain, "n \(n), dh \(dh): the full kernel without maps")
            let outside = (0..<heads).allSatisfy { h in
                (0..<n).allSatisfy { i in
                    (0..<n).allSatisfy { abs(i - $0) <= window || probs[(h * n + i) * n + $0] == 0 }
                }
            }
            #expect(outside, "n \(n), window \(window): a key outside the window has p > 0")
        }
    }

    /// The backward pass (five register-blocked products per head, P and dS
    /// read transposed in place) against float64 at the same edges.
    @Test(arguments: [8, 16, 32, 64])
    func attentionBackwardMatchesAReference(dh: Int) {
        var rng = SystemRandomNumberGenerator()
        let heads = 2, d = heads * dh, scale: Float = 0.37
        for n in [1, 2, 5, 6, 7, 12, 13, 15, 16, 17, 33, 70] {
            let qkv = (0..<(n * 3 * d)).map { _ in Float.random(in: -1...1, using: &rng) }
            let dctx = (0..<(n * d)).map { _ in Float.random(in: -1...1, using: &rng) }
            var probs = [Float](repeating: 0, count: heads * n * n), ctx = [Float](repeating: 0, count: n * d)
            bs_attention_heads(qkv, Int32(n), Int32(d), Int32(heads), scale, nil, &probs, &ctx)
            var dscores = [Float](repeating: 0, count: heads * n * n), scratch = [Float](repeating: 0, count: d * n)
            var dqkv = [Float](repeating: 0.5, count: n * 3 * d)  // accumulated into
            bs_attention_backward(
                qkv, probs, dctx, Int32(n), Int32(d), Int32(heads), scale, &dscores, &scratch, &dqkv)
            let want = Self.backward(qkv, probs, dctx, n: n, d: d, dh: dh, heads: heads, scale: Double(scale))
            let worst = zip(dqkv, want.dqkv).map { abs(Double($0) - 0.5 - $1) }.max() ?? 0
            let worstS = zip(dscores, want.dscores).map { abs(Double($0) - $1) }.max() ?? 0
            #expect(worst < 1e-4 && worstS < 1e-5, "n \(n), dh \(dh): dqkv \(worst), dscores \(worstS)")
        }
    }

    /// dP = dC·Vᵀ, dV = Pᵀ·dC, dS = P ⊙ (dP − rowsum(dP ⊙ P)), dQ = s·dS·K, dK = s·dSᵀ·Q, in float64.
    static func backward(
        _ qkv: [Float], _ probs: [Float], _ dctx: [Float], n: Int, d: Int, dh: Int, heads: Int, scale: Double
    ) -> (dqkv: [Double], dscores: [Double]) {
        var dqkv = [Double](repeating: 0, count: n * 3 * d), dS = [Double](repeating: 0, count: heads * n * n)
        func x(_ i: Int, _ part: Int, _ h: Int, _ t: Int) -> Double { Double(qkv[i * 3 * d + part * d + h * dh + t]) }
        for h in 0..<heads {
            for i in 0..<n {
                let p = (0..<n).map { Double(probs[(h * n + i) * n + $0]) }
                let dp = (0..<n).map { j in
                    (0..<dh).reduce(0.0) { $0 + Double(dctx[i * d + h * dh + $1]) * x(j, 2, h, $1) }
                }
                let dot = zip(dp, p).reduce(0.0) { $0 + $1.0 * $1.1 }
                for j in 0..<n {
                    dS[(h * n + i) * n + j] = p[j] * (dp[j] - dot)
                    for t in 0..<dh { dqkv[j * 3 * d + 2 * d + h * dh + t] += p[j] * Double(dctx[i * d + h * dh + t]) }
                }
            }
            for i in 0..<n {
                for j in 0..<n {
                    let g = dS[(h * n + i) * n + j] * scale
                    for t in 0..<dh {
                        dqkv[i * 3 * d + h * dh + t] += g * x(j, 1, h, t)
                        dqkv[j * 3 * d + d + h * dh + t] += g * x(i, 0, h, t)
                    }
                }
            }
        }
        return (dqkv, dS)
    }
}
