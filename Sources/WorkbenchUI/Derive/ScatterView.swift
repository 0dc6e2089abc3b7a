import CorpusText
import Session
import TextCells

/// The projector: every corpus token of one layer on its two principal axes,
/// coloured by a tag, with the typed token's point, its neighbours and a cursor.
public struct ScatterView: Equatable, Sendable {
    /// x, y interleaved; the plot spans `bounds` (x min, x max, y min, y max).
    public var points: [Float]
    public var bounds: [Float]
    /// Each point's tag code (0: none) and the codes' names, most frequent first.
    public var codes: [UInt16], tags: [String], tagName: String
    /// The share of the variance along each axis.
    public var explained: [Float]
    /// The typed token's point, and the rows of its nearest corpus tokens.
    public var query: [Float]?
    public var neighbours: [Int]
    /// The cursor (fractions of the plot) and the corpus token nearest it, in its sentence.
    public var cursor: [Double]
    public var underCursor: CorpusView.Match?

    public init(
        points: [Float], bounds: [Float], codes: [UInt16], tags: [String], tagName: String, explained: [Float],
        query: [Float]?, neighbours: [Int], cursor: [Double], underCursor: CorpusView.Match?
    ) {
        self.points = points; self.bounds = bounds; self.codes = codes; self.tags = tags; self.tagName = tagName
        self.explained = explained; self.query = query; self.neighbours = neighbours; self.cursor = cursor
        self.underCursor = underCursor
    }

    /// The smallest box around the points (a degenerate axis widened a little).
    static func bounds(_ p: [Float]) -> [Float] {
        var b: [Float] = [.infinity, -.infinity, .infinity, -.infinity]
        for i in Swift.stride(from: 0, to: p.count - 1, by: 2) {
            b[0] = min(b[0], p[i]); b[1] = max(b[1], p[i]); b[2] = min(b[2], p[i + 1]); b[3] = max(b[3], p[i + 1])
        }
        guard b[0] <= b[1], b[2] <= b[3] else { return [-1, 1, -1, 1] }
        if b[1] - b[0] < 1e-6 { b[0] -= 1; b[1] += 1 }
        if b[3] - b[2] < 1e-6 { b[2] -= 1; b[3] += 1 }
        return b
    }

    /// The row whose point is nearest the cursor (screen y grows downwards, data y upwards).
    static func nearest(_ p: [Float], bounds b: [Float], cursor: [Double]) -> Int? {
        guard p.count >= 2, cursor.count == 2 else { return nil }
        let cx = b[0] + Float(cursor[0]) * (b[1] - b[0]), cy = b[3] - Float(cursor[1]) * (b[3] - b[2])
        let sx = 1 / (b[1] - b[0]), sy = 1 / (b[3] - b[2])
        var best = 0, bestDistance = Float.infinity
        for r in 0..<(p.count / 2) {
            let dx = (p[2 * r] - cx) * sx, dy = (p[2 * r + 1] - cy) * sy
            let dd = dx * dx + dy * dy
            if dd < bestDistance { bestDistance = dd; best = r }
        }
        return best
    }
}
