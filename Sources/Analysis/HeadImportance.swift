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
        let enc = task.encoder, L = enc.config.numLayers, H = enc.config.numHeads, n = e.count
        func logP(_ last: [Float]) throws -> Float {
            guard
                case .sequence(let logits) = try last.withUnsafeBufferPointer({
                    try enc.taskLogits(lastHidden: $0.baseAddress!, tokens: n)
                })
            else { throw EncoderError("head importance of a class needs a sequence classifier") }
            return log(max(LabelScores.sequence(logits, task.task)[label].score, 1e-30))
        }
        let baseTrace = try enc.forward(ids: e.ids, typeIds: e.typeIds, ablate: task.ablation)
        let d = enc.config.hiddenSize
        let base = try logP(Array(baseTrace.hiddenStates[(L * n * d)...]))
        let ws = enc.makeWorkspace()
        var last: [Float] = []
        var deltas = [Float](repeating: 0, count: L * H)
        for l in 0..<L {
            for h in 0..<H {
                if isCancelled() { return nil }
                guard !task.ablation.contains(layer: l, head: h), enc.canResume(at: l) else { continue }
                var heads = task.ablation
                heads.heads.insert(HeadSet.Head(layer: l, head: h))
                try enc.lastHidden(resuming: baseTrace, at: l, ablate: heads, workspace: ws, into: &last)
                deltas[l * H + h] = try logP(last) - base
            }
        }
        var out = HeadImportance(
            position: 0, target: label, targetToken: task.task.labels[label], baseLogProbability: base, deltas: deltas,
            layers: L, heads: H)
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
        let enc = mlm.encoder, L = enc.config.numLayers, H = enc.config.numHeads, d = enc.config.hiddenSize
        let baseTrace = try mlm.forward(e.ids, e.typeIds)
        let base = log(max(try mlm.distributions(baseTrace, positions: [position])[0][target], 1e-30))
        let ws = enc.makeWorkspace()
        var last: [Float] = []
        var deltas = [Float](repeating: 0, count: L * H)
        for l in 0..<L {
            for h in 0..<H {
                if isCancelled() { return nil }
                // A head already off changes nothing when "ablated again".
                guard !mlm.ablation.contains(layer: l, head: h) else { continue }
                var heads = mlm.ablation
                heads.heads.insert(HeadSet.Head(layer: l, head: h))
                let p: Float
                if !enc.canResume(at: l) {
                    var m = mlm
                    m.ablation = heads
                    p = try m.distributions(try m.forward(e.ids, e.typeIds), positions: [position])[0][target]
                } else {
                    try enc.lastHidden(resuming: baseTrace, at: l, ablate: heads, workspace: ws, into: &last)
                    let logits = try enc.maskedLMLogits(
                        hidden: Array(last[(position * d)..<((position + 1) * d)]), rows: 1)
                    p = softmax(logits[...])[target]
                }
                deltas[l * H + h] = log(max(p, 1e-30)) - base
            }
        }
        return HeadImportance(
            position: position, target: target, targetToken: mlm.tokenizer.token(for: target) ?? "?",
            baseLogProbability: base,
            deltas: deltas, layers: L, heads: H)
    }
}

import Foundation
