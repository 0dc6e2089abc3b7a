import Analysis
import Checkpoint
import Foundation
import Tokenizers

/// The facts `bertscope info` prints and the workbench's model overlay shows.
public struct ModelInfo: Sendable {
    public let name, family, tokenizer, dtype, directory: String
    public let parameters, layers, heads, hidden, vocab, fileBytes: Int
    public let headsPresent: [String]
    public let headNote: String?
    /// ALBERT: how many stored layers the applications share.
    public let sharedLayers: Int?
    /// The fine-tuned head's kind, labels and scoring (`info --json`'s "task").
    public let task: TaskConfig?
    public let taskNote: String?
    /// ModernBERT: which layers attend globally and which in a window, and the rotary bases.
    public let attention: String?
    /// A sentence-transformers model: how it pools a sentence.
    public let sentences: String?

    public init(_ m: LoadedModel) {
        let c = m.encoder.config, w = m.encoder.weights, store = m.encoder.store
        name = m.name
        family = c.modelType
        directory = m.directory.path
        tokenizer = m.tokenizer.summary
        dtype = store.dominantDType?.rawValue ?? "?"
        parameters = store.files.flatMap { $0.entries.values }.filter { $0.dtype.isLoadableAsFloat }.reduce(0) {
            $0 + $1.shape.reduce(1, *)
        }
        layers = c.numLayers
        heads = c.numHeads
        hidden = c.hiddenSize
        vocab = c.vocabSize
        fileBytes = store.totalBytes
        var present: [String] = []
        if w.maskedLM != nil {
            present.append("masked-LM")
        } else if m.hasMaskedLM {
            present.append("masked-LM (BertScope overlay)")
        }
        if w.nextSentence != nil { present.append(c.family == .albert ? "sentence-order" : "next-sentence") }
        if w.replacedToken != nil { present.append("replaced-token detection") }
        if w.pooler != nil { present.append("pooler") }
        if let t = w.task { present.append(TaskSummary.describe(t.task)) }
        headNote = m.headNote
        task = w.task?.task
        taskNote = m.taskNote
        if w.task == nil, m.hasTaskHead { present.append("sentiment (BertScope overlay)") }
        headsPresent = present
        sharedLayers = c.family == .albert ? c.storedLayers : nil
        attention = c.modern.map { m in
            func list(_ global: Bool) -> String {
                m.globalLayers.indices.filter { m.globalLayers[$0] == global }.map { String($0 + 1) }.joined(
                    separator: ", ")
            }
            return "global on layers \(list(true)) (rotary θ \(Int(m.globalTheta))); local on \(list(false)) "
                + "(|i − j| ≤ \(m.window), θ \(Int(m.localTheta))); pre-LayerNorm, GeGLU"
        }
        sentences = m.sentencePooling.map { $0.summary(limit: true) + " (sentence-transformers)" }
    }

    /// `bertscope info --json`.
    public var json: String {
        struct Task: Encodable { let kind: String, labels: [String], problemType: String }
        struct Record: Encodable {
            let name, family: String, parameters, layers, heads, hiddenSize, vocabSize: Int, tokenizer: String
            let headsPresent: [String], dtype: String, fileBytes: Int, directory: String
            let task: Task?
        }
        let r = Record(
            name: name, family: family, parameters: parameters, layers: layers, heads: heads, hiddenSize: hidden,
            vocabSize: vocab,
            tokenizer: tokenizer, headsPresent: headsPresent, dtype: dtype, fileBytes: fileBytes, directory: directory,
            task: task.map { Task(kind: $0.kind.rawValue, labels: $0.labels, problemType: $0.problemType.rawValue) })
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.keyEncodingStrategy = .convertToSnakeCase
        return (try? e.encode(r)).flatMap { String(data: $0, encoding: .utf8) } ?? "null"
    }

    public var table: String {
        let rows: [(String, String)] =
            [
                ("model", name), ("family", family), ("directory", directory),
                ("parameters", String(format: "%.1fM", Double(parameters) / 1e6)),
                (
                    "shape",
                    "\(layers) layers × \(heads) heads, hidden \(hidden), vocabulary \(vocab)"
                        + (sharedLayers.map { ", \($0) stored layer\($0 == 1 ? "" : "s") shared" } ?? "")
                ),
                ("tokenizer", tokenizer),
                ("heads", headsPresent.isEmpty ? "none (encoder only)" : headsPresent.joined(separator: ", ")),
                ("dtype", dtype), ("size", String(format: "%.1f MB", Double(fileBytes) / 1e6)),
            ]
        let notes: [(String, String)] = [
            ("attention", attention), ("sentences", sentences), ("note", headNote), ("task note", taskNote),
        ].compactMap { k, v in
            v.map { (k, $0) }
        }
        return (rows + notes).map { $0.0.padding(toLength: 11, withPad: " ", startingAt: 0) + $0.1 }.joined(
            separator: "\n")
    }
}
