import CorpusText
import Session
import TextCells

/// The probing pane's corpus view: the selected token's nearest tokens in the
/// `--corpus` index at one of its layers, each in its sentence.
public struct CorpusView: Equatable, Sendable {
    public struct Match: Equatable, Sendable {
        public var cosine: Float
        /// The sentence around the token, split at it: left, token, right (visible text).
        public var left: String, token: String, right: String
        public var sentence: Int, position: Int
        /// The token's gold part of speech, when the corpus had tags.
        public var tag: String?
        public init(
            cosine: Float, left: String, token: String, right: String, sentence: Int, position: Int, tag: String?
        ) {
            self.cosine = cosine; self.left = left; self.token = token; self.right = right
            self.sentence = sentence; self.position = position; self.tag = tag
        }
    }

    public enum Status: Equatable, Sendable {
        /// No index was given (`--corpus DIR`).
        case noIndex
        case searching
        case problem(String)
        case ready
    }

    /// "austen-index · 500 rows · 12,345 tokens"; nil without an index.
    public var index: String?
    /// The index's stored layers and the one searched.
    public var layers: [Int], layer: Int
    /// The query token as typed and its position.
    public var query: String, position: Int
    /// Matching by this head's output (from 0) at the layer, not the hidden state.
    public var head: Int?
    public var matches: [Match]
    public var selected: Int
    /// Part-of-speech counts of the matches, most first; `silverTags` when probes gave some of them.
    public var tags: [(String, Int)]
    public var silverTags = false
    /// The matches' dependency relations and entity labels, counted the same way (when tagged).
    public var moreTags: [(name: String, counts: [(String, Int)])] = []
    public var milliseconds: Double?
    public var status: Status
    /// The projector, when it is open (`p`) and computed; `projecting` while it is asked.
    public var scatter: ScatterView?
    public var projecting = false
    /// The dataset table, when it is open (`d`) and read; `readingDataset` while it is asked.
    public var dataset: DatasetView?
    public var readingDataset = false

    public init(
        index: String?, layers: [Int], layer: Int, query: String, position: Int, matches: [Match] = [],
        selected: Int = 0, tags: [(String, Int)] = [], milliseconds: Double? = nil, status: Status
    ) {
        self.index = index; self.layers = layers; self.layer = layer; self.query = query; self.position = position
        self.matches = matches; self.selected = selected; self.tags = tags; self.milliseconds = milliseconds
        self.status = status
    }

    public static func == (a: CorpusView, b: CorpusView) -> Bool {
        a.index == b.index && a.layers == b.layers && a.layer == b.layer && a.query == b.query && a.head == b.head
            && a.position == b.position && a.matches == b.matches && a.selected == b.selected
            && a.tags.map(\.0) == b.tags.map(\.0) && a.tags.map(\.1) == b.tags.map(\.1) && a.silverTags == b.silverTags
            && a.moreTags.map(\.name) == b.moreTags.map(\.name)
            && a.moreTags.map { $0.counts.map(\.0) } == b.moreTags.map { $0.counts.map(\.0) }
            && a.moreTags.map { $0.counts.map(\.1) } == b.moreTags.map { $0.counts.map(\.1) }
            && a.milliseconds == b.milliseconds && a.status == b.status && a.scatter == b.scatter
            && a.projecting == b.projecting
            && a.dataset == b.dataset && a.readingDataset == b.readingDataset
    }
}

extension CorpusView {
    /// From the result's search (nil outcome: still searching) for the state's token and layer.
    init(
        _ r: EncodeResult, _ s: ProbingState, selected position: Int, index: (any CorpusSearching)?,
        query: String, dataset: DatasetView? = nil
    ) {
        let steps = index.map { s.corpusSteps(layers: $0.layers, headLayers: $0.contextLayers) } ?? []
        guard let index, let level = s.corpusLevel(in: steps) else {
            self.init(index: nil, layers: [], layer: 0, query: query, position: position, status: .noIndex)
            return
        }
        let summary = "\(index.name) · \(grouped(index.rowCount)) rows · \(grouped(index.tokenCount)) tokens"
        self.init(index: summary, layers: steps, layer: level, query: query, position: position, status: .searching)
        head = s.corpusHead
        if s.dataset {
            readingDataset = true
            if let e = r.corpusDataset?.error { status = .problem(e); return }
            self.dataset = dataset
            if dataset != nil { status = .ready }
            return
        }
        if s.corpusProjection {
            projecting = true
            projector(r, s, index: index)
            return
        }
        guard let out = r.corpusSearch, out.request.layer == level, out.request.position == position,
            out.request.head == s.corpusHead
        else { return }
        if let e = out.error { status = .problem(e); return }
        matches = out.matches.map { Self.match($0) }
        selected = max(0, min(matches.count - 1, s.corpusMatch))
        tags = Self.counts(out.matches, "upos")
        moreTags = ["deprel", "ner"].map { ($0, Self.counts(out.matches, $0)) }.filter { !$0.1.isEmpty }
        silverTags = out.matches.contains { $0.tagSource == "silver" }
        milliseconds = out.milliseconds
        status = .ready
    }

    /// The projector's picture, as the session made it for this layer, token and cursor.
    private mutating func projector(_ r: EncodeResult, _ s: ProbingState, index: any CorpusSearching) {
        guard let out = r.corpusProjection, out.request.layer == layer, out.request.position == position,
            out.request.unit == (s.projectorSentences ? .sentences : .tokens), out.request.tag == s.projectorColour
        else { return }
        if let e = out.error { status = .problem(e); return }
        guard let grid = out.grid else { return }
        scatter = ScatterView(
            grid: grid, explained: out.explained, query: out.query, neighbours: out.neighbours,
            cursor: [s.plotX, s.plotY], underCursor: out.underCursor.map { Self.match($0, tag: out.colouring) })
        scatter?.sentences = out.request.unit == .sentences
        scatter?.colouring = out.colouring
        status = .ready
    }

    /// How often each value of tag `name` occurs among the matches, most first.
    static func counts(_ matches: [CorpusMatch], _ name: String) -> [(String, Int)] {
        var counts: [String: Int] = [:]
        for m in matches { if let t = m.tags[name] { counts[t, default: 0] += 1 } }
        return counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { ($0.key, $0.value) }
    }

    /// `tag`: the token tag shown beside it (the projector's colouring when it is one; else UPOS).
    static func match(_ m: CorpusMatch, tag: String? = nil) -> Match {
        let (left, token, right) = m.sides
        let shown = tag.flatMap { m.tags[$0] } ?? (tag == "label" ? m.label : nil) ?? m.tags["upos"]
        return Match(
            cosine: m.cosine, left: visibleText(left), token: visibleText(token), right: visibleText(right),
            sentence: m.sentence, position: m.position, tag: shown)
    }
}
