import Foundation

/// What a fine-tuned checkpoint's head does, read from `architectures`.
public enum TaskKind: String, Sendable, Equatable {
    case sequenceClassification = "sequence classification"
    case tokenClassification = "token classification"
    case questionAnswering = "question answering"

    /// The kind an architecture name (`BertForSequenceClassification`, …) stands for.
    public init?(architecture: String) {
        if architecture.hasSuffix("ForSequenceClassification") {
            self = .sequenceClassification
        } else if architecture.hasSuffix("ForTokenClassification") {
            self = .tokenClassification
        } else if architecture.hasSuffix("ForQuestionAnswering") {
            self = .questionAnswering
        } else {
            return nil
        }
    }
}

/// How a classifier's logits become scores (`problem_type`).
public enum ProblemType: String, Sendable, Equatable {
    case singleLabel = "single_label_classification"  // softmax
    case multiLabel = "multi_label_classification"  // sigmoid per label
    case regression  // the raw output
}

/// A task head's settings from config.json: its kind, label names by id
/// (`id2label`, else `num_labels`), and how scores are computed.
public struct TaskConfig: Sendable, Equatable {
    public var kind: TaskKind
    public var labels: [String]
    public var problemType: ProblemType
    /// A head trained to stay below this probability on neutral text (BertScope's
    /// sentiment head: `calm_below` in its metadata): a top label under it is "neither".
    public var calmBelow: Float? = nil
    /// DeBERTa's ContextPooler activation (`pooler_hidden_act`, default gelu).
    public var poolerActivation: Activation = .gelu

    public init(kind: TaskKind, labels: [String], problemType: ProblemType) {
        self.kind = kind
        self.labels = labels
        self.problemType = problemType
    }

    /// Far more than any published head (ImageNet-size label sets are 21k).
    static let maxLabels = 1 << 16

    /// The task of a config object, or nil when its architecture has no task head.
    init?(config c: [String: Any], source: String) throws {
        guard let kind = (c["architectures"] as? [String] ?? []).compactMap({ TaskKind(architecture: $0) }).first else {
            return nil
        }
        self.kind = kind
        labels = try Self.labels(c, source: source)
        if kind == .questionAnswering {
            labels = ["start", "end"]
        }
        switch c["problem_type"] {
        case nil, is NSNull:
            // transformers' pipelines: one output without a problem type is a sigmoid score.
            problemType = labels.count == 1 && kind == .sequenceClassification ? .multiLabel : .singleLabel
        case let name as String:
            guard let p = ProblemType(rawValue: name) else {
                throw CheckpointError(
                    "\(source): problem_type \"\(name)\" is not supported (supported: single_label_classification, multi_label_classification, regression)"
                )
            }
            problemType = p
        default:
            throw CheckpointError("\(source): problem_type is not a string")
        }
        if let act = c["pooler_hidden_act"] as? String {
            guard let a = Activation(hfName: act) else {
                throw CheckpointError(
                    "\(source): pooler_hidden_act \"\(act)\" is not supported (supported: \(Activation.supportedNames))"
                )
            }
            poolerActivation = a
        }
    }

    /// `id2label` as a dense list (ids 0…n−1), checked; `num_labels` (default 2) names them LABEL_i.
    static func labels(_ c: [String: Any], source: String) throws -> [String] {
        if let map = c["id2label"] as? [String: Any], !map.isEmpty {
            guard map.count <= maxLabels else {
                throw CheckpointError("\(source): id2label has \(map.count) labels (at most \(maxLabels))")
            }
            var names = [String?](repeating: nil, count: map.count)
            for (key, value) in map {
                guard let id = Int(key), id >= 0, id < map.count else {
                    throw CheckpointError(
                        "\(source): id2label key \"\(key.prefix(40))\" is not an id from 0 to \(map.count - 1)")
                }
                guard let name = value as? String else {
                    throw CheckpointError("\(source): id2label[\(id)] is not a string")
                }
                names[id] = name
            }
            return names.map { $0! }  // n distinct keys in 0..<n: every slot is filled
        }
        let n = c["num_labels"] as? Int ?? 2
        guard n >= 1, n <= maxLabels else {
            throw CheckpointError("\(source): num_labels = \(n) is out of range (1…\(maxLabels))")
        }
        return (0..<n).map { "LABEL_\($0)" }
    }

    /// A task from overlay metadata (`task`, `id2label` as JSON), for heads BertScope ships.
    public init?(metadata: [String: String]) throws {
        guard let task = metadata["task"] else { return nil }
        let kind: TaskKind
        switch task {
        case "sequence-classification": kind = .sequenceClassification
        case "token-classification": kind = .tokenClassification
        case "question-answering": kind = .questionAnswering
        default: throw CheckpointError("overlay task \"\(task)\" is not supported")
        }
        var c: [String: Any] = [:]
        if let json = metadata["id2label"], let map = try? JSONSerialization.jsonObject(with: Data(json.utf8)) {
            c["id2label"] = map
        }
        if let p = metadata["problem_type"] { c["problem_type"] = p }
        self.kind = kind
        labels = try Self.labels(c, source: "overlay metadata")
        problemType = ProblemType(rawValue: metadata["problem_type"] ?? "") ?? .singleLabel
        calmBelow = metadata["calm_below"].flatMap(Float.init).flatMap { (0.5..<1).contains($0) ? $0 : nil }
    }
}
