import Analysis
import Session

/// What the attention pane shows of a map it does not hold whole: exact
/// rows as they come into view (a long input's band), or the whole map
/// pooled to the pane, from the session's records.
public struct LongMapView: Equatable, Sendable {
    public enum Mode: Equatable, Sendable {
        /// Full resolution, the rows on screen read exactly.
        case band
        /// Every block of queries × keys as one cell.
        case pooled
    }
    public var mode: Mode
    /// One label per token (escaped for display).
    public var labels: [String]
    /// Exact rows: those on screen, or the cursor's row under the pooled map.
    public var band: AttentionBand?
    public var pooled: PooledAttention?
    /// What is being computed while nothing is in, or why nothing can be.
    public var waiting: String?
    /// Where the values come from, for the info line.
    public var source: String

    public init(
        mode: Mode, labels: [String], band: AttentionBand? = nil, pooled: PooledAttention? = nil,
        waiting: String? = nil, source: String = ""
    ) {
        self.mode = mode; self.labels = labels; self.band = band; self.pooled = pooled
        self.waiting = waiting; self.source = source
    }

    public var tokens: Int { labels.count }

    /// Query `i`'s exact weight on key `j`, when its row is in.
    func value(_ i: Int, _ j: Int) -> Float? { band?.value(row: i, column: j) }
}
