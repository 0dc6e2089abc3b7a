import CKernels

extension BertEncoder {
    /// Value zeroing (Mohebbi et al. 2023) for `layer` of a trace: for each
    /// key token j, the layer runs again with j's value vectors zeroed in every
    /// head (the attention weights unchanged), and entry (i, j) is the cosine
    /// distance between token i's layer output with and without j's values;
    /// rows are then normalised to sum to 1. (n, n), rows are queries.
    public func valueZeroing(_ trace: Trace, layer l: Int) throws -> [Float] {
        let n = trace.tokens, d = config.hiddenSize, H = config.numHeads, dh = config.headDim
        guard (0..<config.numLayers).contains(l), trace.layers == config.numLayers, n > 0 else {
            throw EncoderError("value zeroing needs a full trace of this model and a layer inside it")
        }
        guard l > 0 || convolution == nil else {
            throw EncoderError(
                "value zeroing of layer 1 is not available with DeBERTa-v2's ConvLayer (it mixes tokens after that layer)"
            )
        }
        let x = Array(trace.hiddenStates[(l * n * d)..<((l + 1) * n * d)])
        let values = linearRows(attentionInput(x, rows: n, layer: l), rows: n, weights.layers[l].value)
        // The layer's context: Σ_j α_h,ij v_j^h (trace probabilities, recomputed values).
        var context = [Float](repeating: 0, count: n * d)
        for h in 0..<H {
            for i in 0..<n {
                for j in 0..<n {
                    let a = trace.attention(layer: l, head: h, row: i, column: j)
                    for k in 0..<dh { context[i * d + h * dh + k] += a * values[j * d + h * dh + k] }
                }
            }
        }
        let ws = makeWorkspace()
        ws.reserve(tokens: n)
        // The layer's own output (ModernBERT's last hidden state in the trace is after the final norm).
        let y =
            config.modern != nil && l == config.numLayers - 1
            ? layerOutput(l, input: x, context: context, ws: ws)
            : Array(trace.hiddenStates[((l + 1) * n * d)..<((l + 2) * n * d)])
        var out = [Float](repeating: 0, count: n * n)
        for j in 0..<n {
            var ctx = context
            for h in 0..<H {
                for i in 0..<n {
                    let a = trace.attention(layer: l, head: h, row: i, column: j)
                    for k in 0..<dh { ctx[i * d + h * dh + k] -= a * values[j * d + h * dh + k] }
                }
            }
            let zeroed = layerOutput(l, input: x, context: ctx, ws: ws)
            for i in 0..<n {
                var dot = 0.0, a = 0.0, b = 0.0
                for k in 0..<d {
                    let u = Double(y[i * d + k]), v = Double(zeroed[i * d + k])
                    dot += u * v; a += u * u; b += v * v
                }
                out[i * n + j] = a > 0 && b > 0 ? Float(1 - dot / (a.squareRoot() * b.squareRoot())) : 0
            }
        }
        for i in 0..<n {
            let sum = out[(i * n)..<((i + 1) * n)].reduce(0, +)
            if sum > 0 { for j in 0..<n { out[i * n + j] /= sum } }
        }
        return withExtendedLifetime(weights) { out }
    }

    /// Layer `l`'s output (n, d) from its input and a given context (n, d): the sublayers after attention.
    private func layerOutput(_ l: Int, input x: [Float], context: [Float], ws: Workspace) -> [Float] {
        let d = config.hiddenSize, n = x.count / d
        var out = [Float](repeating: 0, count: n * d)
        context.withUnsafeBufferPointer { c in ws.context.update(from: c.baseAddress!, count: n * d) }
        x.withUnsafeBufferPointer { xp in
            out.withUnsafeMutableBufferPointer { o in
                if config.modern != nil {
                    modernProjectAndFeedForward(
                        packed[l], layer: l, rows: n, input: xp.baseAddress!, output: o.baseAddress!, ws: ws)
                } else {
                    projectAndFeedForward(
                        packed[l], weights.layers[l], rows: n, input: xp.baseAddress!, output: o.baseAddress!, ws: ws)
                }
            }
        }
        return withExtendedLifetime(weights) { out }
    }
}
