import CKernels
import Checkpoint
import Foundation

/// The scalar an attribution explains.
public enum GradientTarget: Sendable, Equatable {
    /// A sequence classifier's logit for `label`.
    case taskLogit(label: Int)
    /// The masked-LM head's logit for vocabulary entry `token` at `position`.
    case maskedLogit(position: Int, token: Int)
}

/// The target's value and its gradient with respect to the word-embedding
/// lookup's output, for each sequence of a batch.
public struct EmbeddingGradients: Sendable {
    /// One value per sequence.
    public let values: [Float]
    /// (B, n, e): ∂value / ∂(word embedding) per sequence.
    public let gradients: [Float]
}

extension BertEncoder {
    /// Values and exact input gradients of `target` for B sequences given as
    /// word-embedding rows (B·n, e) over the positions and token types of
    /// `ids`: a forward pass that keeps its intermediates, then the backward
    /// pass through the head, every layer (attention, softmax, LayerNorm,
    /// activation; DeBERTa's position terms; ALBERT's shared layers) and the
    /// embedding LayerNorm and projection.
    /// `isCancelled` is asked before every layer, forward and backward (a
    /// batch of passes is otherwise ~100 ms a newer keystroke would wait for).
    public func embeddingGradients(
        words: [Float], ids: [Int], typeIds: [Int]?, batch: Int, target: GradientTarget, ablate: HeadSet = HeadSet(),
        isCancelled: (() -> Bool)? = nil
    ) throws -> EmbeddingGradients {
        let tape = try tapeForward(
            words: words, ids: ids, typeIds: typeIds, batch: batch, ablate: ablate, isCancelled: isCancelled)
        var (values, dHidden) = try headBackward(target, tape: tape)
        if let final = weights.modern?.final {
            var dLast = Self.uninitialized(dHidden.count)
            bs_layernorm_backward(
                tape.finalInput, final.weight.pointer, dHidden, &dLast, Int32(tape.rows), Int32(config.hiddenSize),
                config.layerNormEps, 0)
            dHidden = withExtendedLifetime(weights) { dLast }
        }
        for l in stride(from: config.numLayers - 1, through: 0, by: -1) {
            if isCancelled?() == true { throw CancellationError() }
            dHidden =
                config.modern == nil
                ? layerBackward(l, dOut: dHidden, tape: tape, ablate: ablate)
                : modernLayerBackward(l, dOut: dHidden, tape: tape, ablate: ablate)
        }
        return EmbeddingGradients(values: values, gradients: embeddingBackward(dHidden, tape: tape))
    }

    /// The target's value per sequence without the backward pass (occlusion, IG's baseline).
    public func targetValues(
        words: [Float], ids: [Int], typeIds: [Int]?, batch: Int, target: GradientTarget,
        ablate: HeadSet = HeadSet(), isCancelled: (() -> Bool)? = nil
    ) throws -> [Float] {
        let tape = try tapeForward(
            words: words, ids: ids, typeIds: typeIds, batch: batch, ablate: ablate, isCancelled: isCancelled)
        return try headBackward(target, tape: tape).0
    }

    /// The word-embedding rows of `ids` (n, e), the tensor attributions are taken with respect to.
    public func wordEmbeddings(_ ids: [Int]) throws -> [Float] {
        try validate(ids: ids, typeIds: nil, attentionMask: nil)
        let e = config.embeddingSize, table = weights.embeddings.word.pointer
        var out = [Float](repeating: 0, count: ids.count * e)
        for (i, id) in ids.enumerated() { for k in 0..<e { out[i * e + k] = table[id * e + k] } }
        return withExtendedLifetime(weights) { out }
    }

