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
    /// The layer's rows on their first two principal axes (computed once a layer, then kept).
    func projection(layer: Int) throws -> CorpusProjection
    /// A tag of every token row (`upos`, …), for colouring the projection (read once, then kept).
    func tagColumn(_ name: String) throws -> CorpusTagColumn
    /// The layer's projection binned by `tag` (computed once a layer and tag, then kept).
    func scatterGrid(layer: Int, tag: String) throws -> ScatterGrid
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

/// A layer's token vectors on their first two principal axes (PCA of every stored row).
public struct CorpusProjection: Sendable {
    public let layer: Int
    /// The two unit axes (2 × d, row-major) and the mean (d) subtracted first.
    public let axes: [Float], mean: [Float]
    /// Each token row's point, x and y interleaved (2 × rows).
    public let points: [Float]
    /// The share of the total variance along each axis.
    public let explained: [Float]

    public init(layer: Int, axes: [Float], mean: [Float], points: [Float], explained: [Float]) {
        self.layer = layer; self.axes = axes; self.mean = mean; self.points = points; self.explained = explained
    }

    public var count: Int { points.count / 2 }

    /// Where a vector of the same layer lands (the typed token's own point).
    public func project(_ v: [Float]) -> (x: Float, y: Float) {
        let d = mean.count
        guard v.count == d, axes.count == 2 * d else { return (0, 0) }
        var x: Float = 0, y: Float = 0
        for i in 0..<d {
            let c = v[i] - mean[i]
            x += c * axes[i]
            y += c * axes[d + i]
        }
        return (x, y)
    }
}

/// One tag per token row as a small code (0: none) and the codes' names, most frequent first.
public struct CorpusTagColumn: Sendable, Equatable {
    public let name: String
    public let values: [String]
    public let codes: [UInt16]
    public init(name: String, values: [String], codes: [UInt16]) {
        self.name = name; self.values = values; self.codes = codes
    }
}

/// One labelled row as the stored classifier answered it (the dataset table's row).
public struct DatasetRow: Sendable, Equatable, Codable {
    public let sentence: Int
    public let text: String, pair: String?
    public let gold: String?, predicted: String
    public let probability: Float, loss: Float?
    /// The row's token count (special tokens left out).
    public let tokens: Int
    public var correct: Bool? { gold.map { $0 == predicted } }

    public init(
        sentence: Int, text: String, pair: String?, gold: String?, predicted: String, probability: Float, loss: Float?,
        tokens: Int
    ) {
        self.sentence = sentence; self.text = text; self.pair = pair; self.gold = gold; self.predicted = predicted
        self.probability = probability; self.loss = loss; self.tokens = tokens
    }
}

/// A token (piece) that pushed the classifier toward a class over the corpus: its grad × input
/// summed over the rows answered with that class, and how many times it occurred in them.
public struct TokenPush: Sendable, Equatable, Codable {
    public let token: String
    public let total: Float
    public let count: Int
    public init(token: String, total: Float, count: Int) { self.token = token; self.total = total; self.count = count }
}

/// The stored classifier's answers over a corpus: its name, classes, every answered row,
/// and per class the tokens that pushed toward it most.
public struct CorpusDataset: Sendable, Equatable {
    public let classifier: String
    public let classes: [String]
    public let rows: [DatasetRow]
    /// Per class (in `classes` order), the strongest pushes first.
    public let pushes: [[TokenPush]]
    public init(classifier: String, classes: [String], rows: [DatasetRow], pushes: [[TokenPush]] = []) {
        self.classifier = classifier; self.classes = classes; self.rows = rows; self.pushes = pushes
    }
}

/// A projection binned once into a fixed grid of pixels, with each pixel's count of points
/// per tag code (code 0 untagged, codes above `slots − 2` together as "other"): what a
/// frame draws from, whatever the corpus's size.
public struct ScatterGrid: Sendable, Equatable {
    public static let width = 320, height = 192, slots = 9
    /// Pixel (x, y), y downwards, tag slot k: counts[(y · width + x) · slots + k].
    public let counts: [UInt32]
    /// The data box the grid spans: x min, x max, y min, y max.
    public let bounds: [Float]
    public let tags: [String]
    public let tagName: String

    public init(counts: [UInt32], bounds: [Float], tags: [String], tagName: String) {
        self.counts = counts; self.bounds = bounds; self.tags = tags; self.tagName = tagName
    }

    /// Bins `points` (x, y interleaved) coloured by `codes` (one per point, 0 untagged).
    public init(points: [Float], codes: [UInt16], tags: [String], tagName: String) {
        let b = Self.bounds(points)
        var counts = [UInt32](repeating: 0, count: Self.width * Self.height * Self.slots)
        for r in 0..<(points.count / 2) {
            guard let (x, y) = Self.pixel(points[2 * r], points[2 * r + 1], bounds: b) else { continue }
            let code = r < codes.count ? min(Int(codes[r]), Self.slots - 1) : 0
            counts[(y * Self.width + x) * Self.slots + code] += 1
        }
        self.init(counts: counts, bounds: b, tags: tags, tagName: tagName)
    }

    /// The smallest box around the finite points (a degenerate axis widened a little).
    public static func bounds(_ p: [Float]) -> [Float] {
        var b: [Float] = [.infinity, -.infinity, .infinity, -.infinity]
        for i in Swift.stride(from: 0, to: p.count - 1, by: 2) where p[i].isFinite && p[i + 1].isFinite {
            b[0] = min(b[0], p[i]); b[1] = max(b[1], p[i]); b[2] = min(b[2], p[i + 1]); b[3] = max(b[3], p[i + 1])
        }
        guard b[0] <= b[1], b[2] <= b[3] else { return [-1, 1, -1, 1] }
        if b[1] - b[0] < 1e-6 { b[0] -= 1; b[1] += 1 }
        if b[3] - b[2] < 1e-6 { b[2] -= 1; b[3] += 1 }
        return b
    }

    /// A data point's place as fractions of the box (x right, y down), nil outside it.
    public static func fraction(_ x: Float, _ y: Float, bounds b: [Float]) -> (Double, Double)? {
        guard b.count == 4, x.isFinite, y.isFinite else { return nil }
        let fx = Double((x - b[0]) / (b[1] - b[0])), fy = Double((b[3] - y) / (b[3] - b[2]))
        guard (0...1).contains(fx), (0...1).contains(fy) else { return nil }
        return (fx, fy)
    }

    static func pixel(_ x: Float, _ y: Float, bounds b: [Float]) -> (Int, Int)? {
        fraction(x, y, bounds: b).map {
            (min(width - 1, Int($0.0 * Double(width))), min(height - 1, Int($0.1 * Double(height))))
        }
    }

    /// The row whose point is nearest a place given as fractions of the box (x right, y down).
    public static func nearest(_ p: [Float], bounds b: [Float], fraction f: (Double, Double)) -> Int? {
        guard p.count >= 2, b.count == 4 else { return nil }
        let cx = b[0] + Float(f.0) * (b[1] - b[0]), cy = b[3] - Float(f.1) * (b[3] - b[2])
        let sx = 1 / (b[1] - b[0]), sy = 1 / (b[3] - b[2])
        var best: Int?, bestDistance = Float.infinity
        for r in 0..<(p.count / 2) {
            let dx = (p[2 * r] - cx) * sx, dy = (p[2 * r + 1] - cy) * sy
            let dd = dx * dx + dy * dy
            if dd < bestDistance { bestDistance = dd; best = r }
        }
        return best
    }
}
