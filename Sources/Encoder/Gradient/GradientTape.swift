import CKernels
import Checkpoint
import Foundation

/// A forward pass that keeps what its backward pass needs, for B sequences
/// of the same n tokens at once (integrated gradients' interpolation points
/// are one batch: the row-wise GEMMs see B·n rows, attention runs per
/// sequence). It starts from the word-embedding lookup's output, the tensor
/// attributions are taken with respect to.
final class GradientTape {
    let batch, tokens, rows: Int
    /// (R, e): word + position + token type, before the embedding LayerNorm
    /// (DeBERTa: after its projection, (R, d)).
    var embeddingSum: [Float] = []
    /// (R, e): the embedding LayerNorm's output when a projection follows (ALBERT, ELECTRA).
    var embeddingNormed: [Float] = []
    /// L+1 entries of (R, d): the embedding output, then every layer's output.
    var hidden: [[Float]] = []
    var qkv: [[Float]] = []  // (R, 3d)
    var probs: [[Float]] = []  // (B, H, n, n)
    var context: [[Float]] = []  // (R, d) after ablation
    var attentionSum: [[Float]] = []  // (R, d) attention output + residual, before LayerNorm
    var attended: [[Float]] = []  // (R, d) after it
    var preActivation: [[Float]] = []  // (R, ff)
    var outputSum: [[Float]] = []  // (R, d) FFN output + residual, before LayerNorm
    /// ModernBERT: the last layer's output before the final norm.
    var finalInput: [Float] = []

    init(batch: Int, tokens: Int) {
        self.batch = batch
        self.tokens = tokens
        self.rows = batch * tokens
    }

    /// One layer's intermediates, in the slots the backward pass reads (`outputSum`: post-LN layers only).
    func record(
        qkv: [Float], probs: [Float], context: [Float], attentionSum: [Float], attended: [Float],
        preActivation: [Float], outputSum: [Float]? = nil
    ) {
        self.qkv.append(qkv)
        self.probs.append(probs)
        self.context.append(context)
        self.attentionSum.append(attentionSum)
        self.attended.append(attended)
        self.preActivation.append(preActivation)
        if let outputSum { self.outputSum.append(outputSum) }
    }
}

extension BertEncoder {
    /// Fails for what the backward pass does not cover.
    func checkDifferentiable() throws {
        if config.convolution != nil {
            throw EncoderError(
                "gradients are not available for DeBERTa-v2's convolution layer (conv_kernel_size): attributions need a backward pass through it"
            )
        }
    }

    /// Runs the encoder on `words` ((B·n, e) word-embedding rows; B sequences
    /// sharing `ids`' positions and `typeIds`), keeping every intermediate.
    func tapeForward(
        words: [Float], ids: [Int], typeIds: [Int]?, batch: Int, ablate: HeadSet, isCancelled: (() -> Bool)? = nil
    ) throws -> GradientTape {
        try checkDifferentiable()
        try validate(ids: ids, typeIds: typeIds, attentionMask: nil)
        let n = ids.count, e = config.embeddingSize, d = config.hiddenSize
        precondition(words.count == batch * n * e)
        // Every layer's activations are kept: bound them before allocating.
        let need = Double(batch) * tapeBytes(tokens: n), budget = MemoryBudget.bytes
        guard need <= budget else {
            throw EncoderError(
                "gradients of \(n) tokens need about \(Int(need / 1e6)) MB of saved activations, more than the \(Int(budget / 1e6)) MB this process can use: use fewer tokens"
            )
        }
        let tape = GradientTape(batch: batch, tokens: n)
        tape.hidden = [embedForGradient(words: words, ids: ids, typeIds: typeIds, tape: tape)]
        for l in 0..<config.numLayers {
            if isCancelled?() == true { throw CancellationError() }
            let out =
                config.modern == nil
                ? tapeLayer(l, input: tape.hidden[l], tape: tape, ablate: ablate)
                : tapeModernLayer(l, input: tape.hidden[l], tape: tape, ablate: ablate)
            tape.hidden.append(out)
        }
        if let final = weights.modern?.final {
            // ModernBERT's heads read the last layer's output through the final norm.
            tape.finalInput = tape.hidden[config.numLayers]
            layerNorm(tape.finalInput, rows: tape.rows, width: d, final, into: &tape.hidden[config.numLayers])
        }
        let last = tape.hidden[config.numLayers]
        let bad = last.withUnsafeBufferPointer { bs_first_nonfinite($0.baseAddress!, $0.count) }
        if bad >= 0 { throw EncoderError("the forward pass produced non-finite values (NaN or ∞) at row \(bad / d)") }
        return tape
    }

