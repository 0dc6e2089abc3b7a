import Analysis
import Session
import TextCells

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

extension Deriver {
    /// The map of `r` as a band or pooled for the view `s`: the session's
    /// records for this layer and head, or what is being computed.
    func longMapView(
        _ r: EncodeResult, _ s: AttentionState, _ mode: LongMapView.Mode, grid: (rows: Int, columns: Int),
        limited: Bool, progress: AnalysisProgress?
    ) -> LongMapView {
        let head = s.view == .head ? s.head : nil, n = r.encoding.count
        func mine(_ l: Int, _ h: Int?) -> Bool { l == s.layer && h == head }
        let band = r.attentionBand.flatMap { mine($0.request.layer, $0.request.head) ? $0 : nil }
        let pool = r.attentionPool.flatMap { mine($0.request.layer, $0.request.head) ? $0 : nil }
        let fits = pool.map { $0.request.rows == grid.rows && $0.request.columns == grid.columns } ?? false
        var v = LongMapView(
            mode: mode, labels: tokenLabels(r.encoding), band: band?.error == nil ? band : nil,
            pooled: fits ? pool?.pooled : nil)
        let kept = r.trace?.attentionStart(layer: s.layer, head: 0) != nil
        let whose = head.map { "head \($0 + 1)" } ?? "the heads' mean"
        // A local layer's window says why most of every row is empty.
        let window =
            (model.localWindows.indices.contains(s.layer) ? model.localWindows[s.layer] : nil)
            .map { "local layer ±\($0) · " } ?? ""
        v.source =
            kept
            ? "(\(window)\(whose), from the kept maps)"
            : "(\(window)\(grouped(n)) tokens\(limited ? ", maps not kept" : ""): \(whose) scored from layer \(s.layer + 1)'s input"
                + (mode == .band ? " as rows show)" : ")")
        v.waiting =
            (mode == .pooled ? pool?.error : band?.error)
            ?? (mode == .pooled
                ? "pooling layer \(s.layer + 1)'s map: "
                    + (progress.map { "\($0.done) of \($0.total) row blocks…" } ?? "every row scored once…")
                : "scoring the rows on screen…")
        return v
    }
}
