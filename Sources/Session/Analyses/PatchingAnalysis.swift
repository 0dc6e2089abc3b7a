import Analysis
import Encoder
import Tokenizers

extension SessionAnalysis {
    /// Activation patching from the counterfactual, every layer × position and head.
    static let patching = SessionAnalysis(
        kind: .patching,
        wanted: { _, r in r.input.patching && r.input.counterfactual != nil && r.patching == nil },
        run: { s, r, ctx in
            guard let outcome = s.analyzePatching(r.input, r.encoding, isCancelled: ctx.isCancelled) else {
                return false
            }
            r.patching = outcome
            return true
        })
}

extension ModelSession {
    /// Patching the input from its counterfactual: on the masked-LM when the
    /// input has a mask, else on the sequence classifier; nil when cancelled.
    func analyzePatching(_ input: SessionInput, _ e: Encoding, isCancelled: @escaping @Sendable () -> Bool)
        -> PatchingOutcome?
    {
        var out = PatchingOutcome()
        out.tokens = e.tokens
        guard let text = input.counterfactual else { return out }
        do {
            let tok = model.tokenizer
            if let mask = tok.maskId, e.ids.contains(mask), let encoder = model.mlmEncoder {
                let cf = tok.encode(text, maxLength: encoder.config.maxTokens)
                var lm = try MaskedLanguageModel(encoder: encoder, tokenizer: tok)
                lm.ablation = ablation(input, on: encoder)
                let target = try PatchSetup.masked(lm, clean: e, counterfactual: cf)
                out.target = target
                var p = ActivationPatching(encoder: encoder)
                p.ablation = lm.ablation
                p.isCancelled = isCancelled
                out.result = try p.run(clean: e, counterfactual: cf, target: target)
            } else if var task = taskModel {
                let cf = tok.encode(text, maxLength: task.encoder.config.maxTokens)
                task.ablation = ablation(input, on: task.encoder)
                let target = try PatchSetup.sequence(task, clean: e, counterfactual: cf)
                out.target = target
                var p = ActivationPatching(encoder: task.encoder)
                p.ablation = task.ablation
                p.isCancelled = isCancelled
                out.result = try p.run(clean: e, counterfactual: cf, target: target)
            } else {
                out.error = "patching needs a [MASK] in both sentences (masked-LM) or a sequence-classification head"
            }
        } catch is CancellationError {
            return nil
        } catch {
            out.error = "\(error)"
        }
        return out
    }
}
