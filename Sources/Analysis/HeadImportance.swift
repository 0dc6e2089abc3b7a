import Encoder
import Tokenizers

/// Michel et al. (2019)-style head importance for one prediction: the change
/// in the target's log-probability when each head alone is ablated (on top
/// of any heads already off). Negative = the head helped the prediction.
public struct HeadImportance: Sendable, Equatable {
    /// What is explained: the token predicted at `position`.
    public let position: Int
    public let target: Int
    public let targetToken: String
    /// log p(target) with only the already-ablated heads off.
    public let baseLogProbability: Float
    /// `deltas[layer * heads + head]` = log p(target | head off) − base.
    public let deltas: [Float]
    public let layers: Int, heads: Int
    /// True when the target is a sequence classifier's class (`targetToken` its label), not a masked token.
    public var isClass = false

    public init(
        position: Int, target: Int, targetToken: String, baseLogProbability: Float, deltas: [Float], layers: Int,
        heads: Int
    ) {
        self.position = position; self.target = target; self.targetToken = targetToken
        self.baseLogProbability = baseLogProbability; self.deltas = deltas; self.layers = layers; self.heads = heads
    }

    public func delta(layer: Int, head: Int) -> Float { deltas[layer * heads + head] }

    /// The same for a sequence classifier's class `label`: log p(label) from the task head.
    public static func compute(
        _ task: TaskModel, _ e: Encoding, label: Int, isCancelled: () -> Bool = { false }
    ) throws -> HeadImportance? {
        let enc = task.encoder, n = e.count
        let logP = { (last: [Float]) throws -> Float in
            guard
                case .sequence(let logits) = try last.withUnsafeBufferPointer({
                    try enc.taskLogits(lastHidden: $0.baseAddress!, tokens: n)
                })
            else { throw EncoderError("head importance of a class needs a sequence classifier") }
            return log(max(LabelScores.sequence(logits, task.task)[label].score, 1e-30))
        }
        guard let (base, deltas) = try headDeltas(enc, e, ablation: task.ablation, isCancelled: isCancelled, logP: logP)
        else { return nil }
        var out = HeadImportance(
            position: 0, target: label, targetToken: task.task.labels[label], baseLogProbability: base, deltas: deltas,
            layers: enc.config.numLayers, heads: enc.config.numHeads)
        out.isClass = true
        return out
    }

    /// One pass per head, each resumed at the head's layer from the base
    /// pass (the layers below are unchanged); `isCancelled` is asked between
    /// passes (nil result when it says stop).
    public static func compute(
        _ mlm: MaskedLanguageModel, _ e: Encoding, position: Int, target: Int,
        isCancelled: () -> Bool = { false }
    ) throws -> HeadImportance? {
        let enc = mlm.encoder, d = enc.config.hiddenSize
        let logP = { (last: [Float]) throws -> Float in
            let logits = try enc.maskedLMLogits(hidden: Array(last[(position * d)..<((position + 1) * d)]), rows: 1)
            return log(max(softmax(logits[...])[target], 1e-30))
        }
        guard let (base, deltas) = try headDeltas(enc, e, ablation: mlm.ablation, isCancelled: isCancelled, logP: logP)
        else { return nil }
        return HeadImportance(
            position: position, target: target, targetToken: mlm.tokenizer.token(for: target) ?? "?",
            baseLogProbability: base, deltas: deltas, layers: enc.config.numLayers, heads: enc.config.numHeads)
    }

    /// The base value of `logP` (of the last hidden states) with `ablation`,
    /// and its change with each further head off: passes resumed at the
    /// head's layer where the encoder allows, whole passes elsewhere
    /// (DeBERTa's ConvLayer). nil when `isCancelled` says stop.
    private static func headDeltas(
        _ enc: BertEncoder, _ e: Encoding, ablation: HeadSet, isCancelled: () -> Bool,
        logP: ([Float]) throws -> Float
    ) throws -> (Float, [Float])? {
        let L = enc.config.numLayers, H = enc.config.numHeads, n = e.count, d = enc.config.hiddenSize
        func lastLayer(_ t: Trace) -> [Float] { Array(t.hiddenStates[(L * n * d)..<((L + 1) * n * d)]) }
        let baseTrace = try enc.forward(ids: e.ids, typeIds: e.typeIds, ablate: ablation)
        let base = try logP(lastLayer(baseTrace))
        let ws = enc.makeWorkspace()
        var last: [Float] = []
        var deltas = [Float](repeating: 0, count: L * H)
        for l in 0..<L {
            for h in 0..<H {
                if isCancelled() { return nil }
                // A head already off changes nothing when "ablated again".
                guard !ablation.contains(layer: l, head: h) else { continue }
                var heads = ablation
                heads.heads.insert(HeadSet.Head(layer: l, head: h))
                if enc.canResume(at: l) {
                    try enc.lastHidden(resuming: baseTrace, at: l, ablate: heads, workspace: ws, into: &last)
                } else {
                    last = lastLayer(try enc.forward(ids: e.ids, typeIds: e.typeIds, ablate: heads))
                }
                deltas[l * H + h] = try logP(last) - base
            }
        }
        return (base, deltas)
    }
}

import Foundation