    private func embedForGradient(words: [Float], ids: [Int], typeIds: [Int]?, tape: GradientTape) -> [Float] {
        let n = ids.count, e = config.embeddingSize, d = config.hiddenSize, R = tape.rows, emb = weights.embeddings
        var sum = words
        if config.modern != nil {
            // ModernBERT: the word rows' LayerNorm (positions enter as rotations).
            tape.embeddingSum = words
            var out = [Float](repeating: 0, count: R * d)
            layerNorm(words, rows: R, width: d, emb.norm, into: &out)
            return withExtendedLifetime(weights) { out }
        }
        let deberta = config.family == .debertaV2
        for b in 0..<tape.batch {
            for i in 0..<n {
                let row = (b * n + i) * e
                // The same order of additions as the forward pass: (word + type) + position; DeBERTa word + position + type.
                if deberta {
                    if let pos = emb.position { for k in 0..<e { sum[row + k] += pos.pointer[i * e + k] } }
                    if let tt = emb.tokenType {
                        let t = (typeIds?[i] ?? 0) * e
                        for k in 0..<e { sum[row + k] += tt.pointer[t + k] }
                    }
                } else {
                    let p = (i + config.positionOffset) * e
                    if let tt = emb.tokenType {
                        let t = (typeIds?[i] ?? 0) * e
                        for k in 0..<e {
                            sum[row + k] = (sum[row + k] + tt.pointer[t + k]) + emb.position!.pointer[p + k]
                        }
                    } else {
                        for k in 0..<e { sum[row + k] += emb.position!.pointer[p + k] }
                    }
                }
            }
        }
        var out = [Float](repeating: 0, count: R * d)
        if deberta {
            if let proj = emb.projection { sum = linearRows(sum, rows: R, proj) }
            tape.embeddingSum = sum
            layerNorm(sum, rows: R, width: d, emb.norm, into: &out)
            return withExtendedLifetime(weights) { out }
        }
        tape.embeddingSum = sum
        var normed = [Float](repeating: 0, count: R * e)
        layerNorm(sum, rows: R, width: e, emb.norm, into: &normed)
        guard let proj = emb.projection else { return normed }
        tape.embeddingNormed = normed
        return linearRows(normed, rows: R, proj)
    }

    /// One layer, as runLayer computes it, keeping its intermediates.
    private func tapeLayer(_ l: Int, input x: [Float], tape: GradientTape, ablate: HeadSet) -> [Float] {
        let n = tape.tokens, R = tape.rows, d = config.hiddenSize, H = config.numHeads, ff = config.intermediateSize
        let p = packed[l], w = weights.layers[l]
        var qkv = linearRows(x, rows: R, packed: p.qkv)
        var bias = [Float](repeating: 0, count: relative == nil ? 0 : H * n * n)
        let (probs, context) = tapeAttention(l, qkv: &qkv, tape: tape, ablate: ablate) { qb, pb, cb in
            if let relative {
                bias.withUnsafeMutableBufferPointer { bi in
                    relative.bias(layer: l, qkv: qb, n: n, config: config, into: bi.baseAddress!)
                    bs_attention_heads_biased(
                        qb, Int32(n), Int32(d), Int32(H), 1 / relative.scale, bi.baseAddress!, nil, nil, pb, cb)
                }
            } else {
                bs_attention_heads(
                    qb, Int32(n), Int32(d), Int32(H), ablate.attentionScale ?? attentionScale, nil, pb, cb)
            }
        }
        var attentionSum = linearRows(context, rows: R, packed: p.attentionOutput)
        for i in 0..<(R * d) { attentionSum[i] += x[i] }
        var attended = [Float](repeating: 0, count: R * d)
        layerNorm(attentionSum, rows: R, width: d, w.attentionNorm, into: &attended)
        let pre = linearRows(attended, rows: R, packed: p.intermediate)
        var act = pre
        act.withUnsafeMutableBufferPointer { apply(config.activation, $0.baseAddress!, count: R * ff) }
        var outputSum = linearRows(act, rows: R, packed: p.output)
        for i in 0..<(R * d) { outputSum[i] += attended[i] }
        var out = [Float](repeating: 0, count: R * d)
        layerNorm(outputSum, rows: R, width: d, w.outputNorm, into: &out)
        tape.record(
            qkv: qkv, probs: probs, context: context, attentionSum: attentionSum, attended: attended,
            preActivation: pre, outputSum: outputSum)
        return out
    }

