import CKernels
import Checkpoint
import Foundation

/// The layers' weights packed transposed, for the backward pass: ∂/∂x = ∂/∂y · W runs through the
/// forward's packed GEMM (about a third faster than reading W's rows in place). Built once, on the
/// first gradient, and only while they fit: at most 512 MB and a quarter of what the process may
/// still use (`MemoryBudget`: under `ulimit -v` 1 GB, bert-base's 324 MB keep the in-place
/// products; bert-large's 1.2 GB always do).
final class BackwardPacks: @unchecked Sendable {
    struct Layer {
        /// [Wq; Wk; Wv]ᵀ, W_oᵀ, W_intermediateᵀ, W_outputᵀ: each (in, out) packed.
        let qkv: PackedMatrix, attentionOutput: PackedMatrix, intermediate: PackedMatrix, output: PackedMatrix
    }

    static let budget = 512 << 20
    private let lock = NSLock()
    private var built: [Layer]??

    /// Keeps the in-place products (what a model over the budget runs; tests compare the two).
    func disable() { lock.withLock { built = .some(nil) } }

    /// The stored layers' packs (index by `config.weightLayer`), nil when over the budget.
    func layers(_ weights: BertWeights, _ config: ModelConfig) -> [Layer]? {
        lock.withLock {
            if let built { return built ?? nil }
            let d = Int32(config.hiddenSize), ff = Int32(config.intermediateSize)
            let perLayer =
                bs_packed_size(d, 3 * d) + bs_packed_size(d, d) + bs_packed_size(d, ff) + bs_packed_size(ff, d)
            let bytes = config.storedLayers * 4 * perLayer
            let made: [Layer]? =
                bytes > Self.budget || Double(bytes) * 4 > MemoryBudget.bytes || config.modern != nil
                ? nil
                : (0..<config.storedLayers).map { g in
                    let w = weights.layers[(0..<config.numLayers).first { config.weightLayer($0) == g } ?? g]
                    let layer = Layer(
                        qkv: PackedMatrix(transposing: [w.query, w.key, w.value]),
                        attentionOutput: PackedMatrix(transposing: [w.attentionOutput]),
                        intermediate: PackedMatrix(transposing: [w.intermediate]),
                        output: PackedMatrix(transposing: [w.output]))
                    // Reading the mapped weights made their pages resident again; the packs replace them.
                    for linear in [w.query, w.key, w.value, w.attentionOutput, w.intermediate, w.output] {
                        linear.weight.releaseResidentPages()
                    }
                    return layer
                }
            built = .some(made)
            return made
        }
    }
}

extension PackedMatrix {
    /// Wᵀ of the linears stacked along their outputs (N × K): packed as (K × N), no bias, so
    /// `apply` gives x (m, N) · W.
    convenience init(transposing linears: [BertWeights.Linear]) {
        let k = linears[0].inFeatures, n = linears.reduce(0) { $0 + $1.outFeatures }
        let t = UnsafeMutablePointer<Float>.allocate(capacity: n * k)
        defer { t.deallocate() }
        var row = 0
        for l in linears {
            let w = l.weight.pointer
            for r in 0..<l.outFeatures { for c in 0..<k { t[c * n + row + r] = w[r * k + c] } }
            row += l.outFeatures
        }
        self.init(packing: t, outFeatures: k, inFeatures: n)
        withExtendedLifetime(linears) {}
    }
}
