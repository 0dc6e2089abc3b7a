import CorpusText

extension AnalysisKind {
    /// The stored classifier's answers over the corpus (the dataset table).
    public static let corpusDataset = AnalysisKind("corpusDataset")
}

/// The corpus's answered rows, or why there are none.
public struct CorpusDatasetOutcome: AnalysisOutcome {
    public var dataset: CorpusDataset?
    public var error: String?
    /// The rows are the index's own (read once, then kept), counted here too.
    public var approximateBytes: Int {
        256 + (dataset?.rows.reduce(0) { $0 + 64 + $1.text.utf8.count + ($1.pair?.utf8.count ?? 0) } ?? 0)
    }
}

extension SessionAnalysis {
    /// One read of the index's predictions table (kept by the index after the first).
    static let corpusDataset = SessionAnalysis(
        kind: .corpusDataset,
        wanted: { s, r in s.corpus != nil && r.awaits(.corpusDataset) },
        run: { s, r, ctx in
            guard let index = s.corpus else { return true }
            var out = CorpusDatasetOutcome()
            do {
                out.dataset = try index.dataset()
                if out.dataset == nil {
                    out.error = "this index has no classifier answers: build it with corpus index --classify"
                }
            } catch {
                out.error = "\(error)"
            }
            if ctx.isCancelled() { return false }
            r.outcomes[.corpusDataset] = out
            return true
        })
}

extension EncodeResult {
    public var corpusDataset: CorpusDatasetOutcome? { outcomes[.corpusDataset] as? CorpusDatasetOutcome }
}
