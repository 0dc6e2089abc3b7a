import Analysis

/// The head finder's list: every layer × head ranked for the cursor cell.
public struct HeadFinderView: Equatable, Sendable {
    public var criterion: HeadRanking.Criterion
    /// The cursor cell, as labels ("it → animal").
    public var query: String, key: String
    public var entries: [HeadRanking.Entry]

    public init(criterion: HeadRanking.Criterion, query: String, key: String, entries: [HeadRanking.Entry]) {
        self.criterion = criterion; self.query = query; self.key = key; self.entries = entries
    }
}
