import Checkpoint
import Encoder
import Foundation

/// One label of a sequence classifier with its score.
public struct LabelScore: Sendable, Equatable {
    public let id: Int
    public let label: String
    /// Softmax probability (single label), sigmoid (multi-label), or the raw output (regression).
    public let score: Float
    public let logit: Float
}

/// One token's label from a token classifier: the argmax and its softmax probability.
public struct TokenLabel: Sendable, Equatable {
    public let position: Int
    public let token: String
    public let labelId: Int
    public let label: String
    public let probability: Float
    /// Softmax over every label (for the workbench's cursor).
    public let distribution: [Float]
}

public enum LabelScores {
    /// Scores in label-id order, as `problem_type` says.
    public static func sequence(_ logits: [Float], _ task: TaskConfig) -> [LabelScore] {
        let scores: [Float]
        switch task.problemType {
        case .singleLabel: scores = softmax(logits[...])
        case .multiLabel: scores = logits.map { 1 / (1 + exp(-$0)) }
        case .regression: scores = logits
        }
        return logits.indices.map {
            LabelScore(id: $0, label: name($0, task), score: scores[$0], logit: logits[$0])
        }
    }

    /// Argmax label of each of `positions` (transformers' token-classification
    /// pipeline: softmax over labels, first maximum wins).
    public static func tokens(
        _ logits: [Float], labels: Int, positions: [Int], tokens: [String], _ task: TaskConfig
    ) -> [TokenLabel] {
        positions.compactMap { p in
            guard labels > 0, (p + 1) * labels <= logits.count, p < tokens.count else { return nil }
            let probs = softmax(logits[(p * labels)..<((p + 1) * labels)])
            var best = 0
            for k in probs.indices where probs[k] > probs[best] { best = k }
            return TokenLabel(
                position: p, token: tokens[p], labelId: best, label: name(best, task), probability: probs[best],
                distribution: probs)
        }
    }

    static func name(_ id: Int, _ task: TaskConfig) -> String {
        id < task.labels.count ? task.labels[id] : "LABEL_\(id)"
    }
}
