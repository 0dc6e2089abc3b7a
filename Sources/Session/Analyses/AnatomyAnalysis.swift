import Analysis
import Encoder

extension AnalysisKind {
    /// Every layer's sublayers for one token (asked for with its position).
    public static let anatomy = AnalysisKind("anatomy")
}

/// The layer anatomy of the input (`LayerAnatomy`), or why there is none.
public struct AnatomyOutcome: AnalysisOutcome, Equatable {
    public var anatomy: LayerAnatomy?
    public var error: String?
    public var approximateBytes: Int {
        256
            + (anatomy.map {
                $0.steps.count * 96 + $0.embeddings.count * 48 + $0.ffnOutputs.count * MemoryLayout<Float>.stride
            } ?? 0)
    }
}

extension SessionAnalysis {
    /// The layers run again from the trace for one token: the value projections and its own rows.
    static let anatomy = SessionAnalysis(
        kind: .anatomy,
        wanted: { _, r in r.awaits(.anatomy) },
        run: { s, r, ctx in
            var out = AnatomyOutcome()
            if let t = r.trace {
                do {
                    let token = r.input.request(.anatomy, as: Int.self) ?? 0
                    out.anatomy = try s.viewEncoder(r.input).layerAnatomy(
                        t, ids: r.encoding.ids, typeIds: r.encoding.typeIds, only: [token])
                } catch {
                    out.error = "\(error)"
                }
            } else {
                out.error = r.error ?? "the model did not run on this input"
            }
            if ctx.isCancelled() { return false }
            r.outcomes[.anatomy] = out
            return true
        })
}

extension EncodeResult {
    public var anatomy: AnatomyOutcome? { outcomes[.anatomy] as? AnatomyOutcome }
}
