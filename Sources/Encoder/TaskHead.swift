import Checkpoint

/// A fine-tuned head on the encoder's last hidden states, in each family's
/// own layout (as transformers' modeling files build them):
/// - sequence classification: the first token → `dense` → activation → `out`
///   (BERT/ALBERT: pooler + tanh, classifier; RoBERTa: classifier.dense + tanh,
///   classifier.out_proj; ELECTRA: the same with GELU; DistilBERT: pre_classifier
///   + ReLU, classifier; DeBERTa: ContextPooler's pooler.dense + pooler_hidden_act,
///   classifier);
/// - token classification: `out` (classifier) on every token;
/// - question answering: `out` (qa_outputs, 2 rows: start, end) on every token.
public struct TaskHead: Sendable {
    public enum Pooling: Sendable, Equatable {
        case tanh
        case activation(Activation)
    }

    public let task: TaskConfig
    /// The first-token transform of sequence classification (nil for the per-token heads).
    public let dense: BertWeights.Linear?
    public let pooling: Pooling
    /// (labels, d); question answering: (2, d).
    public let out: BertWeights.Linear
    /// ModernBERT: the prediction head's LayerNorm after the activation, and
    /// whether the pooled state is the tokens' mean (classifier_pooling "mean").
    public var norm: BertWeights.LayerNorm? = nil
    public var meanPooling = false

    /// Where the family keeps the head: (dense name, whether it carries the
    /// base prefix, activation, output name).
    static func sequenceLayout(_ config: ModelConfig, _ task: TaskConfig) -> (String, Bool, Pooling, String) {
        switch config.family {
        case .bert: return ("pooler.dense", true, .tanh, "classifier")
        case .albert: return ("pooler", true, .tanh, "classifier")
        case .roberta, .xlmRoberta, .camembert: return ("classifier.dense", false, .tanh, "classifier.out_proj")
        // ElectraClassificationHead: get_activation("gelu"), whatever hidden_act says.
        case .electra: return ("classifier.dense", false, .activation(.gelu), "classifier.out_proj")
        case .distilbert: return ("pre_classifier", false, .activation(.relu), "classifier")
        case .debertaV2: return ("pooler.dense", false, .activation(task.poolerActivation), "classifier")
        // ModernBertPredictionHead (dense → act → norm) on the pooled state, then the classifier;
        // BertWeights(modernBert:) builds it with its norm and pooling, so this entry only names it.
        case .modernbert:
            return ("head.dense", false, .activation(config.modern?.headActivation ?? .gelu), "classifier")
        }
    }

    /// The head named by `task`, or nil when the file does not hold it (a base
    /// model saved under a task architecture); wrong shapes are errors.
    static func load(_ loader: WeightLoader, task: TaskConfig) throws -> TaskHead? {
        let d = loader.config.hiddenSize, labels = task.labels.count
        switch task.kind {
        case .sequenceClassification:
            let (dense, prefixed, pooling, out) = sequenceLayout(loader.config, task)
            let present = prefixed ? loader.has(dense + ".weight") : loader.hasHead(dense + ".weight")
            guard present, loader.hasHead(out + ".weight") else { return nil }
            return TaskHead(
                task: task, dense: try loader.linear(dense, out: d, in: d, head: !prefixed), pooling: pooling,
                out: try loader.labelled(out, labels: labels, in: d))
        case .tokenClassification, .questionAnswering:
            let out = task.kind == .questionAnswering ? "qa_outputs" : "classifier"
            guard loader.hasHead(out + ".weight") else { return nil }
            return TaskHead(
                task: task, dense: nil, pooling: .tanh, out: try loader.labelled(out, labels: labels, in: d))
        }
    }
}

extension WeightLoader {
    /// The output layer, its row count checked against the label list first
    /// (a clearer message than a shape mismatch).
    func labelled(_ name: String, labels: Int, in d: Int) throws -> BertWeights.Linear {
        if let rows = store.entry(name + ".weight")?.shape.first, rows != labels {
            throw CheckpointError(
                "\(name).weight has \(rows) rows but config.json names \(labels) label\(labels == 1 ? "" : "s") (id2label / num_labels)"
            )
        }
        return try linear(name, out: labels, in: d, head: true)
    }
}
