import Analysis
import ArgumentParser
import Encoder
import Foundation
import TextCells
import Session
import Tokenizers

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Fill every [MASK] in TEXT with the model's masked-LM head.",
        discussion: """
            Each mask is predicted independently. --targets scores given words at \
            each mask, showing their pieces; a word of several pieces gets one \
            [MASK] per piece, filled left to right, and its score is the product of \
            the piece probabilities.
            """
    )

    @OptionGroup var options: ModelOptions
    @OptionGroup var ablation: AblationOption
    @Option(name: .long, help: "How many predictions per mask.") var topK = 5
    @Option(name: .long, help: ArgumentHelp("Comma-separated words to score at each mask.", valueName: "w1,w2"))
    var targets: String?
    @Flag(name: .long, help: "Print {\"masks\":[{\"position\",\"predictions\":[{\"id\",\"token\",\"probability\"}]}]}.")
    var json = false
    @Argument(help: "Text containing [MASK].") var text: String

    func validate() throws {
        guard topK >= 1 else { throw ValidationError("--top-k must be at least 1") }
    }

    func run() throws {
        try reportingErrors {
            let model = try options.load()
            guard let mlmEncoder = model.mlmEncoder else {
                throw CommandError(
                    "\(model.name) has no masked-LM head; use a checkpoint with one (e.g. --model bert-base-uncased from the Hugging Face cache)"
                )
            }
            var mlm = try MaskedLanguageModel(encoder: mlmEncoder, tokenizer: model.tokenizer)
            mlm.ablation = try ablation.heads(for: mlmEncoder, tokenizer: model.tokenizer)
            let e = encodeForModel(model.tokenizer, mlmEncoder.config, text: text, pair: nil)
            guard e.ids.contains(mlm.maskId) else { throw CommandError("no \(model.tokenizer.maskToken) in the text") }
            let masks = try mlm.predict(e, trace: try mlm.forward(e.ids, e.typeIds), k: topK)
            let words = (targets ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                !$0.isEmpty
            }
            let scores = try masks.map { m in try words.map { try mlm.score(word: $0, at: m.position, in: e) } }
            if json { return JSONOutput.print(Self.json(masks, scores)) }
            if let note = model.headNote { print("(\(note))") }
            if !mlm.ablation.isEmpty { print("(heads ablated: \(mlm.ablation))") }
            for (m, s) in zip(masks, scores) { printText(Self.table(m, s, maskToken: model.tokenizer.maskToken)) }
        }
    }

    static func json(_ masks: [MaskPrediction], _ scores: [[TargetScore]]) -> PredictJSON {
        PredictJSON(
            masks: zip(masks, scores).map { m, s in
                PredictJSON.Mask(
                    position: m.position,
                    predictions: m.predictions.map { .init(id: $0.id, token: $0.token, probability: $0.probability) },
                    targets: s.isEmpty
                        ? nil
                        : s.map {
                            .init(
                                word: $0.word, pieces: $0.pieces, probability: $0.probability,
                                pieceProbabilities: $0.pieceProbabilities)
                        })
            })
    }

    static func table(_ m: MaskPrediction, _ scores: [TargetScore], maskToken: String) -> String {
        var lines = ["\(maskToken) at position \(m.position):"]
        let top = max(m.predictions.first?.probability ?? 1, 1e-9)
        for p in m.predictions {
            let bar = BarGlyphs.bar(Double(p.probability / top), width: 30)
            lines.append(
                "  " + fit(p.token, max(12, displayWidth(p.token)))
                    + String(format: " %7.3f%%  ", p.probability * 100)
                    + "id \(p.id)".padding(toLength: 9, withPad: " ", startingAt: 0) + bar)
        }
        for t in scores {
            let how =
                t.pieces.count == 1
                ? "one piece" : "\(t.pieces.count) pieces filled left to right: " + t.pieces.joined(separator: " ")
            lines.append(String(format: "  target %@: %.4g%% (%@)", t.word, t.probability * 100, how))
        }
        return lines.joined(separator: "\n")
    }
}

struct NSPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nsp",
        abstract:
            "Next-sentence prediction: does B follow A? (BertForPreTraining; ALBERT's sentence-order head: are A, B in order?)"
    )

    @OptionGroup var options: ModelOptions
    @OptionGroup var ablation: AblationOption
    @Flag(name: .long, help: "Print {\"is_next\": p, \"not_next\": q}.") var json = false
    @Argument(help: "Sentence A.") var a: String
    @Argument(help: "Sentence B.") var b: String

    func run() throws {
        try reportingErrors {
            let model = try options.load()
            guard let enc = model.nextSentenceEncoder, let labels = model.facts.pairHead else {
                throw CommandError(
                    "\(model.name) has no next-sentence head (a BertForPreTraining or ALBERT checkpoint has one)")
            }
            let e = encodeForModel(model.tokenizer, enc.config, text: a, pair: b)
            let heads = try ablation.heads(for: enc, tokenizer: model.tokenizer)
            let logits = try enc.nextSentenceLogits(
                try enc.forwardHidden(ids: e.ids, typeIds: e.typeIds, ablate: heads))
            let p = softmax(logits[...])
            // ALBERT's sentence-order head answers "in order / swapped" in the same two slots.
            if json { return JSONOutput.print(NextSentenceJSON(isNext: p[0], notNext: p[1])) }
            print(String(format: "\(labels.yes) %.2f%%, \(labels.no) %.2f%%", p[0] * 100, p[1] * 100))
            if let note = model.nextSentenceNote { writeStderr("note: \(note)") }
        }
    }
}

struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Pseudo-log-likelihood of TEXT: each token masked in turn and scored (Salazar et al. 2020)."
    )

    @OptionGroup var options: ModelOptions
    @OptionGroup var ablation: AblationOption
    @Flag(name: .long, help: "Print {\"pll\": x, \"tokens\": [{\"position\",\"token\",\"log_probability\"}]}.")
    var json = false
    @Argument(help: "The sentence to score.") var text: String

    func run() throws {
        try reportingErrors {
            let model = try options.load()
            guard let enc = model.mlmEncoder else { throw CommandError("\(model.name) has no masked-LM head") }
            var mlm = try MaskedLanguageModel(encoder: enc, tokenizer: model.tokenizer)
            mlm.ablation = try ablation.heads(for: enc, tokenizer: model.tokenizer)
            let e = encodeForModel(model.tokenizer, enc.config, text: text, pair: nil)
            let started = Date()
            let (total, per) = try mlm.pseudoLogLikelihood(e) { done, count in
                guard count >= 32, done % 8 == 0 || done == count else { return }
                progressBar("scoring", done, count, started: started)
            }
            if json {
                return JSONOutput.print(
                    ScoreJSON(
                        pll: total,
                        tokens: per.map {
                            .init(
                                position: $0.position, token: e.tokens[$0.position],
                                logProbability: $0.logProbability)
                        }))
            }
            if let note = model.headNote { print("(\(note))") }
            // Columns by display width, so wide or accented tokens keep the numbers aligned.
            let width = max(8, per.map { displayWidth(e.tokens[$0.position]) }.max() ?? 8)
            print("   #  " + fit("token", width) + "  log p")
            for t in per {
                printText(
                    String(format: "%4d  ", t.position) + fit(e.tokens[t.position], width)
                        + String(format: " %9.4f", t.logProbability))
            }
            print(String(format: "pseudo-log-likelihood %.4f (natural log, %d tokens)", total, per.count))
        }
    }
}
