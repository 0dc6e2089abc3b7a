import CorpusText
import Encoder

extension AnalysisKind {
    /// The corpus layer's PCA picture (asked for with a `CorpusProjectionRequest`).
    public static let corpusProjection = AnalysisKind("corpusProjection")
}

/// Which layer to project (its tokens or its sentences), what colours the points (nil: the
/// first the index offers), the token whose point is marked, and the cursor (fractions of the
/// plot, x right, y down) whose token or sentence is looked up.
public struct CorpusProjectionRequest: Hashable, Sendable {
    public var layer: Int, tag: String?, position: Int
    public var cursorX: Double, cursorY: Double
    public var unit: ProjectionUnit
    public init(
        layer: Int, tag: String?, position: Int, cursorX: Double, cursorY: Double, unit: ProjectionUnit = .tokens
    ) {
        self.layer = layer; self.tag = tag; self.position = position; self.cursorX = cursorX; self.cursorY = cursorY
        self.unit = unit
    }
}

/// Everything a frame of the projector draws, made off the key path: the binned picture,
/// the typed token's and its neighbours' places, and the corpus token nearest the cursor.
public struct CorpusProjectionOutcome: AnalysisOutcome {
    public var request: CorpusProjectionRequest
    public var grid: ScatterGrid?
    public var explained: [Float] = []
    /// Places as fractions of the plot (x right, y down).
    public var query: [Double]?
    public var neighbours: [[Double]] = []
    public var underCursor: CorpusMatch?
    /// What can colour this unit's points (`o` cycles them), and the one used.
    public var colourings: [String] = []
    public var colouring: String?
    public var error: String?
    /// The grid is the index's own (kept there once a layer and tag), counted here too.
    public var approximateBytes: Int { 512 + (grid?.counts.count ?? 0) * 4 }
}

extension SessionAnalysis {
    /// The first time for a layer, a pass over all its vectors (seconds at 300,000 tokens); then
    /// a scan of the points for the cursor and one database read.
    static let corpusProjection = SessionAnalysis(
        kind: .corpusProjection,
        wanted: { s, r in s.corpus != nil && r.awaits(.corpusProjection) },
        run: { s, r, ctx in
            guard let ask = r.input.request(.corpusProjection, as: CorpusProjectionRequest.self), let index = s.corpus
            else { return true }
            var out = CorpusProjectionOutcome(request: ask)
            do {
                try project(&out, ask, r, index)
            } catch {
                out.error = "\(error)"
            }
            if ctx.isCancelled() { return false }
            r.outcomes[.corpusProjection] = out
            return true
        })

    private static func project(
        _ out: inout CorpusProjectionOutcome, _ ask: CorpusProjectionRequest, _ r: EncodeResult,
        _ index: any CorpusSearching
    ) throws {
        guard index.layers.contains(ask.layer) else {
            out.error = "layer \(ask.layer) is not in the index"
            return
        }
        out.colourings = try index.colourings(unit: ask.unit)
        // Nothing to colour by: no codes at all (never a token tag standing in for a sentence's).
        let tag = ask.tag.flatMap { out.colourings.contains($0) ? $0 : nil } ?? out.colourings.first ?? ""
        out.colouring = out.colourings.isEmpty ? nil : tag
        let p = try index.projection(layer: ask.layer, unit: ask.unit)
        let grid = try index.scatterGrid(layer: ask.layer, tag: tag, unit: ask.unit)
        out.grid = grid
        out.explained = p.explained
        func place(_ x: Float, _ y: Float) -> [Double]? {
            ScatterGrid.fraction(x, y, bounds: grid.bounds).map { [$0.0, $0.1] }
        }
        if let q = queryVector(ask, r, index) {
            let xy = p.project(q)
            out.query = place(xy.x, xy.y)
        }
        if ask.unit == .tokens, let found = r.corpusSearch, found.request.layer == ask.layer,
            found.request.position == ask.position, found.request.head == nil
        {
            out.neighbours = found.matches.compactMap { m in
                2 * m.row + 1 < p.points.count ? place(p.points[2 * m.row], p.points[2 * m.row + 1]) : nil
            }
        }
        if let k = ScatterGrid.nearest(p.points, bounds: grid.bounds, fraction: (ask.cursorX, ask.cursorY)),
            let row = p.row(ofPoint: k)
        {
            out.underCursor = try index.match(row: row)
        }
    }

    /// The typed input's point: the selected token's hidden state, or (sentences) the mean of
    /// its typed tokens' at the layer, as a corpus sentence's point is made.
    private static func queryVector(_ ask: CorpusProjectionRequest, _ r: EncodeResult, _ index: any CorpusSearching)
        -> [Float]?
    {
        guard let t = r.trace else { return nil }
        switch ask.unit {
        case .tokens:
            let search = CorpusSearchRequest(position: ask.position, layer: ask.layer, top: 1)
            guard corpusQueryProblem(search, r, index) == nil else { return nil }
            return Array(t.hiddenState(layer: ask.layer, token: ask.position))
        case .sentences:
            let typed = r.encoding.typedPositions.filter { $0 < t.tokens }
            guard r.input.layers == .published, ask.layer <= t.layers, !typed.isEmpty else { return nil }
            var sum = [Float](repeating: 0, count: t.hidden)
            for p in typed { for (i, x) in t.hiddenState(layer: ask.layer, token: p).enumerated() { sum[i] += x } }
            return sum.map { $0 / Float(typed.count) }
        }
    }
}

extension EncodeResult {
    public var corpusProjection: CorpusProjectionOutcome? { outcomes[.corpusProjection] as? CorpusProjectionOutcome }
}
