import Analysis
import ArgumentParser
import Encoder
import Foundation
import Session
import TextCells
import Tokenizers

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Which tokens drove the decision: attributions of the target class's logit.",
        discussion: """
            Attributions are taken with respect to e, the word-embedding lookup's output. \
            grad-input: Σ (∂logit/∂e)·e; integrated-gradients: the same layer from a \
            baseline with every non-special token replaced by the pad token, Gauss–Legendre \
            quadrature with --steps points (Captum's LayerIntegratedGradients), with its \
            completeness gap; occlusion: logit(x) − logit(x with the word's pieces masked), \
            given to each piece; gradient-norm: ‖∂logit/∂e‖₂. The target is the predicted \
            class, or the top prediction at the first mask when TEXT has one and the model \
            has a masked-LM head; --target names another.
            """
    )

    @OptionGroup var options: ModelOptions
    @OptionGroup var ablation: AblationOption
    @Option(name: .long, help: "grad-input, integrated-gradients, occlusion or gradient-norm.")
    var method = AttributionMethod.integratedGradients
    @Option(name: .long, help: "Integrated gradients' quadrature points (accepted and ignored by the other methods).")
    var steps = Explainer.defaultSteps
    @Option(
        name: .long, help: ArgumentHelp("Class id or label name (a vocabulary token at a mask).", valueName: "ID|LABEL")
    )
    var target: String?
    @Option(name: .long, help: "Second sentence of a pair (classifiers).") var pair: String?
    @Flag(
        name: .long,
        help: "Print {\"target\": {\"id\", \"label\"}, \"method\", \"tokens\", \"attributions\", \"logit\", …}.")
    var json = false
    @Argument(help: "The text to explain.") var text: String

    func validate() throws {
        guard steps >= 1, steps <= 1000 else { throw ValidationError("--steps must be between 1 and 1000") }
    }

    func run() throws {
        try reportingErrors {
            let model = try options.load()
            let (explainer, e, goal) = try resolve(model)
            let a = try explainer.explain(e, target: goal.target, method: method, steps: steps)
            if json {
                return JSONOutput.print(
                    ExplainJSON(
                        target: .init(id: goal.id, label: goal.label, position: goal.position),
                        method: method.rawValue, tokens: e.tokens, attributions: a.scores, logit: a.logit,
                        completenessGap: a.completenessGap, baselineLogit: a.baselineLogit,
                        steps: method == .integratedGradients ? steps : nil, note: a.degenerate))
            }
            if let note = goal.note { print("(\(note))") }
            if !explainer.ablation.isEmpty { print("(heads ablated: \(explainer.ablation))") }
            printText(Self.table(e.tokens, a, goal))
        }
    }

    struct Goal {
        let target: GradientTarget, id: Int, label: String, position: Int?, note: String?
    }

    /// The encoder to explain and its target (`LoadedModel.answeringMask`):
    /// the first mask's prediction, else the task head's class.
    private func resolve(_ model: LoadedModel) throws -> (Explainer, Encoding, Goal) {
        if let mlm = model.mlmEncoder, model.tokenizer.maskId != nil {
            let e = encodeForModel(model.tokenizer, mlm.config, text: text, pair: pair)
            if let position = model.answeringMask(e) {
                var explainer = Explainer(encoder: mlm, tokenizer: model.tokenizer)
                explainer.ablation = try ablation.heads(for: mlm, tokenizer: model.tokenizer)
                var lm = try MaskedLanguageModel(encoder: mlm, tokenizer: model.tokenizer)
                lm.ablation = explainer.ablation
                let id: Int
                if let target {
                    guard let t = model.tokenizer.id(for: target) ?? Int(target), t >= 0, t < mlm.config.vocabSize
                    else {
                        throw CommandError("--target \(target) is not a single vocabulary token")
                    }
                    id = t
                } else {
                    let best = try lm.predict(e, trace: try lm.forward(e.ids, e.typeIds), k: 1)
                    id = best.first?.predictions.first?.id ?? 0
                }
                let goal = Goal(
                    target: .maskedLogit(position: position, token: id), id: id,
                    label: model.tokenizer.token(for: id) ?? "?", position: position, note: model.headNote)
                return (explainer, e, goal)
            }
        }
        let task = try taskModel(
            model, ablation,
            missing:
                "\(model.name) has no sequence-classification head; put \(model.tokenizer.maskToken) in the text to explain a masked prediction"
        )
        guard task.task.kind == .sequenceClassification else {
            throw CommandError(
                "explain covers sequence classifiers and masked-LM predictions, not \(task.task.kind.rawValue)")
        }
        let encoder = task.encoder
        var explainer = Explainer(encoder: encoder, tokenizer: model.tokenizer)
        explainer.ablation = task.ablation
        let e = encodeForModel(model.tokenizer, encoder.config, text: text, pair: pair)
        let labels = task.task.labels
        let asked = try target.map { target in
            guard let t = labels.firstIndex(of: target) ?? Int(target), t >= 0, t < labels.count else {
                throw CommandError(
                    "--target \(target) is not a label (\(labels.joined(separator: ", "))) or an id below \(labels.count)"
                )
            }
            return t
        }
        let id = try LoadedModel.explainedClass(asked: asked, labels: labels.count) { try task.classify(e) }
        return (
            explainer, e,
            Goal(target: .taskLogit(label: id), id: id, label: labels[id], position: nil, note: model.taskNote)
        )
    }

    static func table(_ tokens: [String], _ a: Attribution, _ goal: Goal) -> String {
        let width = max(8, tokens.map { displayWidth($0) }.max() ?? 8)
        let top = max(1e-12, a.scores.map { abs($0) }.max() ?? 0)
        var lines = [
            "target \(goal.label) (id \(goal.id)\(goal.position.map { ", at position \($0)" } ?? "")), logit "
                + String(format: "%.4f", a.logit) + ", \(a.method.rawValue)"
        ]
        if let note = a.degenerate { lines.append(note) }
        for (t, s) in zip(tokens, a.scores) {
            let bar = BarGlyphs.bar(Double(abs(s) / top), width: 20)
            let left = s < 0 ? String(repeating: " ", count: 20 - bar.count) + bar : String(repeating: " ", count: 20)
            lines.append(fit(t, width) + String(format: " %+10.4f  ", s) + left + "│" + (s > 0 ? bar : ""))
        }
        if let gap = a.completenessGap, let base = a.baselineLogit {
            lines.append(
                String(
                    format: "completeness: Σ %.4f vs logit − baseline logit %.4f − %.4f = %.4f (gap %.2g)",
                    a.scores.reduce(0, +), a.logit, base, a.logit - base, gap))
        }
        return lines.joined(separator: "\n")
    }
}

extension AttributionMethod: ExpressibleByArgument {}
