import CKernels
import Foundation
import Testing

/// The attention kernel (queries in blocks of four, keys in blocks of 16,
/// remainders row by row) against a float64 reference, at every length
/// around the block edges and the head widths the families use.
@Suite struct AttentionKernelTests {
    @Test(arguments: [8, 16, 32, 64])
    func blockedAttentionMatchesAReference(dh: Int) {
        var rng = SystemRandomNumberGenerator()
        let heads = 2, d = heads * dh
        for n in [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 47, 64, 70] {
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
}
