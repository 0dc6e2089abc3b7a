import CKernels
import Checkpoint

extension BertEncoder {
    /// One BertLayer: self-attention, output projection + residual + LayerNorm,
    /// FFN + residual + LayerNorm. input/output (n, d); probs (H, n, n).
    func runLayer(
        _ w: BertWeights.Layer, n: Int, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        queries: UnsafeMutablePointer<Float>, keys: UnsafeMutablePointer<Float>,
        probs: UnsafeMutablePointer<Float>, mask: UnsafePointer<Float>?, ws: Workspace
    ) {
        let d = config.hiddenSize, H = config.numHeads, dh = config.headDim, ff = config.intermediateSize
        linear(input, n, w.query, into: queries, ld: d)
        linear(input, n, w.key, into: keys, ld: d)
        linear(input, n, w.value, into: ws.values, ld: d)
        let scale = 1 / Float(dh).squareRoot()
        for h in 0..<H {
            bs_attention_head(queries + h * dh, keys + h * dh, ws.values + h * dh, Int32(n), Int32(d), Int32(dh),
                              scale, mask, probs + h * n * n, ws.context + h * dh, Int32(d))
        }
        linear(ws.context, n, w.attentionOutput, into: ws.attended, ld: d)
        bs_add_layernorm(ws.attended, input, ws.attended, Int32(n), Int32(d),
                         w.attentionNorm.weight.pointer, w.attentionNorm.bias.pointer, config.layerNormEps)
        linear(ws.attended, n, w.intermediate, into: ws.intermediate, ld: ff)
        applyActivation(ws.intermediate, count: n * ff)
        linear(ws.intermediate, n, w.output, into: output, ld: d)
        bs_add_layernorm(output, ws.attended, output, Int32(n), Int32(d),
                         w.outputNorm.weight.pointer, w.outputNorm.bias.pointer, config.layerNormEps)
    }

    private func linear(_ x: UnsafePointer<Float>, _ m: Int, _ l: BertWeights.Linear, into y: UnsafeMutablePointer<Float>, ld: Int) {
        bs_linear(x, Int32(m), Int32(l.inFeatures), l.weight.pointer, Int32(l.outFeatures), l.bias?.pointer, y, Int32(ld))
    }

}
