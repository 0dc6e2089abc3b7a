import CKernels
import Checkpoint
import Foundation

/// ModernBERT's layers for gradients (#30): the pre-LN layer as
/// runModernLayer computes it, keeping what its backward pass needs, and that
/// backward pass: GeGLU, mlp_norm, the output projection, attention (its
/// window is a constant mask: no gradient flows where a probability is 0),
/// the rotation of q and k (orthogonal: its transpose rotates back), Wqkv and
/// attn_norm, each with its residual.
extension BertEncoder {
    /// One ModernBERT layer on the tape's B sequences. The tape's slots hold:
    /// `qkv` with q and k rotated, `attentionSum`
    /// h = x + Wo(context), `attended` mlp_norm(h), `preActivation` Wi's (R, 2·ff).
    func tapeModernLayer(_ l: Int, input x: [Float], tape: GradientTape, ablate: HeadSet) -> [Float] {
        guard let m = config.modern, let rotary else { return x }
        let n = tape.tokens, R = tape.rows, d = config.hiddenSize, H = config.numHeads, ff = config.intermediateSize
        let p = packed[l], norms = weights.modern!
        var normed = x
        if let an = norms.attention[l] { layerNorm(x, rows: R, width: d, an, into: &normed) }
        var qkv = linearRows(normed, rows: R, packed: p.qkv)
        let scale = ablate.attentionScale ?? attentionScale
        let (probs, context) = tapeAttention(l, qkv: &qkv, tape: tape, ablate: ablate) { qb, pb, cb in
            rotary.rotate(qb, n: n, d: d, heads: H, theta: m.theta(l))
            if m.isGlobal(l) {
                bs_attention_heads(qb, Int32(n), Int32(d), Int32(H), scale, nil, pb, cb)
            } else {
                bs_attention_band(qb, Int32(n), Int32(d), Int32(H), scale, Int32(m.window), nil, pb, cb)
            }
        }
        var h = linearRows(context, rows: R, packed: p.attentionOutput)
        for i in 0..<(R * d) { h[i] += x[i] }
        var mlpIn = [Float](repeating: 0, count: R * d)
        layerNorm(h, rows: R, width: d, norms.mlp[l], into: &mlpIn)
        let pre = linearRows(mlpIn, rows: R, packed: p.intermediate)
        var gated = pre
        gated.withUnsafeMutableBufferPointer { geglu($0.baseAddress!, rows: R, ff: ff) }
        var out = linearRows(Array(gated[0..<(R * ff)]), rows: R, packed: p.output)
        for i in 0..<(R * d) { out[i] += h[i] }
        tape.record(qkv: qkv, probs: probs, context: context, attentionSum: h, attended: mlpIn, preActivation: pre)
        return withExtendedLifetime(weights) { out }
    }

    /// ∂/∂(layer input) from ∂/∂(layer output), both (R, d), for a ModernBERT layer.
    func modernLayerBackward(_ l: Int, dOut: [Float], tape: GradientTape, ablate: HeadSet) -> [Float] {
        guard let m = config.modern, let rotary, let norms = weights.modern else { return dOut }
        let n = tape.tokens, R = tape.rows, d = config.hiddenSize, H = config.numHeads, ff = config.intermediateSize
        let w = weights.layers[l], eps = config.layerNormEps
        // y = h + Wo(GeGLU(Wi(mlp_norm(h)))): back through the MLP, plus the residual.
        var dGated = [Float](repeating: 0, count: R * ff)
        bs_matmul_nn(dOut, Int32(d), Int32(R), Int32(d), w.output.weight.pointer, Int32(ff), &dGated, 0)
        let dPre = gegluBackward(dGated, pre: tape.preActivation[l], rows: R, ff: ff)
        var dMlpIn = [Float](repeating: 0, count: R * d)
        bs_matmul_nn(dPre, Int32(2 * ff), Int32(R), Int32(2 * ff), w.intermediate.weight.pointer, Int32(d), &dMlpIn, 0)
        var dH = dOut
        bs_layernorm_backward(
            tape.attentionSum[l], norms.mlp[l].weight.pointer, dMlpIn, &dH, Int32(R), Int32(d), eps, 1)
        // h = x + Wo(context).
        var dContext = [Float](repeating: 0, count: R * d)
        bs_matmul_nn(dH, Int32(d), Int32(R), Int32(d), w.attentionOutput.weight.pointer, Int32(d), &dContext, 0)
        // Attention over the rotated q and k, then the rotation undone on their gradients.
        let dqkv = attentionBackward(l, dContext: &dContext, tape: tape, ablate: ablate) { dqb, _ in
            rotary.rotate(dqb, n: n, d: d, heads: H, theta: m.theta(l), inverse: true)
        }
        // Through Wqkv (the three row blocks of one matrix) and attn_norm, plus the residual.
        var dNormed = [Float](repeating: 0, count: R * d)
        for (k, linear) in [w.query, w.key, w.value].enumerated() {
            dqkv.withUnsafeBufferPointer { dq in
                bs_matmul_nn(
                    dq.baseAddress! + k * d, Int32(3 * d), Int32(R), Int32(d), linear.weight.pointer, Int32(d),
                    &dNormed, 1)
            }
        }
        var dInput = dH
        if let an = norms.attention[l] {
            // attn_norm reads x: the layer's input, which the tape holds as hidden[l].
            bs_layernorm_backward(tape.hidden[l], an.weight.pointer, dNormed, &dInput, Int32(R), Int32(d), eps, 1)
        } else {
            for i in 0..<(R * d) { dInput[i] += dNormed[i] }
        }
        return withExtendedLifetime(weights) { dInput }
    }

    /// GeGLU backward: from ∂/∂(act(input)·gate) (R, ff) to ∂/∂[input, gate] (R, 2·ff).
    private func gegluBackward(_ dGated: [Float], pre: [Float], rows R: Int, ff: Int) -> [Float] {
        var out = [Float](repeating: 0, count: R * 2 * ff)
        var input = [Float](repeating: 0, count: ff), act = [Float](repeating: 0, count: ff)
        var g = [Float](repeating: 0, count: ff)
        for r in 0..<R {
            let row = r * 2 * ff
            for t in 0..<ff { input[t] = pre[row + t] }
            act = input
            act.withUnsafeMutableBufferPointer { apply(config.activation, $0.baseAddress!, count: ff) }
            // ∂/∂input = dGated · gate · act'(input); ∂/∂gate = dGated · act(input).
            for t in 0..<ff { g[t] = dGated[r * ff + t] * pre[row + ff + t] }
            bs_activation_backward(input, &g, Int32(ff), config.activation.kernelCode)
            for t in 0..<ff {
                out[row + t] = g[t]
                out[row + ff + t] = dGated[r * ff + t] * act[t]
            }
        }
        return out
    }
}
