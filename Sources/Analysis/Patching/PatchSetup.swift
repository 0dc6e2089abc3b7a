import Encoder
import Tokenizers

/// The two answers patching compares, as `patch` and the workbench choose
/// them: given ones, else the clean input's top answer and the
/// counterfactual's best other one.
public enum PatchSetup {
    /// At the first mask of a masked-LM (the counterfactual masked at the same position).
    public static func masked(
        _ lm: MaskedLanguageModel, clean: Encoding, counterfactual cf: Encoding, given: (Int, Int)? = nil
    ) throws -> PatchTarget {
        guard let p = clean.ids.firstIndex(of: lm.maskId) else { throw EncoderError("the sentence has no mask") }
        let align = PatchAlignment(clean: clean, counterfactual: cf)
        guard let q = align.partner[p], cf.ids[q] == lm.maskId else {
            throw EncoderError(
                align.isPositional
                    ? "the counterfactual needs \(lm.tokenizer.maskToken) at the same position (\(p))"
                    : "the counterfactual needs \(lm.tokenizer.maskToken) where the sentences' words align with the clean one's"
            )
        }
        let (a, b) =
            try given
            ?? pick(
                clean: try lm.predict(clean, trace: lm.forward(clean.ids, clean.typeIds), k: 2)[0].predictions.map(
                    \.id),
                counterfactual: try lm.predict(cf, trace: lm.forward(cf.ids, cf.typeIds), k: 2)[0].predictions.map(\.id)
            )
        let tok = lm.tokenizer
        return PatchTarget(
            readout: .mask(position: p), counterfactualReadout: .mask(position: q), a: a, b: b,
            labelA: tok.token(for: a) ?? "?", labelB: tok.token(for: b) ?? "?")
    }

    /// From a sequence classifier.
    public static func sequence(
        _ task: TaskModel, clean: Encoding, counterfactual cf: Encoding, given: (Int, Int)? = nil
    ) throws -> PatchTarget {
        let labels = task.task.labels
        guard task.task.kind == .sequenceClassification, labels.count >= 2 else {
            throw EncoderError("patching a task head needs a sequence classifier with two or more labels")
        }
        func ranked(_ e: Encoding) throws -> [Int] { try task.classify(e).sorted { $0.score > $1.score }.map(\.id) }
        let (a, b) = try given ?? pick(clean: try ranked(clean), counterfactual: try ranked(cf))
        guard labels.indices.contains(a), labels.indices.contains(b) else {
            throw EncoderError("labels are \(labels.joined(separator: ", ")) (or ids below \(labels.count))")
        }
        return PatchTarget(readout: .sequence, a: a, b: b, labelA: labels[a], labelB: labels[b])
    }

    static func pick(clean: [Int], counterfactual: [Int]) -> (Int, Int) {
        let a = clean[0]
        return (a, counterfactual.first { $0 != a } ?? clean.dropFirst().first ?? a)
    }
}
