import CKernels

extension BertEncoder {
    /// Whether a pass can resume at `layer` (DeBERTa's ConvLayer runs after layer 1, inside the first step).
    public func canResume(at layer: Int) -> Bool { layer > 0 || convolution == nil }

    /// The last layer's hidden states (n, d) when the pass is resumed at
    /// `layer` from `trace` (an earlier pass of the same input): layers below
    /// are reused as they are, `layer` and above run again with `ablate`.
    /// Head importance ablates one head at a time, so most of each pass is
    /// the unchanged layers under it. No trace is written.
    public func lastHidden(
        resuming trace: Trace, at layer: Int, ablate: HeadSet, workspace ws: Workspace, into out: inout [Float]
    ) throws {
        let n = trace.tokens, d = config.hiddenSize, L = config.numLayers
        guard trace.layers == L, trace.hidden == d, (0..<L).contains(layer) else {
            throw EncoderError("resume at layer \(layer) needs a full trace of this model")
        }
        // The pass from `hidden` checks what can resume (ModernBERT, DeBERTa's ConvLayer).
        try lastHidden(
            from: Array(trace.hiddenStates[(layer * n * d)..<((layer + 1) * n * d)]), atLayer: layer, tokens: n,
            ablate: ablate, workspace: ws, into: &out)
    }

    /// The last layer's hidden states from `hidden` (n, d), the input of
    /// `layer` (hidden state index `layer`: 0 = the embeddings); `layer` = L
    /// returns `hidden` itself. Activation patching edits a row of it first.
    public func lastHidden(
        from hidden: [Float], atLayer layer: Int, tokens n: Int, ablate: HeadSet, workspace ws: Workspace,
        into out: inout [Float]
    ) throws {
        let d = config.hiddenSize, L = config.numLayers
        guard (0...L).contains(layer), hidden.count == n * d, n > 0 else {
            throw EncoderError("resume at layer \(layer) needs (n, \(d)) hidden states")
        }
        guard canResume(at: layer) else {
            throw EncoderError("DeBERTa's ConvLayer follows layer 1: resume from layer 2 or run the whole pass")
        }
        ws.reserve(tokens: n)
        if let m = config.modern { fillWindowBias(n: n, window: m.window, mask: nil, ws: ws) }
        var a = hidden
        var b = [Float](repeating: 0, count: n * d)
        // No maps, queries or keys are kept: the kernels score a block of rows at a time.
        a.withUnsafeMutableBufferPointer { pa in
            b.withUnsafeMutableBufferPointer { pb in
                var input = pa.baseAddress!, output = pb.baseAddress!
                for l in layer..<L {
                    runAnyLayer(
                        l, n: n, input: input, output: output, queries: nil, keys: nil, probs: nil, ablate: ablate,
                        ws: ws)
                    swap(&input, &output)
                }
                // ModernBERT's last hidden state is after the final norm (as the trace's).
                if layer < L { finalNorm(input, n: n) }
                if input != pa.baseAddress! { pa.baseAddress!.update(from: input, count: n * d) }
            }
        }
        out = a
    }
}

extension BertEncoder {
    /// Layer `l` of any family on one unpadded sequence (ModernBERT's window mask already in `ws.bias`).
    func runAnyLayer(
        _ l: Int, n: Int, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        queries: UnsafeMutablePointer<Float>?, keys: UnsafeMutablePointer<Float>?, probs: UnsafeMutablePointer<Float>?,
        ablate: HeadSet, ws: Workspace
    ) {
        if config.modern != nil {
            runModernLayer(
                packed[l], layer: l, n: n, input: input, output: output, queries: queries, keys: keys, probs: probs,
                mask: nil, ablate: ablate, ws: ws, observe: nil)
        } else {
            runLayer(
                packed[l], weights.layers[l], layer: l, n: n, input: input, output: output, queries: queries,
                keys: keys, probs: probs, mask: nil, ablate: ablate, ws: ws)
        }
    }

    /// Every layer's context vectors (L entries of (n, d): the heads' outputs
    /// side by side, before the output projection), for per-head patching.
    public func contexts(ids: [Int], typeIds: [Int]?, ablate: HeadSet = HeadSet()) throws -> [[Float]] {
        let n = ids.count, d = config.hiddenSize
        var out = [[Float]](repeating: [], count: config.numLayers)
        var trace = Trace()
        try forward(
            ids: ids, typeIds: typeIds, attentionMask: nil, ablate: ablate, workspace: makeWorkspace(), into: &trace,
            isCancelled: nil
        ) { layer, context in out[layer] = Array(UnsafeBufferPointer(start: context, count: n * d)) }
        return out
    }
}
