import Analysis
import Tokenizers

extension SessionAnalysis {
    /// A long text's masks as the other windows holding them predict them.
    static let maskElsewhere = SessionAnalysis(
        kind: .maskElsewhere,
        wanted: { s, r in
            guard !s.shownWindowOnly, r.windows != nil, r.mlm != nil, !r.elsewhereAsked,
                let mask = s.model.tokenizer.maskId
            else {
                return false
            }
            return r.windowEncodings.contains { $0.ids.contains(mask) }
        },
        run: { s, r, ctx in
            guard var mlm = s.maskedLM, let w = r.windows else {
                r.elsewhereAsked = true
                return true
            }
            mlm.ablation = s.ablation(r.input, on: mlm.encoder)
            guard
                let other = s.elsewhere(
                    mlm, r.windowEncodings, ranges: w.ranges, shown: w.index, isCancelled: ctx.isCancelled)
            else { return false }
            r.elsewhere = other
            r.elsewhereAsked = true
            return true
        })
}

extension ModelSession {
    /// The shown window's masks as the other windows holding them predict
    /// them (a mask near a window's edge has less context there).
    func elsewhere(
        _ mlm: MaskedLanguageModel, _ windows: [Encoding], ranges: [Range<Int>], shown k: Int,
        isCancelled: () -> Bool
    ) -> [Int: [(window: Int, guesses: [TokenProbability])]]? {
        var out: [Int: [(window: Int, guesses: [TokenProbability])]] = [:]
        for (j, e) in windows.enumerated() where j != k && e.ids.contains(mlm.maskId) {
            if isCancelled() { return nil }
            guard let t = try? mlm.forward(e.ids, e.typeIds), let preds = try? mlm.predict(e, trace: t, k: 3) else {
                continue
            }
            for p in preds {
                guard let q = Self.position(p.position, ofWindow: j, inWindow: k, ranges: ranges, encodings: windows)
                else { continue }
                out[q, default: []].append((j, p.predictions))
            }
        }
        return out
    }
}
