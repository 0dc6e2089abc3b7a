import Analysis
import Tokenizers

/// What an explanation explains: one rule for `bertscope explain` and the
/// workbench. Masks are the masked LM's: its prediction at the first mask is
/// explained; else the task head's class. Integrated gradients take
/// `Explainer.defaultSteps` points on the command line and
/// `Explainer.interactiveSteps` in the workbench.
extension LoadedModel {
    /// The first mask of `e` when the model has a masked-LM head: the masked
    /// LM answers for `e` (the session runs it, `explain` explains its
    /// prediction there). nil: the task head answers and its class is explained.
    public func answeringMask(_ e: Encoding) -> Int? {
        guard hasMaskedLM, let maskId = tokenizer.maskId else { return nil }
        return e.ids.firstIndex(of: maskId)
    }

    /// The task head's class an explanation explains: `asked` (clamped to the
    /// `labels`), else the predicted class, the highest of `scores` (asked for
    /// only then).
    public static func explainedClass(asked: Int?, labels: Int, scores: () throws -> [LabelScore]) rethrows -> Int {
        if let asked { return max(0, min(labels - 1, asked)) }
        return try scores().max { $0.score < $1.score }?.id ?? 0
    }
}

extension Explainer {
    /// The workbench's explanation of the task head's class `label` for `e`:
    /// with the input's method, integrated gradients at `interactiveSteps` points.
    func explainClass(_ label: Int, of e: Encoding, _ input: SessionInput) throws -> Attribution {
        try explain(e, target: .taskLogit(label: label), method: input.explainMethod, steps: Self.interactiveSteps)
    }
}