    /// The target's value and ∂value/∂(last hidden states) (R, d).
    private func headBackward(_ target: GradientTarget, tape: GradientTape) throws -> ([Float], [Float]) {
        let n = tape.tokens, d = config.hiddenSize, last = tape.hidden[config.numLayers]
        var dHidden = [Float](repeating: 0, count: tape.rows * d)
        var values: [Float] = []
        switch target {
        case .taskLogit(let label):
            guard let head = weights.task, head.task.kind == .sequenceClassification, let dense = head.dense else {
                throw EncoderError("attributions of a task logit need a sequence-classification head")
            }
            guard label >= 0, label < head.out.outFeatures else {
                throw EncoderError("label \(label) is outside the head's \(head.out.outFeatures) labels")
            }
            for b in 0..<tape.batch {
                let rows = Array(last[(b * n * d)..<((b + 1) * n * d)])
                // The first token, or (ModernBERT's classifier_pooling "mean") the tokens' mean.
                let pooledIn =
                    head.meanPooling
                    ? SentencePooling(mode: .mean).pool(rows, tokens: n, width: d) : Array(rows[0..<d])
                let pre = linearRows(pooledIn, rows: 1, dense)
                var pooled = pre
                pooled.withUnsafeMutableBufferPointer { p in
                    switch head.pooling {
                    case .tanh: for i in 0..<d { p[i] = tanhf(p[i]) }
                    case .activation(let a): apply(a, p.baseAddress!, count: d)
                    }
                }
                var normed = pooled
                if let norm = head.norm { layerNorm(pooled, rows: 1, width: d, norm, into: &normed) }
                let w = head.out.weight.pointer + label * d
                var value = head.out.bias.map { $0.pointer[label] } ?? 0
                for i in 0..<d { value += w[i] * normed[i] }
                values.append(value)
                var g = (0..<d).map { w[$0] }
                if let norm = head.norm {
                    var dPooled = Self.uninitialized(d)
                    bs_layernorm_backward(pooled, norm.weight.pointer, g, &dPooled, 1, Int32(d), config.layerNormEps, 0)
                    g = dPooled
                }
                pre.withUnsafeBufferPointer { u in
                    g.withUnsafeMutableBufferPointer {
                        bs_activation_backward(u.baseAddress!, $0.baseAddress!, Int32(d), head.pooling.kernelCode)
                    }
                }
                var dIn = [Float](repeating: 0, count: d)
                bs_matmul_nn(g, Int32(d), 1, Int32(d), dense.weight.pointer, Int32(d), &dIn, 0)
                // The mean spreads its gradient evenly over the tokens; the first token takes it all.
                for r in 0..<(head.meanPooling ? n : 1) {
                    for k in 0..<d { dHidden[(b * n + r) * d + k] = head.meanPooling ? dIn[k] / Float(n) : dIn[k] }
                }
            }
        case .maskedLogit(let position, let token):
            guard let head = weights.maskedLM else { throw EncoderError("this checkpoint has no masked-LM head") }
            guard position >= 0, position < n, token >= 0, token < head.decoder.shape[0] else {
                throw EncoderError("masked-LM target (position \(position), token \(token)) is out of range")
            }
            let td = head.transform.outFeatures
            for b in 0..<tape.batch {
                let start = (b * n + position) * d
                let pre = linearRows(Array(last[start..<(start + d)]), rows: 1, head.transform)
                var act = pre
                act.withUnsafeMutableBufferPointer { apply(head.activation, $0.baseAddress!, count: td) }
                var z = [Float](repeating: 0, count: td)
                act.withUnsafeBufferPointer { a in
                    z.withUnsafeMutableBufferPointer { o in
                        bs_add_layernorm(
                            a.baseAddress!, nil, o.baseAddress!, 1, Int32(td), head.norm.weight.pointer,
                            head.norm.bias.pointer, headNormEps)
                    }
                }
                let dec = head.decoder.pointer + token * td
                var value = head.bias.pointer[token]
                for i in 0..<td { value += dec[i] * z[i] }
                values.append(value)
                let dz = (0..<td).map { dec[$0] }
                var g = [Float](repeating: 0, count: td)
                act.withUnsafeBufferPointer { a in
                    bs_layernorm_backward(
                        a.baseAddress!, head.norm.weight.pointer, dz, &g, 1, Int32(td), headNormEps, 0)
                }
                pre.withUnsafeBufferPointer { u in
                    g.withUnsafeMutableBufferPointer {
                        bs_activation_backward(u.baseAddress!, $0.baseAddress!, Int32(td), head.activation.kernelCode)
                    }
                }
                dHidden.withUnsafeMutableBufferPointer { dh in
                    bs_matmul_nn(
                        g, Int32(td), 1, Int32(td), head.transform.weight.pointer, Int32(d), dh.baseAddress! + start, 0)
                }
            }
        }
        return withExtendedLifetime(weights) { (values, dHidden) }
    }

