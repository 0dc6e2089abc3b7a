import CKernels
import Checkpoint
import Foundation

extension BertEncoder {
    public var hasMaskedLMHead: Bool { weights.maskedLM != nil }
    public var hasNextSentenceHead: Bool { weights.nextSentence != nil && weights.pooler != nil }
    public var hasReplacedTokenHead: Bool { weights.replacedToken != nil }

    /// P(replaced) per token: the sigmoid of `replacedTokenLogits`.
    public func replacedTokenProbabilities(_ trace: Trace) throws -> [Float] {
        try replacedTokenLogits(trace).map { 1 / (1 + exp(-$0)) }
    }

    /// ELECTRA discriminator: one logit per token that it was replaced
    /// (sigmoid > 0.5 means "replaced"), from the last layer's states.
    public func replacedTokenLogits(_ trace: Trace) throws -> [Float] {
        guard let (dense, prediction) = weights.replacedToken else {
            throw EncoderError("this checkpoint has no replaced-token head (ELECTRA's discriminator_predictions)")
        }
        let d = config.hiddenSize, n = trace.tokens
        let last = Array(trace.hiddenStates[(config.numLayers * n * d)..<((config.numLayers + 1) * n * d)])
        var hidden = [Float](repeating: 0, count: n * d), out = [Float](repeating: 0, count: n)
        last.withUnsafeBufferPointer { x in
            hidden.withUnsafeMutableBufferPointer { h in
                bs_linear(
                    x.baseAddress!, Int32(n), Int32(d), dense.weight.pointer, Int32(d), dense.bias?.pointer,
                    h.baseAddress!, Int32(d))
                applyActivation(h.baseAddress!, count: n * d)
                out.withUnsafeMutableBufferPointer { o in
                    bs_linear(
                        h.baseAddress!, Int32(n), Int32(d), prediction.weight.pointer, 1, prediction.bias?.pointer,
                        o.baseAddress!, 1)
                }
            }
        }
        return withExtendedLifetime(weights) { out }
    }

    /// Vocabulary logits of the MLM head (`cls.predictions` or the family's own) for `rows`
    /// hidden states: dense → activation → LayerNorm → decoder + bias.
    /// hidden: (rows, d) → (rows, vocab).
    public func maskedLMLogits(hidden: [Float], rows: Int) throws -> [Float] {
        guard let head = weights.maskedLM else {
            throw EncoderError("this checkpoint has no masked-LM head (cls.predictions)")
        }
        let d = config.hiddenSize, v = head.decoder.shape[0], td = head.transform.outFeatures
        precondition(hidden.count == rows * d)
        var t = [Float](repeating: 0, count: rows * td)
        var out = [Float](repeating: 0, count: rows * v)
        hidden.withUnsafeBufferPointer { h in
            t.withUnsafeMutableBufferPointer { tp in
                bs_linear(
                    h.baseAddress!, Int32(rows), Int32(d), head.transform.weight.pointer, Int32(td),
                    head.transform.bias?.pointer, tp.baseAddress!, Int32(td))
                apply(head.activation, tp.baseAddress!, count: rows * td)
                bs_add_layernorm(
                    tp.baseAddress!, nil, tp.baseAddress!, Int32(rows), Int32(td),
                    head.norm.weight.pointer, head.norm.bias.pointer, headNormEps)
                out.withUnsafeMutableBufferPointer { op in
                    bs_linear(
                        tp.baseAddress!, Int32(rows), Int32(td), head.decoder.pointer, Int32(v), head.bias.pointer,
                        op.baseAddress!, Int32(v))
                }
            }
        }
        return withExtendedLifetime(head) { out }
    }

    /// NSP logits [is next, not next] from the [CLS] state of the last layer:
    /// pooler (dense + tanh) then `cls.seq_relationship`.
    public func nextSentenceLogits(_ trace: Trace) throws -> [Float] {
        try nextSentenceLogits(cls: Array(trace.hiddenState(layer: trace.layers, token: 0)))
    }

    /// The same from the last layer's [CLS] vector (d values).
    public func nextSentenceLogits(cls: [Float]) throws -> [Float] {
        guard let pooler = weights.pooler, let nsp = weights.nextSentence else {
            throw EncoderError(
                "this checkpoint has no next-sentence head (cls.seq_relationship or ALBERT's sop_classifier, and a pooler)"
            )
        }
        let d = config.hiddenSize
        guard cls.count == d else { throw EncoderError("a [CLS] vector has \(d) values, not \(cls.count)") }
        var pooled = [Float](repeating: 0, count: d)
        var out = [Float](repeating: 0, count: 2)
        cls.withUnsafeBufferPointer { c in
            pooled.withUnsafeMutableBufferPointer { p in
                bs_linear(
                    c.baseAddress!, 1, Int32(d), pooler.weight.pointer, Int32(d), pooler.bias?.pointer, p.baseAddress!,
                    Int32(d))
                for i in 0..<d { p[i] = tanhf(p[i]) }
                out.withUnsafeMutableBufferPointer { o in
                    bs_linear(p.baseAddress!, 1, Int32(d), nsp.weight.pointer, 2, nsp.bias?.pointer, o.baseAddress!, 2)
                }
            }
        }
        return out
    }

    /// DistilBERT's config has no layer_norm_eps: transformers builds its vocab_layer_norm with eps 1e-12.
    var headNormEps: Float { config.family == .distilbert ? 1e-12 : config.layerNormEps }

    func applyActivation(_ x: UnsafeMutablePointer<Float>, count: Int) { apply(config.activation, x, count: count) }

    func apply(_ activation: Activation, _ x: UnsafeMutablePointer<Float>, count: Int) {
        switch activation {
        case .gelu: bs_gelu_erf(x, Int32(count))
        case .geluTanh: bs_gelu_tanh(x, Int32(count))
        case .relu: bs_relu(x, Int32(count))
        case .silu: bs_silu(x, Int32(count))
        }
    }
}

/// Softmax in double precision (vocabulary-sized rows).
public func softmax(_ logits: ArraySlice<Float>) -> [Float] {
    let m = logits.max() ?? 0
    var sum = 0.0
    let e = logits.map { v -> Double in
        let x = exp(Double(v - m)); sum += x; return x
    }
    return e.map { Float($0 / sum) }
}
