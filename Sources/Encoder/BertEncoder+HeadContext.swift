extension BertEncoder {
    /// Token `token`'s attention head contexts at `layer` (1…L): each head's weighted sum of
    /// values, heads side by side (d values), as an index stores them with --contexts.
    public func headContext(ids: [Int], typeIds: [Int]?, layer: Int, token: Int) throws -> [Float] {
        guard (1...config.numLayers).contains(layer), ids.indices.contains(token) else {
            throw EncoderError("no head contexts at layer \(layer), token \(token)")
        }
        let d = config.hiddenSize
        var out = [Float](repeating: 0, count: d)
        var trace = Trace()
        try forward(
            ids: ids, typeIds: typeIds, attentionMask: nil, ablate: HeadSet(), workspace: makeWorkspace(),
            into: &trace, isCancelled: nil,
            observe: { l, c in
                guard l == layer - 1 else { return }
                out.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: c + token * d, count: d) }
            }, keepAttention: 0..<0)
        return out
    }
}
