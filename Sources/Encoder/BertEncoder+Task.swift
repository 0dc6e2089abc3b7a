import CKernels
import Checkpoint
import Foundation

/// The raw outputs of a task head.
public enum TaskLogits: Sendable, Equatable {
    /// One logit per label.
    case sequence([Float])
    /// (n, labels), row-major: one row per token.
    case tokens([Float], labels: Int)
    /// One start and one end logit per token.
    case span(start: [Float], end: [Float])
}

extension BertEncoder {
    public var taskHead: TaskHead? { weights.task }

    /// The task head's logits for the last layer's states of `trace`.
    public func taskLogits(_ trace: Trace) throws -> TaskLogits {
        let d = config.hiddenSize, n = trace.tokens
        let start = config.numLayers * n * d
        return try trace.hiddenStates[start..<(start + n * d)].withUnsafeBufferPointer {
            try taskLogits(lastHidden: $0.baseAddress!, tokens: n)
        }
    }

    /// The same from the last hidden states (n, d) directly.
    public func taskLogits(lastHidden h: UnsafePointer<Float>, tokens n: Int) throws -> TaskLogits {
        guard let head = weights.task else {
            throw EncoderError(
                "this checkpoint has no task head (a *ForSequenceClassification, *ForTokenClassification or *ForQuestionAnswering checkpoint)"
            )
        }
        let d = config.hiddenSize, labels = head.out.outFeatures
        switch head.task.kind {
        case .sequenceClassification:
            var pooled = [Float](repeating: 0, count: d)
            if head.meanPooling {
                // ModernBERT's mean pooling over the tokens (one unpadded sequence), then its head.
                let mean = SentencePooling(mode: .mean).pool(
                    Array(UnsafeBufferPointer(start: h, count: n * d)), tokens: n, width: d)
                mean.withUnsafeBufferPointer { m in
                    pooled.withUnsafeMutableBufferPointer { p in
                        poolFirstToken(head, m.baseAddress!, into: p.baseAddress!)
                    }
                }
            } else {
                pooled.withUnsafeMutableBufferPointer { p in poolFirstToken(head, h, into: p.baseAddress!) }
            }
            return .sequence(linearRows(pooled, rows: 1, head.out))
        case .tokenClassification:
            return .tokens(linearRows(perTokenInput(head, h, tokens: n), rows: n, head.out), labels: labels)
        case .questionAnswering:
            let both = linearRows(perTokenInput(head, h, tokens: n), rows: n, head.out)
            return .span(
                start: stride(from: 0, to: n * 2, by: 2).map { both[$0] },
                end: stride(from: 1, to: n * 2, by: 2).map { both[$0] })
        }
    }

    /// What a per-token head's output layer reads: the last states (n, d), or
    /// (ModernBERT) each through the head's dense → activation → norm.
    func perTokenInput(_ head: TaskHead, _ h: UnsafePointer<Float>, tokens n: Int) -> [Float] {
        let d = config.hiddenSize
        guard head.dense != nil else { return Array(UnsafeBufferPointer(start: h, count: n * d)) }
        var out = [Float](repeating: 0, count: n * d)
        out.withUnsafeMutableBufferPointer { o in
            for i in 0..<n { poolFirstToken(head, h + i * d, into: o.baseAddress! + i * d) }
        }
        return out
    }

    /// dense(first token) then the head's activation, into `out` (d).
    func poolFirstToken(_ head: TaskHead, _ h: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        guard let dense = head.dense else { return }
        let d = config.hiddenSize
        withExtendedLifetime(weights) {
            bs_linear(h, 1, Int32(d), dense.weight.pointer, Int32(d), dense.bias?.pointer, out, Int32(d))
        }
        switch head.pooling {
        case .tanh: for i in 0..<d { out[i] = tanhf(out[i]) }
        case .activation(let a): apply(a, out, count: d)
        }
        if let norm = head.norm {
            withExtendedLifetime(weights) {
                bs_add_layernorm(
                    out, nil, out, 1, Int32(d), norm.weight.pointer, norm.bias.pointer, config.layerNormEps)
            }
        }
    }

    /// x (rows, in) · Wᵀ + b → (rows, out).
    public func linearRows(_ x: [Float], rows: Int, _ layer: BertWeights.Linear) -> [Float] {
        var out = [Float](repeating: 0, count: rows * layer.outFeatures)
        x.withUnsafeBufferPointer { xp in
            out.withUnsafeMutableBufferPointer { op in
                bs_linear(
                    xp.baseAddress!, Int32(rows), Int32(layer.inFeatures), layer.weight.pointer,
                    Int32(layer.outFeatures), layer.bias?.pointer, op.baseAddress!, Int32(layer.outFeatures))
            }
        }
        return withExtendedLifetime(weights) { out }
    }
}
