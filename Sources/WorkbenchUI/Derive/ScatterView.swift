import CorpusText

/// The projector: every corpus token of one layer on its two principal axes, binned
/// into a fixed grid coloured by a tag, with the typed token's place, its neighbours'
/// and a cursor (all as fractions of the plot, x right, y down).
public struct ScatterView: Equatable, Sendable {
    public var grid: ScatterGrid
    /// The share of the variance along each axis.
    public var explained: [Float]
    public var query: [Double]?
    public var neighbours: [[Double]]
    public var cursor: [Double]
    /// The corpus token nearest the cursor, in its sentence (a sentence's first token).
    public var underCursor: CorpusView.Match?
    /// The points are sentences; what colours them (nil: nothing can).
    public var sentences = false
    public var colouring: String?

    public init(
        grid: ScatterGrid, explained: [Float], query: [Double]?, neighbours: [[Double]], cursor: [Double],
        underCursor: CorpusView.Match?
    ) {
        self.grid = grid; self.explained = explained; self.query = query; self.neighbours = neighbours
        self.cursor = cursor; self.underCursor = underCursor
    }
}
