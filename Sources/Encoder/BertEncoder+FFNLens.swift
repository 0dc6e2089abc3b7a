import CKernels

extension BertEncoder {
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
        return topK(scores, k: k)
    }
}

/// The `k` largest values of `values` with their indices, largest first (ties keep the earlier index).
public func topK(_ values: [Float], k: Int) -> [(id: Int, score: Float)] {
    var best: [(id: Int, score: Float)] = []
    for (i, v) in values.enumerated() where best.count < k || v > best[best.count - 1].score {
        best.append((i, v))
        best.sort { $0.score > $1.score }
        if best.count > k { best.removeLast() }
    }
    return best
}
