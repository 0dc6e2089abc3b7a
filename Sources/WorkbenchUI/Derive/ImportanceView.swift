import Analysis

/// What the importance grid shows: the result's ranking, or why there is none yet.
public struct ImportanceView: Equatable, Sendable {
    public var importance: HeadImportance?
    public var waiting: String
    public init(importance: HeadImportance?, waiting: String) { self.importance = importance; self.waiting = waiting }
}
