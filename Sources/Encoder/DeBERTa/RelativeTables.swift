import CKernels
import Checkpoint
import Foundation

/// DeBERTa-v2/v3's disentangled attention, the parts that depend on weights
/// only: each layer's position keys and queries (the relative embeddings,
/// LayerNorm'd, through the position or shared projections) are computed
/// once at load, and the bucket of every distance is tabulated.
final class RelativeTables: Sendable {
    let settings: RelativeAttention
    /// sqrt(head_dim · scale_factor): every score term is divided by it.
    let scale: Float
    /// Per layer, (2·span, d) or nil when that term is off.
    let positionKeys: [[Float]?]
    let positionQueries: [[Float]?]
    /// bucket(r) at index r + maxDistance, r in [−maxDistance, maxDistance].
    let buckets: [Int32]
    let maxDistance: Int

    init(config: ModelConfig, weights: BertWeights, settings r: RelativeAttention) throws {
        guard let rel = weights.relative else {
            throw EncoderError("relative_attention is on but the checkpoint has no rel_embeddings")
        }
        let d = config.hiddenSize, rows = 2 * r.span
        settings = r
        scale = (Float(config.headDim) * Float(r.scaleFactor)).squareRoot()
        var table = [Float](UnsafeBufferPointer(start: rel.embeddings.pointer, count: rows * d))
        if let norm = rel.norm {
            table.withUnsafeMutableBufferPointer { t in
                bs_add_layernorm(
                    t.baseAddress!, nil, t.baseAddress!, Int32(rows), Int32(d), norm.weight.pointer, norm.bias.pointer,
                    config.layerNormEps)
            }
        }
        func project(_ linear: BertWeights.Linear?) -> [Float]? {
            guard let linear else { return nil }
            var out = [Float](repeating: 0, count: rows * d)
            bs_linear(
                table, Int32(rows), Int32(d), linear.weight.pointer, Int32(d), linear.bias?.pointer, &out, Int32(d))
            return out
        }
        positionKeys = weights.layers.map { r.contentToPosition ? project(r.shareKey ? $0.key : $0.positionKey) : nil }
        positionQueries = weights.layers.map {
            r.positionToContent ? project(r.shareKey ? $0.query : $0.positionQuery) : nil
        }
        maxDistance = config.maxTokens
        buckets = (-maxDistance...maxDistance).map { Int32(r.bucket($0)) }
    }

    /// The (H, n, n) score bias of `layer` for the current q and k.
    func bias(layer: Int, qkv: UnsafePointer<Float>, n: Int, config: ModelConfig, into out: UnsafeMutablePointer<Float>)
    {
        buckets.withUnsafeBufferPointer { b in
            let zero = b.baseAddress! + maxDistance
            withOptionalPointer(positionKeys[layer]) { pk in
                withOptionalPointer(positionQueries[layer]) { pq in
                    bs_relative_bias(
                        qkv, Int32(n), Int32(config.hiddenSize), Int32(config.numHeads), pk, pq, zero,
                        Int32(settings.span), scale, out)
                }
            }
        }
    }
}

private func withOptionalPointer<R>(_ a: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let a else { return body(nil) }
    return a.withUnsafeBufferPointer { body($0.baseAddress) }
}
