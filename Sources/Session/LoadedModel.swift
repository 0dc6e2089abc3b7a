import Checkpoint
import Encoder
import Foundation
import Tokenizers

/// A model ready to use: its encoder, tokenizer and where it came from.
public struct LoadedModel: Sendable {
    public let directory: URL
    public let name: String
    public let encoder: BertEncoder
    public let tokenizer: Tokenizer
    /// The encoder masked-LM predictions run on: the checkpoint itself when
    /// it has a head, else the checkpoint with BertScope's overlay (retrained
    /// top layers + head), else nil. Attention and hidden states always come
    /// from `encoder`, the checkpoint exactly as published. The overlay is
    /// built on first use, so start-up does not pay for it.
    public var mlmEncoder: BertEncoder? { lazyMLM.value }
    /// Whether masked predictions are available (without building the overlay).
    public let hasMaskedLM: Bool
    private let lazyMLM: Lazy<BertEncoder?>
    /// Set when the MLM head comes from BertScope's overlay, not the checkpoint.
    public let headNote: String?
    /// The encoder `classify`, `answer` and `explain` run on: the checkpoint
    /// when it is fine-tuned, else BertScope's sentiment overlay for the
    /// default model (its own top layers + head), else nil. Built on first use.
    public var taskEncoder: BertEncoder? { lazyTask.value }
    public let hasTaskHead: Bool
    private let lazyTask: Lazy<BertEncoder?>
    /// Set when the task head comes from BertScope's overlay.
    public let taskNote: String?
    /// The encoder next-sentence prediction runs on: the checkpoint when it
    /// has the head (BertForPreTraining, ALBERT), else BertScope's NSP overlay
    /// for the default model (its own top layers + pooler + head), else nil.
    public var nextSentenceEncoder: BertEncoder? { lazyNextSentence.value }
    public let hasNextSentenceHead: Bool
    private let lazyNextSentence: Lazy<BertEncoder?>
    /// Set when the next-sentence head comes from BertScope's overlay.
    public let nextSentenceNote: String?
    /// The layers each overlay head retrained (0-based): the views can show them (`ShownLayers`).
    public let retrained: [ShownLayers: [Int]]
    /// How its sentence-transformers files pool a sentence (nil: the folder has none).
    public let sentencePooling: SentencePooling?
    /// The overlay files those layers come from (their probes are keyed by them).
    public let overlayFiles: [ShownLayers: URL]

    public init(
        directory: URL, encoder: BertEncoder, tokenizer: Tokenizer, mlmEncoder: (@Sendable () -> BertEncoder?)? = nil,
        headNote: String? = nil, taskEncoder: (@Sendable () -> BertEncoder?)? = nil, taskNote: String? = nil,
        nextSentenceEncoder: (@Sendable () -> BertEncoder?)? = nil, nextSentenceNote: String? = nil,
        retrained: [ShownLayers: [Int]] = [:], overlayFiles: [ShownLayers: URL] = [:]
    ) {
        self.directory = directory
        self.encoder = encoder
        self.tokenizer = tokenizer
        self.name = LoadedModel.displayName(directory)
        self.hasMaskedLM = encoder.hasMaskedLMHead || mlmEncoder != nil
        self.lazyMLM = Lazy(encoder.hasMaskedLMHead ? { encoder } : (mlmEncoder ?? { nil }))
        self.headNote = headNote
        let ownTask = encoder.taskHead != nil
        self.hasTaskHead = ownTask || taskEncoder != nil
        self.lazyTask = Lazy(ownTask ? { encoder } : (taskEncoder ?? { nil }))
        self.taskNote = ownTask ? nil : taskNote
        let ownNSP = encoder.hasNextSentenceHead
        self.hasNextSentenceHead = ownNSP || nextSentenceEncoder != nil
        self.lazyNextSentence = Lazy(ownNSP ? { encoder } : (nextSentenceEncoder ?? { nil }))
        self.nextSentenceNote = ownNSP ? nil : nextSentenceNote
        self.sentencePooling = (try? SentencePooling(directory: directory)).flatMap { $0.fromConfig ? $0 : nil }
        // A head the checkpoint has itself runs on the published layers.
        let own: (ShownLayers) -> Bool = { kind in
            switch kind {
            case .published: true
            case .maskedLM: encoder.hasMaskedLMHead || mlmEncoder == nil
            case .task: ownTask || taskEncoder == nil
            case .nextSentence: ownNSP || nextSentenceEncoder == nil
            }
        }
        self.retrained = retrained.filter { !own($0.key) }
        self.overlayFiles = overlayFiles.filter { !own($0.key) }
    }

    /// Resolves `spec` like `--model` does and loads weights and tokenizer.
    /// Only the tokenizer of a model directory or hub id (the tokenizer arena needs no weights).
    public static func tokenizer(_ spec: String, locator: ModelLocator = ModelLocator()) throws -> Tokenizer {
        try Tokenizer.load(directory: try locator.resolve(spec))
    }

