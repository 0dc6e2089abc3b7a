import CKernels

extension BertEncoder {
    /// The feed-forward network's output for `token` in every layer —
    /// W₂ act(W₁h + b₁) + b₂, the update it adds to the residual stream —
    /// recomputed from the trace's layer inputs and attention, as the layer
    /// anatomy does.
    public func ffnUpdates(_ trace: Trace, token i: Int) throws -> [[Float]] {
        let n = trace.tokens, d = config.hiddenSize, L = config.numLayers
        guard trace.layers == L, trace.hidden == d, (0..<n).contains(i), trace.keepsAttention(0...max(0, L - 1))
        else {
            throw EncoderError("the FFN lens needs a full trace of this model and a token inside it")
        }
        return (0..<L).map { l in
            let w = weights.layers[l]
            let x = Array(trace.hiddenStates[(l * n * d)..<((l + 1) * n * d)])
            let context = layerContext(trace, layer: l, values: linearRows(x, rows: n, w.value))
            let row = { (a: [Float]) in Array(a[(i * d)..<((i + 1) * d)]) }
            let attended = linearRows(row(context), rows: 1, w.attentionOutput)
            let h = addNorm(attended, row(x), w.attentionNorm, rows: 1)
            var inner = linearRows(h, rows: 1, w.intermediate)
            inner.withUnsafeMutableBufferPointer { apply(config.activation, $0.baseAddress!, count: $0.count) }
            return linearRows(inner, rows: 1, w.output)
        }
    }

    /// The `k` vocabulary ids whose word embeddings have the largest dot
    /// product with `u` (a residual update): the tokens it points to through
    /// a decoder tied to the embeddings, as BERT's masked-LM head's is. nil
    /// when the embeddings are narrower than the hidden size (ALBERT).
    public func promotedTokens(_ u: [Float], k: Int) -> [(id: Int, score: Float)]? {
        let e = weights.embeddings.word, v = config.vocabSize
        guard config.embeddingSize == config.hiddenSize, u.count == config.hiddenSize, e.shape.count == 2,
            e.shape[0] >= v, e.shape[1] == u.count, k > 0
        else { return nil }
        var scores = [Float](repeating: 0, count: v)
        withExtendedLifetime(weights) {
            u.withUnsafeBufferPointer { up in
                scores.withUnsafeMutableBufferPointer { sp in
                    // E (v × d) as a linear layer's weight: scores = E u.
                    bs_linear(up.baseAddress!, 1, Int32(u.count), e.pointer, Int32(v), nil, sp.baseAddress!, Int32(v))
                }
            }
        }
        var best: [(id: Int, score: Float)] = []
        for (id, s) in scores.enumerated() where best.count < k || s > best[best.count - 1].score {
            best.append((id, s))
            best.sort { $0.score > $1.score }
            if best.count > k { best.removeLast() }
        }
        return best
    }
}
