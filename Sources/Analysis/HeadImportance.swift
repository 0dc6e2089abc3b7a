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

    public init(
        position: Int, target: Int, targetToken: String, baseLogProbability: Float, deltas: [Float], layers: Int,
        heads: Int
    ) {
        self.position = position; self.target = target; self.targetToken = targetToken
        self.baseLogProbability = baseLogProbability; self.deltas = deltas; self.layers = layers; self.heads = heads
    }

    public func delta(layer: Int, head: Int) -> Float { deltas[layer * heads + head] }

    /// One pass per head; `isCancelled` is asked between passes (nil result when it says stop).
    public static func compute(
        _ mlm: MaskedLanguageModel, _ e: Encoding, position: Int, target: Int,
        isCancelled: () -> Bool = { false }
    ) throws -> HeadImportance? {
        let L = mlm.encoder.config.numLayers, H = mlm.encoder.config.numHeads
        func logp(_ m: MaskedLanguageModel) throws -> Float {
            let p = try m.distributions(try m.forward(e.ids, e.typeIds), positions: [position])[0][target]
            return log(max(p, 1e-30))
        }
        let base = try logp(mlm)
        var deltas = [Float](repeating: 0, count: L * H)
        for l in 0..<L {
            for h in 0..<H {
                if isCancelled() { return nil }
                var m = mlm
                m.ablation.heads.insert(HeadSet.Head(layer: l, head: h))
                // A head already off changes nothing when "ablated again".
                deltas[l * H + h] = mlm.ablation.contains(layer: l, head: h) ? 0 : try logp(m) - base
            }
        }
        return HeadImportance(
            position: position, target: target, targetToken: mlm.tokenizer.token(for: target) ?? "?",
            baseLogProbability: base,
            deltas: deltas, layers: L, heads: H)
    }
}

import Foundation
