import Analysis
import Encoder

extension AnalysisKind {
    /// One head's attention arithmetic (asked for with an `ArithmeticRequest`).
    public static let arithmetic = AnalysisKind("arithmetic")
}

/// The head whose arithmetic the view shows.
public struct ArithmeticRequest: Hashable, Sendable {
    public var layer: Int, head: Int
    public init(layer: Int, head: Int) { self.layer = layer; self.head = head }
}

/// Every number of one head's attention, for every query (`HeadArithmetic`),
/// or why there is none.
public struct ArithmeticOutcome: AnalysisOutcome, Equatable {
    public var request: ArithmeticRequest
    public var head: HeadArithmetic?
    public var error: String?
    public var approximateBytes: Int {
        guard let h = head else { return 256 }
        return (h.queries.count * 3 + h.scores.count * 3 + h.outputProjection.count + h.tokens * 3)
            * MemoryLayout<Float>.stride
    }
}

extension SessionAnalysis {
    /// O(n²·dₕ) for the head: milliseconds, but not on the key path at 512 tokens.
    static let arithmetic = SessionAnalysis(
        kind: .arithmetic,
        wanted: { _, r in r.awaits(.arithmetic) },
        run: { s, r, _ in
            guard let ask = r.input.request(.arithmetic, as: ArithmeticRequest.self) else { return true }
            var out = ArithmeticOutcome(request: ask)
            if let t = r.trace {
                do {
                    out.head = try HeadArithmetic.compute(
                        s.viewEncoder(r.input), t, layer: ask.layer, head: ask.head,
                        attentionScale: r.input.attentionScale)
                } catch {
                    out.error = "\(error)"
                }
            } else {
                out.error = r.error ?? "the model did not run on this input"
            }
            r.outcomes[.arithmetic] = out
            return true
        })
}

extension ArithmeticOutcome {
    /// DeBERTa: the cell's score split into c2c + c2p + p2c with the
    /// distance (the attention pane's line); nil for other families.
    public func scoreBreakdown(query i: Int, key j: Int) -> String? {
        guard let h = head, let cell = h.cell(query: i, key: j), let rel = cell.relative else { return nil }
        return ScoreParts(
            contentToContent: cell.scaled, contentToPosition: rel.contentToPosition,
            positionToContent: rel.positionToContent, distance: rel.distance, bucket: rel.bucket
        ).description
    }
}

extension EncodeResult {
    public var arithmetic: ArithmeticOutcome? { outcomes[.arithmetic] as? ArithmeticOutcome }
}