    /// A model without an MLM head gets `mlmOverlay` (BertScope's trained
    /// head for all-MiniLM-L6-v2) when the overlay names it as its base;
    /// a checkpoint with its own head always keeps it.
    public static func load(
        _ spec: String?, locator: ModelLocator = ModelLocator(), mlmOverlay: URL? = nil, taskOverlay: URL? = nil,
        nextSentenceOverlay: URL? = nil
    ) throws -> LoadedModel {
        let dir = try locator.resolve(spec)
        let tokenizer = try Tokenizer.load(directory: dir)
        let config = try ModelConfig(contentsOf: dir.appendingPathComponent("config.json"))
        let store = try WeightStore(directory: dir)
        let encoder = try BertEncoder(config: config, store: store)
        /// The encoder with an overlay's tensors over the checkpoint's, built on first use.
        func layered(_ file: SafeTensorsFile, _ config: ModelConfig) -> @Sendable () -> BertEncoder? {
            let files = store.files + [file]
            return { try? BertEncoder(config: config, store: WeightStore(files: files)) }
        }
        var retrained: [ShownLayers: [Int]] = [:], files: [ShownLayers: URL] = [:]
        var mlm: (@Sendable () -> BertEncoder?)? = nil
        var note: String? = nil
        if !encoder.hasMaskedLMHead, let file = try overlay(mlmOverlay, for: dir) {
            mlm = layered(file, config)
            retrained[.maskedLM] = overlayLayers(file)
            files[.maskedLM] = mlmOverlay
            note = Self.note(
                "BertScope head", file, figure: ("cloze_top5", "cloze top-5"), trainedOn: "public-domain text")
        }
        var task: (@Sendable () -> BertEncoder?)? = nil
        var taskNote: String? = nil
        if encoder.taskHead == nil, let file = try overlay(taskOverlay, for: dir) {
            var taskConfig = config
            taskConfig.task = try TaskConfig(metadata: file.metadata)
            task = layered(file, taskConfig)
            retrained[.task] = overlayLayers(file)
            files[.task] = taskOverlay
            taskNote = Self.note(
                "BertScope sentiment head", file, figure: ("heldout_accuracy", "held-out"), trainedOn: "silver labels")
        }
        var nsp: (@Sendable () -> BertEncoder?)? = nil
        var nspNote: String? = nil
        if !encoder.hasNextSentenceHead, let file = try overlay(nextSentenceOverlay, for: dir) {
            nsp = layered(file, config)
            retrained[.nextSentence] = overlayLayers(file)
            files[.nextSentence] = nextSentenceOverlay
            nspNote = Self.note(
                "BertScope next-sentence head", file, figure: ("heldout_accuracy", "held-out"),
                trainedOn: "public-domain text")
        }
        return LoadedModel(
            directory: dir, encoder: encoder, tokenizer: tokenizer, mlmEncoder: mlm, headNote: note,
            taskEncoder: task, taskNote: taskNote, nextSentenceEncoder: nsp, nextSentenceNote: nspNote,
            retrained: retrained, overlayFiles: files)
    }

    /// "BertScope head on layers 3–6 · cloze top-5 53% · public-domain text":
    /// whose layers answer and how well first, since a title is cut from the right.
    private static func note(
        _ head: String, _ file: SafeTensorsFile, figure: (key: String, name: String), trainedOn: String
    ) -> String {
        let value = file.metadata[figure.key].flatMap(Double.init).map {
            " · \(figure.name) \(Int(($0 * 100).rounded()))%"
        }
        return "\(head) on \(spanText(overlayLayers(file)))" + (value ?? "") + " · " + trainedOn
    }

    /// A BertScope overlay file when it exists and names this model as its base.
    private static func overlay(_ url: URL?, for dir: URL) throws -> SafeTensorsFile? {
        guard let url, FileManager.default.fileExists(atPath: url.path) else { return nil }
        let file = try SafeTensorsFile(path: url.path)
        let matches =
            displayName(dir) == "all-MiniLM-L6-v2"
            || file.metadata["base_model"].map { dir.path.contains($0.replacingOccurrences(of: "/", with: "--")) }
                == true
        return matches ? file : nil
    }

    /// How tours and `:save` name this model: the default model by its name
    /// (any machine's copy answers to it), any other by its folder.
    public var reference: String { ModelLocator.isDefaultModel(directory) ? ModelLocator.defaultName : directory.path }

    /// Whether `spec` (a tour's or saved state's model) names this model: loading it again would change nothing.
    public func isNamed(by spec: String) -> Bool {
        if ModelLocator.isDefaultModel(directory), spec.caseInsensitiveCompare(reference) == .orderedSame {
            return true
        }
        return URL(fileURLWithPath: spec).standardized.path == directory.standardized.path
    }

    /// `all-MiniLM-L6-v2` for the default package, `org/name` for cache snapshots, else the folder name.
    static func displayName(_ dir: URL) -> String {
        let parts = dir.pathComponents
        if ModelLocator.isDefaultModel(dir) { return ModelLocator.defaultName }
        if let i = parts.lastIndex(of: "snapshots"), i > 0, parts[i - 1].hasPrefix("models--") {
            return parts[i - 1].dropFirst("models--".count).replacingOccurrences(of: "--", with: "/")
        }
        return dir.lastPathComponent
    }
}

/// A value computed once, on first use, from any thread.
final class Lazy<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var made: T?
    private var done = false
    private let make: () -> T

    init(_ make: @escaping () -> T) { self.make = make }

    var value: T {
        lock.withLock {
            if !done { made = make(); done = true }
            return made!
        }
    }
}