    var attentionScale: Float { 1 / Float(config.headDim).squareRoot() }

    /// Every sequence's attention on the tape: `heads` fills one sequence's
    /// probabilities (H, n, n) and context (n, d) from its qkv (n, 3d), which
    /// it may rotate in place; the ablation is applied after, as in the forward pass.
    func tapeAttention(
        _ l: Int, qkv: inout [Float], tape: GradientTape, ablate: HeadSet,
        heads: (
            _ qkv: UnsafeMutablePointer<Float>, _ probs: UnsafeMutablePointer<Float>,
            _ context: UnsafeMutablePointer<Float>
        ) -> Void
    ) -> (probs: [Float], context: [Float]) {
        let n = tape.tokens, d = config.hiddenSize, H = config.numHeads
        var probs = [Float](repeating: 0, count: tape.batch * H * n * n)
        var context = [Float](repeating: 0, count: tape.rows * d)
        qkv.withUnsafeMutableBufferPointer { q in
            probs.withUnsafeMutableBufferPointer { pr in
                context.withUnsafeMutableBufferPointer { c in
                    for b in 0..<tape.batch {
                        let pb = pr.baseAddress! + b * H * n * n, cb = c.baseAddress! + b * n * d
                        heads(q.baseAddress! + b * n * 3 * d, pb, cb)
                        if !ablate.isEmpty {
                            ablate.apply(layer: l, context: cb, rows: n, d: d, headDim: config.headDim, probs: pb, n: n)
                        }
                    }
                }
            }
        }
        return (probs, context)
    }

    /// Bytes one sequence's tape holds: per layer qkv, context, sums, LayerNorm
    /// outputs and the FFN pre-activation (≈ 8d + ff per token) and the probabilities.
    public func tapeBytes(tokens n: Int) -> Double {
        let c = config
        // ModernBERT's Wi output is input and gate: twice the FFN width.
        let ff = c.intermediateSize * (c.modern == nil ? 1 : 2)
        let perLayer = Double(n) * Double(8 * c.hiddenSize + ff) + Double(c.numHeads) * Double(n * n)
        return 4 * (Double(c.numLayers) * perLayer + 3 * Double(n) * Double(max(c.embeddingSize, c.hiddenSize)))
    }

    func layerNorm(_ x: [Float], rows: Int, width: Int, _ norm: BertWeights.LayerNorm, into out: inout [Float]) {
        x.withUnsafeBufferPointer { xp in
            out.withUnsafeMutableBufferPointer { o in
                bs_add_layernorm(
                    xp.baseAddress!, nil, o.baseAddress!, Int32(rows), Int32(width), norm.weight.pointer,
                    norm.bias.pointer, config.layerNormEps)
            }
        }
        withExtendedLifetime(weights) {}
    }

    func linearRows(_ x: [Float], rows: Int, packed m: PackedMatrix) -> [Float] {
        var out = [Float](repeating: 0, count: rows * m.outFeatures)
        x.withUnsafeBufferPointer { xp in
            out.withUnsafeMutableBufferPointer {
                m.apply(xp.baseAddress!, rows: rows, into: $0.baseAddress!, ld: m.outFeatures)
            }
        }
        return out
    }
}
