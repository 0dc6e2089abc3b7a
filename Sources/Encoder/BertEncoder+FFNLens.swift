import CKernels

extension BertEncoder {
    /// The `k` vocabulary ids whose word embeddings have the largest dot
    /// product with `u` (a residual update): the tokens it points to through
    /// a decoder tied to the embeddings, as BERT's masked-LM head's is. nil
    /// when the embeddings are narrower than the hidden size (ALBERT).
    public func promotedTokens(_ u: [Float], k: Int) -> [(id: Int, score: Float)]? {
        promotedTokens([u], k: k)?.first
    }

    /// The same for several updates at once (one per layer): one pass over
    /// the embedding matrix for all of them, which is what costs (vocab × d).
    public func promotedTokens(_ updates: [[Float]], k: Int) -> [[(id: Int, score: Float)]]? {
        let e = weights.embeddings.word, v = config.vocabSize, d = config.hiddenSize, m = updates.count
        guard config.embeddingSize == d, updates.allSatisfy({ $0.count == d }), e.shape.count == 2,
            e.shape[0] >= v, e.shape[1] == d, k > 0, m > 0
        else { return nil }
        let rows = updates.flatMap { $0 }
        var scores = [Float](repeating: 0, count: m * v)
        withExtendedLifetime(weights) {
            rows.withUnsafeBufferPointer { up in
                scores.withUnsafeMutableBufferPointer { sp in
                    // E (v × d) as a linear layer's weight: scores = U Eᵀ.
                    bs_linear(up.baseAddress!, Int32(m), Int32(d), e.pointer, Int32(v), nil, sp.baseAddress!, Int32(v))
                }
            }
        }
        return (0..<m).map { topK(Array(scores[($0 * v)..<(($0 + 1) * v)]), k: k) }
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