    /// ∂/∂(layer input) from ∂/∂(layer output), both (R, d).
    private func layerBackward(_ l: Int, dOut: [Float], tape: GradientTape, ablate: HeadSet) -> [Float] {
        let n = tape.tokens, R = tape.rows, d = config.hiddenSize, ff = config.intermediateSize
        let w = weights.layers[l]
        let packs = backwardPacks.layers(weights, config)?[config.weightLayer(l)]
        // Past attention, rows are independent: the last layer's gradient lives on the target's rows
        // only (the classifier's first token, the masked position), so only those run back
        // through the FFN, both LayerNorms and the output projection (the rest are exact zeros).
        let live = Self.liveRows(dOut, rows: R, width: d)
        var (dAttentionSum, dContext): ([Float], [Float])
        if live.count * 2 <= R {
            let (a, c) = postAttentionBackward(
                w, packs, rows: live.count, dOut: Self.gather(dOut, live, d),
                outputSum: Self.gather(tape.outputSum[l], live, d),
                preActivation: Self.gather(tape.preActivation[l], live, ff),
                attentionSum: Self.gather(tape.attentionSum[l], live, d))
            dAttentionSum = Self.scatter(a, live, d, rows: R)
            dContext = Self.scatter(c, live, d, rows: R)
        } else {
            (dAttentionSum, dContext) = postAttentionBackward(
                w, packs, rows: R, dOut: dOut, outputSum: tape.outputSum[l], preActivation: tape.preActivation[l],
                attentionSum: tape.attentionSum[l])
        }
        // DeBERTa: its position terms' q and k gradients, from each sequence's ∂/∂scores.
        let dqkv = attentionBackward(l, dContext: &dContext, tape: tape, ablate: ablate) { dqb, dScores in
            relative?.backward(layer: l, dScores: dScores, n: n, config: config, into: dqb)
        }
        // Back through the fused Q, K, V projections, plus the residual.
        var dInput = dAttentionSum
        if let packs {
            Self.addProduct(packs.qkv, dqkv, rows: R, onto: &dInput)
            return withExtendedLifetime(weights) { dInput }
        }
        for (k, linear) in [w.query, w.key, w.value].enumerated() {
            dqkv.withUnsafeBufferPointer { dq in
                bs_matmul_nn(
                    dq.baseAddress! + k * d, Int32(3 * d), Int32(R), Int32(d), linear.weight.pointer, Int32(d), &dInput,
                    1)
            }
        }
        return withExtendedLifetime(weights) { dInput }
    }

