import Analysis
import Encoder

extension SessionAnalysis {
    /// Context mixing of the layers the view reads (norm views, value zeroing and its rollout).
    static let mixing = SessionAnalysis(
        kind: .mixing,
        // Only over maps the trace holds (a long input's pass may keep none of them).
        wanted: { _, r in
            r.input.mixingLayers.map { r.trace?.keepsAttention($0) == true } == true && r.mixing == nil
        },
        run: { s, r, ctx in
            guard let layers = r.input.mixingLayers, let trace = r.trace,
                let outcome = s.analyzeMixing(
                    trace, s.viewEncoder(r.input), layers: layers, valueZeroing: r.input.valueZeroing,
                    isCancelled: ctx.isCancelled,
                    progress: ctx.progress)
            else { return false }
            r.mixing = outcome
            return true
        })
}

extension ModelSession {
    /// Context mixing of `layers` (clamped to the model's), one layer at a
    /// time with a pass count; nil when cancelled.
    func analyzeMixing(
        _ t: Trace, _ encoder: BertEncoder, layers: ClosedRange<Int>, valueZeroing: Bool,
        isCancelled: @escaping @Sendable () -> Bool,
        progress: @escaping @Sendable (Int, Int) -> Void
    ) -> MixingOutcome? {
        let range = layers.clamped(to: 0...max(0, t.layers - 1))
        var out = MixingOutcome(layers: [:], valueZeroing: valueZeroing)
        for (done, l) in range.enumerated() {
            if isCancelled() { return nil }
            progress(done, range.count)
            out.layers[l] = ContextMixing.compute(encoder, t, layer: l, valueZeroing: valueZeroing)
        }
        progress(range.count, range.count)
        return out
    }
}
