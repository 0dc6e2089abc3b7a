import Checkpoint

public enum TaskSummary {
    /// "neither, really: no label reaches 75%" when the top label is under the
    /// probability a head keeps on neutral text (`TaskConfig.calmBelow`); nil otherwise.
    public static func neither(calmBelow: Float?, scores: [Float]) -> String? {
        guard let calm = calmBelow, let top = scores.max(), top < calm else { return nil }
        return String(format: "neither, really: no label reaches %.0f%%", calm * 100)
    }

    /// "sequence classification: negative, positive (softmax)" for `info` and the model overlay.
    public static func describe(_ task: TaskConfig) -> String {
        let shown = task.labels.prefix(8).joined(separator: ", ") + (task.labels.count > 8 ? ", …" : "")
        switch task.kind {
        case .questionAnswering: return "question answering (start/end span)"
        case .tokenClassification: return "token classification (\(task.labels.count) labels: \(shown))"
        case .sequenceClassification:
            let how: String
            switch task.problemType {
            case .singleLabel: how = "softmax"
            case .multiLabel: how = "sigmoid per label"
            case .regression: how = "regression"
            }
            return
                "sequence classification (\(task.labels.count) label\(task.labels.count == 1 ? "" : "s"): \(shown); \(how))"
        }
    }
}
