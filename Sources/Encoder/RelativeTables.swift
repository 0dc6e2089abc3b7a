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
        guard let rel = weights.relative else { throw EncoderError("relative_attention is on but the checkpoint has no rel_embeddings") }
        let d = config.hiddenSize, rows = 2 * r.span
        settings = r
        scale = (Float(config.headDim) * Float(r.scaleFactor)).squareRoot()
        var table = [Float](UnsafeBufferPointer(start: rel.embeddings.pointer, count: rows * d))
        if let norm = rel.norm {
            table.withUnsafeMutableBufferPointer { t in
                bs_add_layernorm(t.baseAddress!, nil, t.baseAddress!, Int32(rows), Int32(d), norm.weight.pointer, norm.bias.pointer, config.layerNormEps)
            }
        }
        func project(_ linear: BertWeights.Linear?) -> [Float]? {
            guard let linear else { return nil }
            var out = [Float](repeating: 0, count: rows * d)
            bs_linear(table, Int32(rows), Int32(d), linear.weight.pointer, Int32(d), linear.bias?.pointer, &out, Int32(d))
            return out
        }
        positionKeys = weights.layers.map { r.contentToPosition ? project(r.shareKey ? $0.key : $0.positionKey) : nil }
        positionQueries = weights.layers.map { r.positionToContent ? project(r.shareKey ? $0.query : $0.positionQuery) : nil }
        maxDistance = config.maxTokens
        buckets = (-maxDistance...maxDistance).map { Int32(r.bucket($0)) }
    }

    /// The (H, n, n) score bias of `layer` for the current q and k.
    func bias(layer: Int, qkv: UnsafePointer<Float>, n: Int, config: ModelConfig, into out: UnsafeMutablePointer<Float>) {
        buckets.withUnsafeBufferPointer { b in
            let zero = b.baseAddress! + maxDistance
            withOptionalPointer(positionKeys[layer]) { pk in
                withOptionalPointer(positionQueries[layer]) { pq in
                    bs_relative_bias(qkv, Int32(n), Int32(config.hiddenSize), Int32(config.numHeads), pk, pq, zero,
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

extension BertEncoder {
    /// DeBERTa's embeddings: (word + position) + token type, projected up
    /// when narrower, LayerNorm, and padded rows zeroed.
    func embedDeBERTa(ids: [Int], typeIds: [Int]?, mask: [Int]?, into out: UnsafeMutablePointer<Float>, ws: Workspace) {
        let e = config.embeddingSize, d = config.hiddenSize, emb = weights.embeddings
        let target = emb.projection == nil ? out : ws.embedded
        for (i, id) in ids.enumerated() {
            let row = target + i * e, w = emb.word.pointer + id * e
            for k in 0..<e { row[k] = w[k] }
            if let pos = emb.position { let p = pos.pointer + i * e; for k in 0..<e { row[k] += p[k] } }
            if let tt = emb.tokenType { let t = tt.pointer + (typeIds?[i] ?? 0) * e; for k in 0..<e { row[k] += t[k] } }
        }
        if let proj = emb.projection {
            bs_linear(target, Int32(ids.count), Int32(e), proj.weight.pointer, Int32(d), proj.bias?.pointer, out, Int32(d))
        }
        bs_add_layernorm(out, nil, out, Int32(ids.count), Int32(d), emb.norm.weight.pointer, emb.norm.bias.pointer, config.layerNormEps)
        if let mask { for (i, m) in mask.enumerated() where m == 0 { (out + i * d).update(repeating: 0, count: d) } }
    }
}

/// One attention score of a DeBERTa head split into its disentangled terms
/// (each already divided by the shared scale), for teaching what the final
/// softmax sums.
public struct ScoreParts: Sendable, Equatable {
    public let contentToContent: Float
    /// nil when pos_att_type leaves that term out.
    public let contentToPosition: Float?
    public let positionToContent: Float?
    /// The query − key distance and the bucket it falls in.
    public let distance: Int
    public let bucket: Int
    public var total: Float { contentToContent + (contentToPosition ?? 0) + (positionToContent ?? 0) }
}

extension BertEncoder {
    /// The terms of query `i` → key `j` in `layer`/`head`, from the trace's
    /// projected queries and keys; nil for families without relative attention.
    public func scoreParts(_ trace: Trace, layer: Int, head: Int, query i: Int, key j: Int) -> ScoreParts? {
        guard let relative, let settings = config.relative else { return nil }
        let n = trace.tokens, d = config.hiddenSize, dh = config.headDim
        guard layer >= 0, layer < config.numLayers, head >= 0, head < config.numHeads, i >= 0, i < n, j >= 0, j < n,
              trace.queries.count >= config.numLayers * n * d else { return nil }
        let q = trace.queries[(layer * n + i) * d + head * dh ..< (layer * n + i) * d + (head + 1) * dh]
        let k = trace.keys[(layer * n + j) * d + head * dh ..< (layer * n + j) * d + (head + 1) * dh]
        func dot(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Float { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
        func row(_ table: [Float]?, _ index: Int) -> ArraySlice<Float>? {
            table.map { $0[index * d + head * dh ..< index * d + (head + 1) * dh] }
        }
        let top = 2 * settings.span - 1
        let c2p = min(max(settings.bucket(i - j) + settings.span, 0), top), p2c = min(max(settings.span - settings.bucket(j - i), 0), top)
        return ScoreParts(
            contentToContent: dot(q, k) / relative.scale,
            contentToPosition: row(relative.positionKeys[layer], c2p).map { dot(q, $0) / relative.scale },
            positionToContent: row(relative.positionQueries[layer], p2c).map { dot(k, $0) / relative.scale },
            distance: i - j, bucket: settings.bucket(i - j))
    }
}
