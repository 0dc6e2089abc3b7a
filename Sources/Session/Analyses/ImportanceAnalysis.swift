import Analysis
import Encoder

extension SessionAnalysis {
    /// Every head ranked by how much ablating it alone changes the answer
    /// (`ModelFacts.importanceTarget`): one pass per head.
    static let importance = SessionAnalysis(
        kind: .importance,
        wanted: { s, r in
            r.input.importance && r.importance == nil && r.importanceError == nil && s.facts.importanceTarget(r) != nil
        },
        run: { s, r, ctx in
            // Only a newer input cancels; a failure is said where the grid would be, and not retried.
            do {
                guard let target = s.facts.importanceTarget(r), let ranked = try s.headImportance(r, target, ctx)
                else { return false }
                r.importance = ranked
            } catch {
                r.importanceError = "head importance: \(error)"
            }
            return true
        })
}

extension ModelSession {
    /// Head importance for `r`'s answer by `target`; nil when cancelled.
    func headImportance(_ r: EncodeResult, _ target: ImportanceTarget, _ ctx: AnalysisContext) throws
        -> HeadImportance?
    {
        let input = r.input, e = r.encoding
        switch target {
        case .mask:
            guard var mlm = maskedLM, let first = r.mlm?.predictions.first, let top = first.predictions.first else {
                throw EncoderError("no masked-LM prediction to rank the heads by")
            }
            mlm.ablation = ablation(input, on: mlm.encoder)
            return try HeadImportance.compute(
                mlm, e, position: first.position, target: top.id, isCancelled: ctx.isCancelled,
                progress: ctx.progress)
        case .taskHead:
            guard var task = taskModel, let label = r.task?.target else {
                throw EncoderError("this task head has no class to rank the heads by (a sequence classifier has)")
            }
            task.ablation = ablation(input, on: task.encoder)
            return try HeadImportance.compute(
                task, e, label: label, isCancelled: ctx.isCancelled, progress: ctx.progress)
        case .nextSentence:
            guard let enc = model.nextSentenceEncoder, let labels = model.facts.pairHead else {
                throw EncoderError("no next-sentence head to rank the heads by")
            }
            return try HeadImportance.compute(
                nextSentence: enc, e, ablation: ablation(input, on: enc), labels: (labels.yes, labels.no),
                isCancelled: ctx.isCancelled, progress: ctx.progress)
        }
    }
}
