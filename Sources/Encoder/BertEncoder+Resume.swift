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
        let n = trace.tokens, d = config.hiddenSize, H = config.numHeads, L = config.numLayers
        guard trace.layers == L, trace.hidden == d, (0..<L).contains(layer) else {
            throw EncoderError("resume at layer \(layer) needs a full trace of this model")
        }
        guard canResume(at: layer) else {
            throw EncoderError("DeBERTa's ConvLayer follows layer 1: resume from layer 2 or run the whole pass")
        }
        ws.reserve(tokens: n)
        var a = Array(trace.hiddenStates[(layer * n * d)..<((layer + 1) * n * d)])
        var b = [Float](repeating: 0, count: n * d)
        var queries = [Float](repeating: 0, count: n * d), keys = [Float](repeating: 0, count: n * d)
        var probs = [Float](repeating: 0, count: H * n * n)
        a.withUnsafeMutableBufferPointer { pa in
            b.withUnsafeMutableBufferPointer { pb in
                queries.withUnsafeMutableBufferPointer { q in
                    keys.withUnsafeMutableBufferPointer { k in
                        probs.withUnsafeMutableBufferPointer { p in
                            var input = pa.baseAddress!, output = pb.baseAddress!
                            for l in layer..<L {
                                runLayer(
                                    packed[l], weights.layers[l], layer: l, n: n, input: input, output: output,
                                    queries: q.baseAddress!, keys: k.baseAddress!, probs: p.baseAddress!, mask: nil,
                                    ablate: ablate, ws: ws)
                                swap(&input, &output)
                            }
                            if input != pa.baseAddress! { pa.baseAddress!.update(from: input, count: n * d) }
                        }
                    }
                }
            }
        }
        out = a
    }
}
