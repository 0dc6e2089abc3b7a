import Encoder
import Foundation
import Tokenizers

/// One vocabulary entry with its probability.
public struct TokenProbability: Sendable, Equatable {
    public let id: Int
    public let token: String
    public let probability: Float
}

/// The predictions at one masked position.
public struct MaskPrediction: Sendable, Equatable {
    /// Index in the token sequence, [CLS] included.
    public let position: Int
    public let predictions: [TokenProbability]
}

/// What the masked-LM head says about an input: fills for [MASK]s, scores
/// of given words, pseudo-log-likelihood, the logit lens, iterative filling.
/// Every method runs the encoder itself; the session caches traces.
public struct MaskedLanguageModel: Sendable {
    /// Heads ablated in every pass this model runs (`--ablate`).
    public var ablation = HeadSet()
    public let encoder: BertEncoder
    public let tokenizer: Tokenizer
    public let maskId: Int

    public init(encoder: BertEncoder, tokenizer: Tokenizer) throws {
        guard encoder.hasMaskedLMHead else {
            throw EncoderError(
                "this model has no masked-LM head; load one that has (e.g. --model bert-base-uncased from the Hugging Face cache)"
            )
        }
        guard let mask = tokenizer.maskId else { throw EncoderError("the tokenizer has no mask token") }
        self.encoder = encoder
        self.tokenizer = tokenizer
        self.maskId = mask
    }

    /// Probability distributions (vocab) at `positions` of a trace's last layer.
    public func distributions(_ trace: Trace, positions: [Int], layer: Int? = nil) throws -> [[Float]] {
        let l = layer ?? trace.layers
        var rows: [Float] = []
        for p in positions { rows += trace.hiddenState(layer: l, token: p) }
        // A pre-LN model's inner states are read through its final norm, as its head reads the last one.
        if l < trace.layers { rows = encoder.finalNormed(rows, count: positions.count) }
        let logits = try encoder.maskedLMLogits(hidden: rows, rows: positions.count)
        let v = logits.count / max(1, positions.count)
        return positions.indices.map { softmax(logits[($0 * v)..<(($0 + 1) * v)]) }
    }

    public func top(_ probs: [Float], k: Int) -> [TokenProbability] {
        topK(probs, k: k).map {
            TokenProbability(id: $0.id, token: tokenizer.token(for: $0.id) ?? "?", probability: $0.score)
        }
    }

    /// Top-k fills of every [MASK] in an encoding, each independent of the others.
    public func predict(_ e: Encoding, trace: Trace, k: Int) throws -> [MaskPrediction] {
        let positions = e.ids.indices.filter { e.ids[$0] == maskId }
        let dists = try distributions(trace, positions: positions)
        return zip(positions, dists).map { MaskPrediction(position: $0, predictions: top($1, k: k)) }
    }

    public func forward(_ ids: [Int], _ typeIds: [Int]) throws -> Trace {
        try encoder.forwardHidden(ids: ids, typeIds: typeIds, ablate: ablation)
    }
}