    /// ∂/∂qkv (R, 3d) from ∂/∂context (R, d) through every sequence's softmax
    /// attention; an ablated head's output is a constant, so its context's
    /// gradient is zeroed first; `each` sees a sequence's ∂/∂qkv and ∂/∂scores
    /// (DeBERTa's position terms, ModernBERT's rotation undone).
    func attentionBackward(
        _ l: Int, dContext: inout [Float], tape: GradientTape, ablate: HeadSet,
        each: (_ dqkv: UnsafeMutablePointer<Float>, _ dScores: [Float]) -> Void
    ) -> [Float] {
        let n = tape.tokens, R = tape.rows, d = config.hiddenSize, H = config.numHeads, dh = config.headDim
        for h in ablate.heads where h.layer == l {
            for r in 0..<R { for t in 0..<dh { dContext[r * d + h.head * dh + t] = 0 } }
        }
        var dqkv = [Float](repeating: 0, count: R * 3 * d)
        var dScores = [Float](repeating: 0, count: H * n * n), scratch = [Float](repeating: 0, count: d * n)
        let scale = relative.map { 1 / $0.scale } ?? ablate.attentionScale ?? attentionScale
        tape.qkv[l].withUnsafeBufferPointer { q in
            tape.probs[l].withUnsafeBufferPointer { p in
                dContext.withUnsafeBufferPointer { dc in
                    dqkv.withUnsafeMutableBufferPointer { dq in
                        for b in 0..<tape.batch {
                            let dqb = dq.baseAddress! + b * n * 3 * d
                            bs_attention_backward(
                                q.baseAddress! + b * n * 3 * d, p.baseAddress! + b * H * n * n,
                                dc.baseAddress! + b * n * d, Int32(n), Int32(d), Int32(H), scale, &dScores, &scratch,
                                dqb)
                            each(dqb, dScores)
                        }
                    }
                }
            }
        }
        return dqkv
    }

    /// ∂/∂(attention sum) and ∂/∂(context) of `rows` rows from ∂/∂(layer output): back through the
    /// output LayerNorm, the FFN and its residual, the attention LayerNorm and the output projection.
    private func postAttentionBackward(
        _ w: BertWeights.Layer, _ packs: BackwardPacks.Layer?, rows R: Int, dOut: [Float], outputSum: [Float],
        preActivation: [Float], attentionSum: [Float]
    ) -> ([Float], [Float]) {
        let d = config.hiddenSize, ff = config.intermediateSize, eps = config.layerNormEps
        // Output LayerNorm, FFN and its residual.
        var dOutputSum = Self.uninitialized(R * d)
        bs_layernorm_backward(
            outputSum, w.outputNorm.weight.pointer, dOut, &dOutputSum, Int32(R), Int32(d), eps, 0)
        var dAct = Self.uninitialized(R * ff)
        backProduct(dOutputSum, rows: R, w.output, packs?.output, into: &dAct)
        bs_activation_backward(preActivation, &dAct, Int32(R * ff), config.activation.kernelCode)
        var dAttended = dOutputSum
        backProduct(dAct, rows: R, w.intermediate, packs?.intermediate, into: &dAttended, accumulate: true)
        // Attention LayerNorm, output projection and its residual.
        var dAttentionSum = Self.uninitialized(R * d)
        bs_layernorm_backward(
            attentionSum, w.attentionNorm.weight.pointer, dAttended, &dAttentionSum, Int32(R), Int32(d), eps, 0)
        var dContext = Self.uninitialized(R * d)
        backProduct(dAttentionSum, rows: R, w.attentionOutput, packs?.attentionOutput, into: &dContext)
        return withExtendedLifetime(weights) { (dAttentionSum, dContext) }
    }

    /// y = x · W, or y += x · W with `accumulate`, for a layer's weight W (out × in): through its
    /// transposed pack when there is one, else reading W's rows in place.
    private func backProduct(
        _ x: [Float], rows: Int, _ linear: BertWeights.Linear, _ pack: PackedMatrix?, into y: inout [Float],
        accumulate: Bool = false
    ) {
        guard let pack else {
            let n = linear.outFeatures
            bs_matmul_nn(
                x, Int32(n), Int32(rows), Int32(n), linear.weight.pointer, Int32(linear.inFeatures), &y,
                accumulate ? 1 : 0)
            return withExtendedLifetime(weights) {}
        }
        if accumulate {
            Self.addProduct(pack, x, rows: rows, onto: &y)
        } else {
            pack.apply(x, rows: rows, into: &y, ld: pack.outFeatures)
        }
    }

    /// The rows of a (rows, width) gradient holding any nonzero value.
    static func liveRows(_ g: [Float], rows: Int, width: Int) -> [Int] {
        g.withUnsafeBufferPointer { p in
            (0..<rows).filter { r in (0..<width).contains { p[r * width + $0] != 0 } }
        }
    }

