import Analysis
import Encoder
import Tokenizers

extension SessionAnalysis {
    /// The input beside A′ (`:compare TEXT`) through the same model, or
    /// beside itself on other layers (`:compare-model published`).
    static let comparison = SessionAnalysis(
        kind: .comparison,
        wanted: { _, r in
            (r.input.comparison != nil || r.input.comparisonLayers != nil) && r.trace != nil && r.comparison == nil
        },
        run: { s, r, ctx in
            guard let text = r.input.comparison ?? (r.input.comparisonLayers != nil ? r.input.text : nil),
                let trace = r.trace,
                let outcome = s.analyzeComparison(r.input, trace, r.encoding, text, isCancelled: ctx.isCancelled)
            else { return false }
            r.comparison = outcome
            return true
        })
}

extension ModelSession {
    /// A′ encoded (with the input's ablations) and compared with the input; nil when cancelled.
    func analyzeComparison(
        _ input: SessionInput, _ trace: Trace, _ e: Encoding, _ text: String,
        isCancelled: @escaping @Sendable () -> Bool
    ) -> ComparisonOutcome? {
        let enc = input.comparisonLayers.map { model.encoder(for: $0) } ?? viewEncoder(input)
        // On other layers A′ is the very tokens shown (a pair, a long text's window), else the text A′.
        let other =
            input.comparisonLayers != nil ? e : model.tokenizer.encode(text, maxLength: enc.config.maxTokens)
        var out = ComparisonOutcome(text: text, encoding: other)
        out.layers = input.comparisonLayers
        do {
            var t = Trace()
            try enc.forward(
                ids: other.ids, typeIds: other.typeIds, attentionMask: nil, ablate: ablation(input, on: enc),
                workspace: enc.makeWorkspace(), into: &t, isCancelled: isCancelled)
            out.trace = t
            out.comparison = SentenceComparison.compute(trace, e, input.text, t, other, text)
        } catch is CancellationError {
            return nil
        } catch {
            out.error = "\(error)"
        }
        return out
    }
}
