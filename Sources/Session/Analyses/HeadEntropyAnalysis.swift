import Analysis
import Encoder

extension AnalysisKind {
    /// Every head's entropy for the overview (asked for with `AnalysisRequest(true)`).
    public static let headEntropies = AnalysisKind("headEntropies")
}

/// Every head's mean row entropy (bits), with the special tokens kept and
/// hidden: the overview's entropy table, and the `s` toggle needs no new pass.
public struct HeadEntropies: AnalysisOutcome, Equatable {
    /// `[layer * heads + head]`.
    public var kept: [Float], hidingSpecials: [Float]
    public var approximateBytes: Int { (kept.count + hidingSpecials.count) * MemoryLayout<Float>.stride }
    public init(kept: [Float], hidingSpecials: [Float]) { self.kept = kept; self.hidingSpecials = hidingSpecials }
    public func entropies(hidingSpecials hide: Bool) -> [Float] { hide ? hidingSpecials : kept }
}

extension SessionAnalysis {
    /// 72 maps' entropies at 512 tokens are ~19 M logarithms: not on the key path.
    static let headEntropies = SessionAnalysis(
        kind: .headEntropies,
        wanted: { _, r in r.awaits(.headEntropies) && r.trace != nil },
        run: { _, r, ctx in
            guard let t = r.trace else { return true }
            var kept: [Float] = [], hidden: [Float] = []
            for l in 0..<t.layers {
                if ctx.isCancelled() { return false }
                ctx.progress(l, t.layers)
                for h in 0..<t.heads {
                    let m = AttentionViews.head(t, layer: l, head: h)
                    let plain = [TokenKind](repeating: .other, count: m.size)
                    kept.append(HeadStatistics(m, kinds: plain).entropy)
                    let shown = AttentionViews.hidingSpecials(m, r.encoding)
                    hidden.append(HeadStatistics(shown, kinds: Array(plain.prefix(shown.size))).entropy)
                }
            }
            ctx.progress(t.layers, t.layers)
            r.outcomes[.headEntropies] = HeadEntropies(kept: kept, hidingSpecials: hidden)
            return true
        })
}

extension EncodeResult {
    public var headEntropies: HeadEntropies? { outcomes[.headEntropies] as? HeadEntropies }
}
