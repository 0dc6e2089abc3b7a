import CKernels
import Checkpoint

extension BertEncoder {
    /// One BertLayer: self-attention, output projection + residual + LayerNorm,
    /// FFN + residual + LayerNorm. input/output (n, d); probs (H, n, n).
    func runLayer(
        _ p: PackedLayer, _ w: BertWeights.Layer, layer: Int, n: Int, input: UnsafePointer<Float>,
        output: UnsafeMutablePointer<Float>,
        queries: UnsafeMutablePointer<Float>?, keys: UnsafeMutablePointer<Float>?,
        probs: UnsafeMutablePointer<Float>?, mask: UnsafePointer<Float>?, ablate: HeadSet = HeadSet(), ws: Workspace,
        observe: ((_ layer: Int, _ context: UnsafePointer<Float>) -> Void)? = nil
    ) {
        let d = config.hiddenSize, H = config.numHeads, dh = config.headDim
        // One GEMM for Q, K and V: qkv (n, 3d).
        p.qkv.apply(input, rows: n, into: ws.qkv, ld: 3 * d)
        keepQueriesAndKeys(ws, n: n, queries: queries, keys: keys)
        if let relative {
            // DeBERTa: disentangled position terms, then softmax over the summed scores.
            relative.bias(layer: layer, qkv: ws.qkv, n: n, config: config, into: ws.bias)
            bs_attention_heads_biased(
                ws.qkv, Int32(n), Int32(d), Int32(H), 1 / relative.scale, ws.bias, mask,
                mask == nil ? nil : UnsafePointer(ws.queryOk), probs, ws.context)
        } else {
            let scale = ablate.attentionScale ?? 1 / Float(dh).squareRoot()
            bs_attention_heads(ws.qkv, Int32(n), Int32(d), Int32(H), scale, mask, probs, ws.context)
        }
        observe?(layer, ws.context)
        if !ablate.isEmpty {
            ablate.apply(layer: layer, context: ws.context, rows: n, d: d, headDim: dh, probs: probs, n: n)
        }
        projectAndFeedForward(p, w, rows: n, input: input, output: output, ws: ws)
    }

    /// After attention (ws.context filled): output projection + residual +
    /// LayerNorm, then the FFN + residual + LayerNorm, on `rows` rows — one
    /// sequence, or a whole batch (row-wise, so the same for both).
    func projectAndFeedForward(
        _ p: PackedLayer, _ w: BertWeights.Layer, rows: Int, input: UnsafePointer<Float>,
        output: UnsafeMutablePointer<Float>, ws: Workspace
    ) {
        let d = config.hiddenSize, ff = config.intermediateSize
        p.attentionOutput.apply(ws.context, rows: rows, into: ws.attended, ld: d)
        bs_add_layernorm_parallel(
            ws.attended, input, ws.attended, Int32(rows), Int32(d),
            w.attentionNorm.weight.pointer, w.attentionNorm.bias.pointer, config.layerNormEps)
        p.intermediate.apply(ws.attended, rows: rows, into: ws.intermediate, ld: ff, activation: config.activation)
        p.output.apply(ws.intermediate, rows: rows, into: output, ld: d)
        bs_add_layernorm_parallel(
            output, ws.attended, output, Int32(rows), Int32(d),
            w.outputNorm.weight.pointer, w.outputNorm.bias.pointer, config.layerNormEps)
    }

    /// The fused qkv's queries and keys, as the attention used them, into the trace (nil: a layer it does not keep).
    func keepQueriesAndKeys(
        _ ws: Workspace, n: Int, queries: UnsafeMutablePointer<Float>?, keys: UnsafeMutablePointer<Float>?
    ) {
        guard let queries, let keys else { return }
        let d = config.hiddenSize
        for i in 0..<n {
            queries.advanced(by: i * d).update(from: ws.qkv.advanced(by: i * 3 * d), count: d)
            keys.advanced(by: i * d).update(from: ws.qkv.advanced(by: i * 3 * d + d), count: d)
        }
    }
}
