import CorpusText
import Encoder

extension AnalysisKind {
    /// The corpus layer's PCA picture (asked for with a `CorpusProjectionRequest`).
    public static let corpusProjection = AnalysisKind("corpusProjection")
}

/// Which layer to project, the tag that colours the points, and the token whose point is marked.
public struct CorpusProjectionRequest: Hashable, Sendable {
    public var layer: Int, tag: String, position: Int
    public init(layer: Int, tag: String, position: Int) { self.layer = layer; self.tag = tag; self.position = position }
}

/// Every corpus token of a layer on its first two principal axes, coloured by a tag,
/// with the selected token's own point; or why there is none.
public struct CorpusProjectionOutcome: AnalysisOutcome {
    public var request: CorpusProjectionRequest
    public var projection: CorpusProjection?
    public var tags: CorpusTagColumn?
    public var query: (x: Float, y: Float)?
    public var error: String?
    /// The projection and tags are the index's own (kept there once a layer), counted here too.
    public var approximateBytes: Int { 256 + (projection?.points.count ?? 0) * 4 + (tags?.codes.count ?? 0) * 2 }
}

extension SessionAnalysis {
    /// The first time for a layer, a pass over all its vectors (seconds at 300,000 tokens); then kept.
    static let corpusProjection = SessionAnalysis(
        kind: .corpusProjection,
        wanted: { s, r in s.corpus != nil && r.awaits(.corpusProjection) },
        run: { s, r, ctx in
            guard let ask = r.input.request(.corpusProjection, as: CorpusProjectionRequest.self), let index = s.corpus
            else { return true }
            var out = CorpusProjectionOutcome(request: ask)
            if !index.layers.contains(ask.layer) {
                out.error = "layer \(ask.layer) is not in the index"
            } else {
                do {
                    let p = try index.projection(layer: ask.layer)
                    out.projection = p
                    out.tags = try? index.tagColumn(ask.tag)
                    let search = CorpusSearchRequest(position: ask.position, layer: ask.layer, top: 1)
                    if let t = r.trace, SessionAnalysis.corpusQueryProblem(search, r, index) == nil {
                        out.query = p.project(Array(t.hiddenState(layer: ask.layer, token: ask.position)))
                    }
                } catch {
                    out.error = "\(error)"
                }
            }
            if ctx.isCancelled() { return false }
            r.outcomes[.corpusProjection] = out
            return true
        })
}

extension EncodeResult {
    public var corpusProjection: CorpusProjectionOutcome? { outcomes[.corpusProjection] as? CorpusProjectionOutcome }
}