    static func gather(_ a: [Float], _ rows: [Int], _ width: Int) -> [Float] {
        var out = uninitialized(rows.count * width)
        for (k, r) in rows.enumerated() { for c in 0..<width { out[k * width + c] = a[r * width + c] } }
        return out
    }

    static func scatter(_ a: [Float], _ rows: [Int], _ width: Int, rows total: Int) -> [Float] {
        var out = [Float](repeating: 0, count: total * width)
        for (k, r) in rows.enumerated() { for c in 0..<width { out[r * width + c] = a[k * width + c] } }
        return out
    }

    /// Storage a kernel overwrites whole (LayerNorm's backward, a product that is not accumulated):
    /// zeroing it first was 4% of integrated gradients' time.
    static func uninitialized(_ count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { _, n in n = count }
    }

    /// y += x · W through a transposed pack (the packed GEMM writes; the sum is added after).
    private static func addProduct(_ p: PackedMatrix, _ x: [Float], rows: Int, onto y: inout [Float]) {
        var product = uninitialized(rows * p.outFeatures)
        p.apply(x, rows: rows, into: &product, ld: p.outFeatures)
        y.withUnsafeMutableBufferPointer { yb in
            product.withUnsafeBufferPointer { pb in for i in 0..<yb.count { yb[i] += pb[i] } }
        }
    }

    /// ∂/∂(word embeddings) (R, e) from ∂/∂(embedding output) (R, d).
    private func embeddingBackward(_ dx: [Float], tape: GradientTape) -> [Float] {
        let R = tape.rows, e = config.embeddingSize, d = config.hiddenSize, emb = weights.embeddings
        let eps = config.layerNormEps
        if config.family == .debertaV2 {
            var dSum = [Float](repeating: 0, count: R * d)
            bs_layernorm_backward(tape.embeddingSum, emb.norm.weight.pointer, dx, &dSum, Int32(R), Int32(d), eps, 0)
            guard let proj = emb.projection else { return dSum }
            var dWords = [Float](repeating: 0, count: R * e)
            bs_matmul_nn(dSum, Int32(d), Int32(R), Int32(d), proj.weight.pointer, Int32(e), &dWords, 0)
            return withExtendedLifetime(weights) { dWords }
        }
        var dNormed = dx
        if let proj = emb.projection {
            dNormed = [Float](repeating: 0, count: R * e)
            bs_matmul_nn(dx, Int32(d), Int32(R), Int32(d), proj.weight.pointer, Int32(e), &dNormed, 0)
        }
        var dWords = [Float](repeating: 0, count: R * e)
        bs_layernorm_backward(tape.embeddingSum, emb.norm.weight.pointer, dNormed, &dWords, Int32(R), Int32(e), eps, 0)
        return withExtendedLifetime(weights) { dWords }
    }
}

extension TaskHead.Pooling {
    var kernelCode: Int32 {
        switch self {
        case .tanh: return Int32(BS_ACT_TANH)
        case .activation(let a): return a.kernelCode
        }
    }
}

extension RelativeTables {
    /// Adds the position terms' q and k gradients (from ∂/∂scores, (H, n, n)) to dqkv.
    func backward(layer: Int, dScores: [Float], n: Int, config: ModelConfig, into dqkv: UnsafeMutablePointer<Float>) {
        buckets.withUnsafeBufferPointer { b in
            let zero = b.baseAddress! + maxDistance
            let pk = positionKeys[layer], pq = positionQueries[layer]
            (pk ?? []).withUnsafeBufferPointer { k in
                (pq ?? []).withUnsafeBufferPointer { q in
                    bs_relative_backward(
                        dScores, Int32(n), Int32(config.hiddenSize), Int32(config.numHeads),
                        pk == nil ? nil : k.baseAddress, pq == nil ? nil : q.baseAddress, zero, Int32(settings.span),
                        scale, dqkv)
                }
            }
        }
    }
}
