/// A matched token in its sentence: what a search prints and the corpus view lists.
public struct CorpusMatch: Sendable, Equatable, Codable {
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
    /// Gold tags (CoNLL-U) where the corpus had them.
    public let tags: [String: String]
    public let label: String?

    public init(
        sentence: Int, position: Int, token: String, cosine: Float, file: String, line: Int, text: String,
        pair: String?, segment: Int, start: Int, end: Int, tags: [String: String], label: String?
    ) {
        self.sentence = sentence; self.position = position; self.token = token; self.cosine = cosine
        self.file = file; self.line = line; self.text = text; self.pair = pair; self.segment = segment
        self.start = start; self.end = end; self.tags = tags; self.label = label
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
}

/// The token tags an index keeps (gold from CoNLL-U).
public enum CorpusTags {
    public static let names = ["upos", "xpos", "head", "deprel", "ner"]
}

extension CorpusMatch {
    /// The sentence around the token, the token in «», cut to about `width` characters.
    public func context(width: Int) -> String {
        let source = segment == 1 ? (pair ?? "") : text
        let scalars = Array(source.unicodeScalars)
        guard start >= 0, start <= end, end <= scalars.count else { return source }
        func s(_ r: Range<Int>) -> String { String(String.UnicodeScalarView(scalars[r])) }
        let side = max(8, (width - (end - start) - 2) / 2)
        let lo = max(0, start - side), hi = min(scalars.count, end + side)
        return (lo > 0 ? "…" : "") + s(lo..<start) + "«" + s(start..<end) + "»" + s(end..<hi)
            + (hi < scalars.count ? "…" : "")
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
