import CKernels
import Checkpoint

extension BertEncoder {
    /// ModernBERT's embeddings: the token's row, LayerNorm (no positions: they
    /// enter as rotations of q and k).
    func embedModern(ids: [Int], into out: UnsafeMutablePointer<Float>) {
        let d = config.hiddenSize, emb = weights.embeddings
        for (i, id) in ids.enumerated() { (out + i * d).update(from: emb.word.pointer + id * d, count: d) }
        bs_add_layernorm(
            out, nil, out, Int32(ids.count), Int32(d), emb.norm.weight.pointer, emb.norm.bias.pointer,
            config.layerNormEps)
    }

    /// One ModernBertEncoderLayer (pre-LN): x + attention(attn_norm(x)), then
    /// h + Wo(act(input) · gate) with [input, gate] = Wi(mlp_norm(h)).
    /// Local layers see |i − j| ≤ window (`ws.bias`, filled by `fillWindowBias`).
    func runModernLayer(
        _ p: PackedLayer, layer l: Int, n: Int, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        queries: UnsafeMutablePointer<Float>?, keys: UnsafeMutablePointer<Float>?, probs: UnsafeMutablePointer<Float>?,
        mask: UnsafePointer<Float>?, ablate: HeadSet, ws: Workspace,
        observe: ((_ layer: Int, _ context: UnsafePointer<Float>) -> Void)?
    ) {
        guard let m = config.modern, let norms = weights.modern, let rotary else { return }
        let d = config.hiddenSize, H = config.numHeads, dh = config.headDim
        var normed = input
        if let an = norms.attention[l] {
            bs_add_layernorm(
                input, nil, ws.attended, Int32(n), Int32(d), an.weight.pointer, an.bias.pointer, config.layerNormEps)
            normed = UnsafePointer(ws.attended)
        }
        p.qkv.apply(normed, rows: n, into: ws.qkv, ld: 3 * d)
        rotary.rotate(ws.qkv, n: n, d: d, heads: H, theta: m.theta(l))
        keepQueriesAndKeys(ws, n: n, queries: queries, keys: keys)
        let scale = ablate.attentionScale ?? 1 / Float(dh).squareRoot()
        // probs nil: the trace keeps no map of this layer, and no kernel makes an (H, n, n) one.
        if m.isGlobal(l) {
            bs_attention_heads(ws.qkv, Int32(n), Int32(d), Int32(H), scale, mask, probs, ws.context)
        } else if mask == nil {
            // The band kernel: O(n·window), the only local path long inputs can afford.
            bs_attention_band(ws.qkv, Int32(n), Int32(d), Int32(H), scale, Int32(m.window), nil, probs, ws.context)
        } else {
            // Padding: transformers' one mask (window and padding), rows wholly masked included.
            bs_attention_heads_shared_bias(ws.qkv, Int32(n), Int32(d), Int32(H), scale, ws.bias, probs, ws.context)
        }
        observe?(l, ws.context)
        if !ablate.isEmpty {
            ablate.apply(layer: l, context: ws.context, rows: n, d: d, headDim: dh, probs: probs, n: n)
        }
        modernProjectAndFeedForward(p, layer: l, rows: n, input: input, output: output, ws: ws)
    }

    /// After attention (ws.context filled): h = x + Wo(context), then
    /// h + Wo(act(input) · gate) of mlp_norm(h), into `output` (rows, d).
    func modernProjectAndFeedForward(
        _ p: PackedLayer, layer l: Int, rows n: Int, input: UnsafePointer<Float>,
        output: UnsafeMutablePointer<Float>, ws: Workspace
    ) {
        guard let norms = weights.modern else { return }
        let d = config.hiddenSize, ff = config.intermediateSize
        p.attentionOutput.apply(ws.context, rows: n, into: output, ld: d)
        for k in 0..<(n * d) { output[k] += input[k] }
        let mn = norms.mlp[l]
        bs_add_layernorm(
            output, nil, ws.attended, Int32(n), Int32(d), mn.weight.pointer, mn.bias.pointer, config.layerNormEps)
        p.intermediate.apply(ws.attended, rows: n, into: ws.intermediate, ld: 2 * ff)
        geglu(ws.intermediate, rows: n, ff: ff)
        p.output.apply(ws.intermediate, rows: n, into: ws.attended, ld: d)
        for k in 0..<(n * d) { output[k] += ws.attended[k] }
    }

    /// What layer `l`'s attention reads from its input x (n, d): attn_norm(x)
    /// in ModernBERT (x itself in its first layer), x in the post-LN families.
    public func attentionInput(_ x: [Float], rows n: Int, layer l: Int) -> [Float] {
        guard let an = weights.modern?.attention[l] else { return x }
        var out = x
        out.withUnsafeMutableBufferPointer { o in
            bs_add_layernorm(
                o.baseAddress!, nil, o.baseAddress!, Int32(n), Int32(config.hiddenSize), an.weight.pointer,
                an.bias.pointer, config.layerNormEps)
        }
        return withExtendedLifetime(weights) { out }
    }

    /// act(input) · gate row by row, packed to (rows, ff) at the buffer's start:
    /// each row's result lands at or before the values it is made from.
    func geglu(_ x: UnsafeMutablePointer<Float>, rows: Int, ff: Int) {
        for i in 0..<rows {
            let row = x + i * 2 * ff
            apply(config.activation, row, count: ff)
            let out = x + i * ff
            for t in 0..<ff { out[t] = row[t] * row[ff + t] }
        }
    }

    /// The local layers' additive mask: 0 where |i − j| ≤ window and key j is
    /// real, the float32 minimum elsewhere (one mask, as transformers builds it).
    /// Only a padded input needs it (n² floats): the band kernel reads the window itself.
    func fillWindowBias(n: Int, window: Int, mask: [Int]?, ws: Workspace) {
        guard let mask, mask.contains(0) else { return }
        ws.reserveBias(tokens: n)
        Self.fillWindowBias(ws.bias, n: n, window: window, mask: mask)
    }

    static func fillWindowBias(_ bias: UnsafeMutablePointer<Float>, n: Int, window: Int, mask: [Int]?) {
        for i in 0..<n {
            for j in 0..<n {
                let visible = abs(i - j) <= window && (mask?[j] ?? 1) != 0
                bias[i * n + j] = visible ? 0 : -Float.greatestFiniteMagnitude
            }
        }
    }

    /// `rows` states (rows, d) through ModernBERT's final norm (unchanged for post-LN families):
    /// what the heads would read if the pass stopped there (the logit lens).
    public func finalNormed(_ rows: [Float], count n: Int) -> [Float] {
        guard weights.modern != nil, rows.count == n * config.hiddenSize else { return rows }
        var out = rows
        out.withUnsafeMutableBufferPointer { finalNorm($0.baseAddress!, n: n) }
        return withExtendedLifetime(weights) { out }
    }

    /// ModernBERT's final norm on the last layer's output (transformers reports it as the last hidden state).
    func finalNorm(_ x: UnsafeMutablePointer<Float>, n: Int) {
        guard let f = weights.modern?.final else { return }
        bs_add_layernorm(
            x, nil, x, Int32(n), Int32(config.hiddenSize), f.weight.pointer, f.bias.pointer, config.layerNormEps)
    }
}
