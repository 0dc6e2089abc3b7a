import Analysis
import ArgumentParser
import Encoder
import Foundation
import Session
import TextCells
import Tokenizers

struct PatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patch",
        abstract: "Activation patching: which layer and position carry what the counterfactual changes.",
        discussion: """
            For every \
            hidden state (0 = the embeddings) and position, the clean TEXT runs with \
            that one vector taken from the counterfactual; for every head, with that \
            head's output taken from it. The effect is on the logit difference of two \
            answers A − B (at the first mask of a masked-LM, else from the sequence \
            classifier), normalised so 0 is TEXT's value and 1 the counterfactual's. \
            A and B default to each input's own top answer; --target A,B names them. \
            When the token counts differ, positions are paired by words: the words both \
            sentences share at the start and the end, and the words between when both \
            have as many, piece by piece where the piece counts agree; the rest are not \
            patched (–), and a mask must pair with a mask.
            """
    )

    @OptionGroup var options: ModelOptions
    @OptionGroup var ablation: AblationOption
    @Option(name: .long, help: "The counterfactual sentence (best with the same token count).")
    var counterfactual: String
    @Option(
        name: .long, help: ArgumentHelp("The two answers compared (tokens at a mask, or labels/ids).", valueName: "A,B")
    )
    var target: String?
    @Flag(name: .long, help: "Print {\"layers\": L+1, \"positions\": n, \"effect\": [[…]], \"heads\": [[…]], …}.")
    var json = false
    @Argument(help: "The clean sentence.") var text: String

    func run() throws {
        try reportingErrors {
            let model = try options.load()
            let (encoder, clean, cf, goal) = try resolve(model)
            var patching = ActivationPatching(encoder: encoder)
            patching.ablation = try ablation.heads(for: encoder, tokenizer: model.tokenizer)
            let r = try patching.run(clean: clean, counterfactual: cf, target: goal)
            if json {
                return JSONOutput.print(
                    PatchJSON(
                        layers: r.positions.count, positions: clean.count, effect: r.positions.map(Self.finite),
                        heads: r.heads.map(Self.finite), tokens: clean.tokens, counterfactualTokens: cf.tokens,
                        counterfactualPositions: r.alignment.partner,
                        target: .init(
                            a: .init(id: goal.a, label: goal.labelA), b: .init(id: goal.b, label: goal.labelB),
                            position: { if case .mask(let p) = goal.readout { return p } else { return nil } }()),
                        clean: r.clean, counterfactual: r.counterfactual))
            }
            printText(Self.table(r, clean, goal))
        }
    }

    static func finite(_ row: [Float]) -> [Float?] { row.map { $0.isFinite ? $0 : nil } }

    private func resolve(_ model: LoadedModel) throws -> (BertEncoder, Encoding, Encoding, PatchTarget) {
        let tok = model.tokenizer
        if let mlmEncoder = model.mlmEncoder, let maskId = tok.maskId {
            let clean = encodeForModel(tok, mlmEncoder.config, text: text, pair: nil)
            if clean.ids.contains(maskId) {
                let cf = encodeForModel(tok, mlmEncoder.config, text: counterfactual, pair: nil)
                var lm = try MaskedLanguageModel(encoder: mlmEncoder, tokenizer: tok)
                lm.ablation = try ablation.heads(for: mlmEncoder, tokenizer: tok)
                let given = try answers { tok.id(for: $0) ?? Int($0) }
                return (
                    mlmEncoder, clean, cf, try PatchSetup.masked(lm, clean: clean, counterfactual: cf, given: given)
                )
            }
        }
        let task = try taskModel(
            model, ablation,
            missing:
                "put \(tok.maskToken) in both sentences (masked-LM), or use a model with a sequence-classification head"
        )
        let encoder = task.encoder
        let clean = encodeForModel(tok, encoder.config, text: text, pair: nil)
        let cf = encodeForModel(tok, encoder.config, text: counterfactual, pair: nil)
        let labels = task.task.labels
        let given = try answers { labels.firstIndex(of: $0) ?? Int($0) }
        return (encoder, clean, cf, try PatchSetup.sequence(task, clean: clean, counterfactual: cf, given: given))
    }

    /// --target A,B parsed, or nil for the default answers.
    private func answers(parse: (String) -> Int?) throws -> (Int, Int)? {
        guard let target else { return nil }
        let parts = target.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let a = parse(parts[0]), let b = parse(parts[1]), a != b else {
            throw CommandError("--target takes two different answers A,B (tokens, labels or ids)")
        }
        return (a, b)
    }

    /// "+0.42", " 0.00" for anything that rounds to zero (no "-0.00"), "–" where a layer cannot be patched.
    static func cell(_ v: Float) -> String {
        !v.isFinite ? "    –" : abs(v) < 0.005 ? " 0.00" : String(format: "%5.2f", v)
    }

    static func table(_ r: PatchingResult, _ e: Encoding, _ t: PatchTarget) -> String {
        let width = max(6, e.tokens.map { displayWidth($0) }.max() ?? 6)
        var lines = [
            "target \(t.labelA) − \(t.labelB): clean " + String(format: "%.4f", r.clean) + ", counterfactual "
                + String(format: "%.4f", r.counterfactual) + " (effect 0 = clean, 1 = counterfactual)"
        ]
        if !r.alignment.isPositional {
            lines.append(
                "the token counts differ: patched by words, \(r.alignment.unpaired.count) of \(e.count) positions unpaired (–)"
            )
        }
        lines += [
            fit("", width) + " "
                + (0..<r.positions.count).map { $0 == 0 ? "  emb" : String(format: "%5d", $0) }.joined(
                    separator: " ")
        ]
        for i in e.tokens.indices {
            lines.append(
                fit(e.tokens[i], width) + " "
                    + r.positions.map { cell($0[i]) }.joined(
                        separator: " "))
        }
        lines.append("heads (layer × head, each head's output from the counterfactual):")
        let heads = r.heads.first?.count ?? 0
        lines.append(
            "     "
                + (0..<heads).map { String(repeating: " ", count: max(0, 5 - "H\($0 + 1)".count)) + "H\($0 + 1)" }
                .joined(separator: " "))
        for (l, row) in r.heads.enumerated() {
            lines.append(
                String(format: "L%-3d ", l + 1) + row.map(cell).joined(separator: " "))
        }
        return lines.joined(separator: "\n")
    }
}
