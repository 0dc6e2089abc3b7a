import Checkpoint

public enum TaskSummary {
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
