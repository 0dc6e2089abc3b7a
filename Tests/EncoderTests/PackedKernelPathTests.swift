import CKernels
import Testing

/// Whether this CPU runs the packed GEMM's AVX-512 kernels (an empty product reports it).
private let cpuHasAVX512 = bs_packed_rows_isa(nil, 0, 0, 0, nil, 0, 0, 0, nil, 0, Int32(BS_ISA_AVX512)) != 0

/// The packed GEMM's AVX-512 kernels (blocks of rows × two panels, one zmm a
/// panel line) give the AVX2 kernels' bits exactly: every output summed over k
/// in order with one FMA per term, then the bias added once. Each path is
/// called by name (`…_isa`), so one process checks both whatever the cached
/// dispatch chose. Shapes: every M around the row blocks, K odd and even, N
/// short of whole panels, chunks of panels that start or end on an odd one.
@Suite(.enabled(if: cpuHasAVX512, "the CPU has no AVX-512"))
struct PackedKernelPathTests {
    @Test(arguments: [1, 7, 64, 384])
    func linearPathsAgreeBitwise(k: Int) {
        var rng = SplitMix(state: UInt64(k))
        let x = values(40 * k, &rng), bias = values(100, &rng)
        var differing: [String] = []
        for n in [1, 15, 17, 33, 100] {
            let packed = pack(values(n * k, &rng), n: n, k: k), panels = (n + 15) / 16
            for m in 1...40 {
                for activation in 0...4 {
                    for withBias in [false, true] {
                        for (p0, p1) in [(0, panels), (panels / 2, panels), (1, panels)] where p0 < p1 {
                            let run = { (isa: Int32) in
                                linear(
                                    x, m: m, k: k, packed, n: n, bias: withBias ? bias : nil, p0, p1, activation, isa)
                            }
                            let avx2 = run(Int32(BS_ISA_AVX2)), avx512 = run(Int32(BS_ISA_AVX512))
                            let portable = run(Int32(BS_ISA_PORTABLE))
                            if avx2.map(\.bitPattern) != avx512.map(\.bitPattern) || !near(avx2, portable) {
                                differing.append(
                                    "M \(m) N \(n) act \(activation) bias \(withBias) panels \(p0)..<\(p1)")
                            }
                        }
                    }
                }
            }
        }
        #expect(differing.isEmpty, "K \(k): \(differing.count) differ, first \(differing.prefix(5))")
    }

    /// The attention kernel's blocks: at most six rows, x rows ldx > K apart,
    /// any run of panels (the band kernel's start past 0).
    @Test(arguments: [1, 7, 32, 64, 65, 384])
    func rowsPathsAgreeBitwise(k: Int) {
        var rng = SplitMix(state: 1000 + UInt64(k))
        let ldx = k + 3, x = values(6 * ldx, &rng)
        var differing: [String] = []
        for n in [1, 15, 16, 17, 33, 64, 100] {
            let packed = pack(values(n * k, &rng), n: n, k: k), panels = (n + 15) / 16
            for rows in 1...6 {
                for (p0, p1) in [(0, panels), (1, panels), (0, 1), (panels - 1, panels), (0, 2)] where p0 < p1 {
                    guard p1 <= panels else { continue }
                    let run = { (isa: Int32) in
                        var y = [Float](repeating: .nan, count: rows * (n + 5))
                        bs_packed_rows_isa(
                            x, Int32(ldx), Int32(rows), Int32(k), packed, Int32(p0), Int32(p1), Int32(n), &y,
                            Int32(n + 5), isa)
                        return y
                    }
                    let avx2 = run(Int32(BS_ISA_AVX2)), avx512 = run(Int32(BS_ISA_AVX512))
                    if avx2.map(\.bitPattern) != avx512.map(\.bitPattern) || !near(avx2, run(Int32(BS_ISA_PORTABLE))) {
                        differing.append("rows \(rows) N \(n) panels \(p0)..<\(p1)")
                    }
                }
            }
        }
        #expect(differing.isEmpty, "K \(k): \(differing.count) differ, first \(differing.prefix(5))")
    }

    /// The dispatched, threaded GEMM gives the AVX2 path's bits.
    @Test(.enabled(if: bs_uses_avx2() != 0, "BERTSCOPE_NO_AVX2 is set"))
    func dispatchedGemmEqualsTheAVX2Path() {
        var rng = SplitMix(state: 7)
        let k = 384, x = values(64 * k, &rng), bias = values(1152, &rng)
        for n in [17, 100, 400, 1152] {
            let packed = pack(values(n * k, &rng), n: n, k: k), panels = (n + 15) / 16
            for m in [1, 13, 64] {
                var y = [Float](repeating: .nan, count: m * (n + 2))
                bs_linear_packed(x, Int32(m), Int32(k), packed, Int32(n), bias, &y, Int32(n + 2), Int32(BS_ACT_GELU))
                let avx2 = linear(
                    x, m: m, k: k, packed, n: n, bias: bias, 0, panels, Int(BS_ACT_GELU), Int32(BS_ISA_AVX2))
                let same = y.map(\.bitPattern) == avx2.map(\.bitPattern)
                #expect(same, "M \(m) N \(n)")
            }
        }
    }

    /// y (m, n + 2) through one path, NaN where the product writes nothing.
    private func linear(
        _ x: [Float], m: Int, k: Int, _ packed: [Float], n: Int, bias: [Float]?, _ p0: Int, _ p1: Int,
        _ activation: Int, _ isa: Int32
    ) -> [Float] {
        var y = [Float](repeating: .nan, count: m * (n + 2))
        bias.withOptionalPointer { b in
            _ = bs_linear_packed_range_isa(
                x, Int32(m), Int32(k), packed, Int32(n), b, &y, Int32(n + 2), Int32(p0), Int32(p1), Int32(activation),
                isa)
        }
        return y
    }

    private func pack(_ w: [Float], n: Int, k: Int) -> [Float] {
        var packed = [Float](repeating: 0, count: bs_packed_size(Int32(n), Int32(k)))
        bs_pack(w, Int32(n), Int32(k), &packed)
        return packed
    }

    /// Values in [-2, 2], one in eight exactly zero.
    private func values(_ count: Int, _ rng: inout SplitMix) -> [Float] {
        (0..<count).map { _ in rng.next() % 8 == 0 ? 0 : Float.random(in: -2...2, using: &rng) }
    }

    /// The same NaNs (nothing written) and otherwise within rounding of the unfused portable sums.
    private func near(_ a: [Float], _ b: [Float]) -> Bool {
        zip(a, b).allSatisfy { $0.isNaN ? $1.isNaN : abs($0 - $1) <= 1e-3 }
    }
}

extension Optional where Wrapped == [Float] {
    fileprivate func withOptionalPointer<R>(_ body: (UnsafePointer<Float>?) -> R) -> R {
        guard let array = self else { return body(nil) }
        return array.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}

/// SplitMix64: the same inputs on every run.
private struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
