import CKernels

extension BertEncoder {
    /// Whether `lastHidden(batch:)` can run this family (DeBERTa's relative
    /// terms and ConvLayer are per sequence throughout: not batched).
    public var supportsBatches: Bool { relative == nil && convolution == nil && config.modern == nil }

    /// The last layer's hidden states of B sequences of one length n, no
    /// padding: every GEMM, LayerNorm and activation runs on all B·n rows at
    /// once (short sequences keep the kernels busy), attention per sequence.
    /// No trace is kept, only `out` = (B, n, d). Scoring many variants of one
    /// sentence (pseudo-log-likelihood) is the use.
    public func lastHidden(
        batch: [[Int]], typeIds: [Int]?, ablate: HeadSet = HeadSet(), workspace ws: Workspace, into out: inout [Float]
    ) throws {
        try batchForward(batch, typeIds: typeIds, ablate: ablate, workspace: ws, everyLayer: false, into: &out)
    }

    /// Every layer's hidden states of B sequences of one length n (the
    /// embeddings first): `out` = (L+1, B, n, d), no attentions kept. Feature
    /// extraction for probing is the use: a corpus grouped by length runs as
    /// batches through the same kernels.
    /// `observe` sees each layer's context vectors (B·n, d), heads side by side, before the output projection.
    public func hiddenStates(
        batch: [[Int]], typeIds: [Int]?, workspace ws: Workspace, into out: inout [Float],
        observe: ((_ layer: Int, _ context: UnsafePointer<Float>) -> Void)? = nil
    ) throws {
        try batchForward(
            batch, typeIds: typeIds, ablate: HeadSet(), workspace: ws, everyLayer: true, into: &out, observe: observe)
    }

    private func batchForward(
        _ batch: [[Int]], typeIds: [Int]?, ablate: HeadSet, workspace ws: Workspace, everyLayer: Bool,
        into out: inout [Float], observe: ((_ layer: Int, _ context: UnsafePointer<Float>) -> Void)? = nil
    ) throws {
        guard supportsBatches else { throw EncoderError("\(config.modelType) runs one sequence at a time") }
        guard let n = batch.first?.count, batch.allSatisfy({ $0.count == n }) else {
            throw EncoderError("a batch needs sequences of one length")
        }
        for ids in batch { try validate(ids: ids, typeIds: typeIds, attentionMask: nil) }
        let d = config.hiddenSize, H = config.numHeads, rows = batch.count * n, L = config.numLayers
        let block = rows * d, total = everyLayer ? (L + 1) * block : block
        ws.reserve(tokens: rows)
        var other = [Float](repeating: 0, count: everyLayer ? 0 : block)
        var probs = [Float](repeating: 0, count: H * n * n)
        if out.count != total { out = [Float](repeating: 0, count: total) }
        out.withUnsafeMutableBufferPointer { a in
            other.withUnsafeMutableBufferPointer { b in
                probs.withUnsafeMutableBufferPointer { scratch in
                    for (s, ids) in batch.enumerated() {
                        embed(ids: ids, typeIds: typeIds, into: a.baseAddress! + s * n * d, ws: ws)
                    }
                    // Every layer: layer l writes block l + 1 of `out`. Last only: two buffers swap.
                    var input = a.baseAddress!, output = everyLayer ? a.baseAddress! + block : b.baseAddress!
                    let scale = ablate.attentionScale ?? 1 / Float(config.headDim).squareRoot()
                    for l in 0..<L {
                        let p = packed[l], w = weights.layers[l]
                        p.qkv.apply(input, rows: rows, into: ws.qkv, ld: 3 * d)
                        for s in 0..<batch.count {
                            bs_attention_heads(
                                ws.qkv + s * n * 3 * d, Int32(n), Int32(d), Int32(H), scale, nil, scratch.baseAddress!,
                                ws.context + s * n * d)
                        }
                        if !ablate.isEmpty {
                            ablate.apply(
                                layer: l, context: ws.context, rows: rows, d: d, headDim: config.headDim, probs: nil,
                                n: n)
                        }
                        observe?(l, ws.context)
                        projectAndFeedForward(p, w, rows: rows, input: input, output: output, ws: ws)
                        if everyLayer {
                            input = output
                            output = a.baseAddress! + min(l + 2, L) * block
                        } else {
                            swap(&input, &output)
                        }
                    }
                    // After an odd number of layers the result sits in `other`.
                    if !everyLayer && input != a.baseAddress! { a.baseAddress!.update(from: input, count: block) }
                }
            }
        }
        let last = everyLayer ? L * block : 0
        let bad = out.withUnsafeBufferPointer { bs_first_nonfinite($0.baseAddress! + last, block) }
        if bad >= 0 {
            throw EncoderError(
                "the last layer produced non-finite values (NaN or ∞) at token \(bad / d % n): check the checkpoint's weights"
            )
        }
    }
}
