import Analysis
import Encoder

extension SessionAnalysis {
    /// Attention flow through the layer shown (n² maximum flows).
    static let flow = SessionAnalysis(
        kind: .flow,
        wanted: { _, r in r.input.flowLayer != nil && r.trace != nil && r.flow == nil },
        run: { s, r, ctx in
            guard let layer = r.input.flowLayer, let trace = r.trace,
                let outcome = s.analyzeFlow(trace, layer: layer, isCancelled: ctx.isCancelled, progress: ctx.progress)
            else { return false }
            r.flow = outcome
            return true
        })
}

extension ModelSession {
    /// The most tokens attention flow is computed for in the workbench: n²
    /// maximum flows through every layer up to the one shown (about 10 s at
    /// 128 tokens on the default model's last layer, 2 cores).
    public static let flowTokenLimit = 128

    /// Why attention flow is not computed for `tokens` tokens (nil: it is).
    /// The pane says it at once, without waiting for the session's turn.
    public static func flowRefusal(tokens: Int) -> String? {
        tokens <= flowTokenLimit
            ? nil : "attention flow is computed up to \(flowTokenLimit) tokens (this input has \(tokens))"
    }

    /// Attention flow through `layer`; nil when cancelled.
    func analyzeFlow(
        _ t: Trace, layer: Int, isCancelled: @escaping @Sendable () -> Bool,
        progress: @escaping @Sendable (Int, Int) -> Void
    ) -> FlowOutcome? {
        guard (0..<t.layers).contains(layer) else { return FlowOutcome(layer: layer, error: "no layer \(layer + 1)") }
        if let refusal = Self.flowRefusal(tokens: t.tokens) { return FlowOutcome(layer: layer, error: refusal) }
        guard let map = AttentionFlow.map(t, throughLayer: layer, isCancelled: isCancelled, progress: progress)
        else { return nil }
        return FlowOutcome(layer: layer, map: map)
    }
}
