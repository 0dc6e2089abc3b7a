import CKernels
import Checkpoint

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
            bs_linear(
                target, Int32(ids.count), Int32(e), proj.weight.pointer, Int32(d), proj.bias?.pointer, out, Int32(d))
        }
        bs_add_layernorm(
            out, nil, out, Int32(ids.count), Int32(d), emb.norm.weight.pointer, emb.norm.bias.pointer,
            config.layerNormEps)
        if let mask { for (i, m) in mask.enumerated() where m == 0 { (out + i * d).update(repeating: 0, count: d) } }
    }
}
