/// A matched token in its sentence: what a search prints and the corpus view lists.
public struct CorpusMatch: Sendable, Equatable, Codable {
    /// The token's row in the index (its point in a projection).
    public let row: Int
    /// The sentence's id (its row among all rows; for one plain-text file, its line from 0).
    public let sentence: Int
    /// The token's position as `tokenize` numbers it ([CLS] is 0).
    public let position: Int
    public let token: String
    public let cosine: Float
    public let file: String
    public let line: Int
    public let text: String
    public let pair: String?
    /// Which text the token is in (0 the first, 1 the pair) and its scalar span there.
    public let segment: Int
    public let start: Int, end: Int
    /// Gold tags (CoNLL-U) where the corpus had them, or silver ones from probes (`corpus index --silver`).
    public let tags: [String: String]
    /// "gold" or "silver" (nil: no tags).
    public let tagSource: String?
    public let label: String?

    public init(
        row: Int, sentence: Int, position: Int, token: String, cosine: Float, file: String, line: Int, text: String,
        pair: String?, segment: Int, start: Int, end: Int, tags: [String: String], label: String?,
        tagSource: String? = nil
    ) {
        self.row = row; self.sentence = sentence; self.position = position; self.token = token; self.cosine = cosine
        self.file = file; self.line = line; self.text = text; self.pair = pair; self.segment = segment
        self.start = start; self.end = end; self.tags = tags; self.label = label
        self.tagSource = tags.isEmpty ? nil : tagSource
    }
}

/// A corpus index as the session sees it (the Corpus module's `CorpusIndex`): what it holds,
/// and the tokens nearest to a vector.
public protocol CorpusSearching: AnyObject, Sendable {
    /// The index's directory name, for titles.
    var name: String { get }
    /// Stored layers (0 = the embedding output).
    var layers: [Int] { get }
    var rowCount: Int { get }
    var tokenCount: Int { get }
    /// The `top` tokens nearest by cosine to `query` at `layer`, best first.
    func search(_ query: [Float], layer: Int, top: Int) throws -> [CorpusMatch]
    /// The layer's token rows or sentences on their first two principal axes (computed once, then kept).
    func projection(layer: Int, unit: ProjectionUnit) throws -> CorpusProjection
    /// A tag of every token row (`upos`, …, or its sentence's `label`, `prediction`, `correct`),
    /// for colouring the projection (read once, then kept).
    func tagColumn(_ name: String) throws -> CorpusTagColumn
    /// The layer's projection binned by `tag` (computed once a layer, tag and unit, then kept).
    func scatterGrid(layer: Int, tag: String, unit: ProjectionUnit) throws -> ScatterGrid
    /// What can colour a projection of `unit`, in the order `o` cycles them.
    func colourings(unit: ProjectionUnit) throws -> [String]
    /// The token of one row in its sentence (cosine 0: no query).
    func match(row: Int) throws -> CorpusMatch
    /// The stored classifier's answers (nil when the index was built without `--classify`).
    func dataset() throws -> CorpusDataset?
    /// Layers (1…L) whose attention head contexts are stored (empty: built without `--contexts`).
    var contextLayers: [Int] { get }
    /// The `top` tokens nearest by the outputs of `heads` (from 0) of `layer`; `query` holds all heads' outputs.
    func search(_ query: [Float], heads: [Int], layer: Int, top: Int) throws -> [CorpusMatch]
}

/// The token tags an index keeps (gold from CoNLL-U).
public enum CorpusTags {
    public static let names = ["upos", "xpos", "head", "deprel", "ner"]
}

extension CorpusMatch {
    /// The text the token is in (the pair for segment 1).
    public var source: String { segment == 1 ? (pair ?? "") : text }

    /// The source split at the token's scalar span (clamped to the text): before, the token, after.
    public var sides: (left: String, token: String, right: String) {
        let scalars = Array(source.unicodeScalars)
        let lo = max(0, min(start, scalars.count)), hi = max(lo, min(end, scalars.count))
        func s(_ r: Range<Int>) -> String { String(String.UnicodeScalarView(scalars[r])) }
        return (s(0..<lo), s(lo..<hi), s(hi..<scalars.count))
    }

    /// The sentence around the token, the token in «», cut to about `width` characters.
    public func context(width: Int) -> String {
        guard start >= 0, start <= end, end <= source.unicodeScalars.count else { return source }
        let (left, token, right) = sides
        let side = max(8, (width - (end - start) - 2) / 2)
        let l = left.unicodeScalars, r = right.unicodeScalars
        return (l.count > side ? "…" : "") + String(String.UnicodeScalarView(l.suffix(side))) + "«" + token + "»"
            + String(String.UnicodeScalarView(r.prefix(side))) + (r.count > side ? "…" : "")
    }
}

extension CorpusTags {
    /// Per tag, how many of the matches carry each value.
    public static func histograms(_ matches: [CorpusMatch]) -> [String: [String: Int]] {
        var out: [String: [String: Int]] = [:]
        for m in matches { for (k, v) in m.tags where k != "head" { out[k, default: [:]][v, default: 0] += 1 } }
        return out
    }
}
