import Foundation

/// What an index was built from and with: a search on another model, other
/// layers or changed input files is refused as stale, not answered wrongly.
public struct IndexMeta: Sendable, Equatable, Codable {
    /// 2: classifier answers (the predictions table, token attributions), segments by sequence.
    /// 3: head contexts, silver tags (sentences.tags), vector files sealed to the database.
    public static let formatVersion = 3

    public var format = IndexMeta.formatVersion
    /// The model's display name and its key (config, weights and tokenizer files hashed).
    public var model: String
    public var modelKey: String
    /// Stored layers (0 = the embedding output, as `dump`), the hidden width.
    public var layers: [Int]
    public var width: Int
    public var maxTokens: Int
    /// Input files (names and content hashes) and the rows they hold in all.
    public var inputs: [InputFile]
    public var totalRows: Int
    /// This file's part: rows [rowStart, rowEnd) of all; shard K of N (1-based) or 1/1.
    public var shard: Int, shards: Int
    public var rowStart: Int, rowEnd: Int
    /// The sequence classifier whose answers are stored (its note and labels), if any.
    public var classifier: String?
    public var classes: [String]?
    /// Layers (1…L) whose attention head contexts are stored too, and the model's heads per layer.
    public var contextLayers: [Int]?
    public var heads: Int?
    /// Tags given by probes to rows without gold ones: task → "layer 4 probe, 95.1% on its test set".
    public var silver: [String: String]?

    /// Every vector file of the index: hidden states, then head contexts.
    public var stored: [StoredMatrix] {
        layers.map(StoredMatrix.hidden) + (contextLayers ?? []).map(StoredMatrix.context)
    }

    public struct InputFile: Sendable, Equatable, Codable {
        public var name: String, hash: String, format: String, rows: Int
        /// The columns read (`text=review,…`): another choice reads other rows from the same file.
        public var columns: String?
        public init(name: String, hash: String, format: String, rows: Int, columns: String? = nil) {
            self.name = name; self.hash = hash; self.format = format; self.rows = rows; self.columns = columns
        }
    }

    public init(
        model: String, modelKey: String, layers: [Int], width: Int, maxTokens: Int, inputs: [InputFile],
        totalRows: Int, shard: Int = 1, shards: Int = 1
    ) {
        self.model = model; self.modelKey = modelKey; self.layers = layers; self.width = width
        self.maxTokens = maxTokens; self.inputs = inputs; self.totalRows = totalRows
        self.shard = shard; self.shards = shards
        let range = IndexMeta.rows(shard: shard, of: shards, total: totalRows)
        rowStart = range.lowerBound; rowEnd = range.upperBound
    }

    /// Shard K of N (1-based) holds a contiguous run of rows, the runs in order.
    public static func rows(shard k: Int, of n: Int, total: Int) -> Range<Int> {
        guard n > 0, (1...n).contains(k), total >= 0 else { return 0..<0 }
        return (total * (k - 1) / n)..<(total * k / n)
    }

    /// Whether two indexes' rows come from the same build (same model, layers and inputs).
    public func sameBuild(as other: IndexMeta) -> Bool {
        modelKey == other.modelKey && layers == other.layers && width == other.width && inputs == other.inputs
            && totalRows == other.totalRows && maxTokens == other.maxTokens && classifier == other.classifier
            && classes == other.classes && contextLayers == other.contextLayers && heads == other.heads
            && silver == other.silver
    }

    /// The first way `other` differs, said for a refusal.
    public func difference(from other: IndexMeta) -> String? {
        if format != other.format { return "of format \(other.format) (this bertscope writes \(format))" }
        if modelKey != other.modelKey { return "built with \(other.model) (key \(other.modelKey)), not \(model)" }
        if layers != other.layers {
            return
                "layers \(other.layers.map(String.init).joined(separator: ",")), not \(layers.map(String.init).joined(separator: ","))"
        }
        if inputs != other.inputs { return "built from other input files (or they changed since)" }
        if contextLayers != other.contextLayers || heads != other.heads {
            let l = other.contextLayers.map { $0.map(String.init).joined(separator: ",") }
            return l.map { "storing head contexts of layers \($0)" } ?? "storing no head contexts"
        }
        if classifier != other.classifier || classes != other.classes {
            return "built \(other.classifier.map { "with the classifier \($0)" } ?? "without a classifier")"
        }
        if silver != other.silver {
            return other.silver.map { "with silver \($0.keys.sorted().joined(separator: ", ")) tags" }
                ?? "without silver tags"
        }
        if maxTokens != other.maxTokens || width != other.width || totalRows != other.totalRows {
            return "built with other settings"
        }
        return nil
    }
}
