import Analysis
import ArgumentParser
import Checkpoint
import Encoder
import Foundation
import Session
import TextCells
import Tokenizers

/// The loaded model's task head (its own, or the default model's sentiment overlay) or a clear error.
func taskModel(_ options: ModelOptions, _ ablation: AblationOption) throws -> (LoadedModel, TaskModel) {
    let model = try options.load()
    let missing =
        "\(model.name) has no task head: use a fine-tuned checkpoint (*ForSequenceClassification, *ForTokenClassification, *ForQuestionAnswering)"
    return (model, try taskModel(model, ablation, missing: missing))
}

/// `model`'s task head with `--ablate` applied (if given); `missing` is the error when it has none.
func taskModel(_ model: LoadedModel, _ ablation: AblationOption?, missing: String) throws -> TaskModel {
    guard let encoder = model.taskEncoder else { throw CommandError(missing) }
    var task = try TaskModel(encoder: encoder, tokenizer: model.tokenizer)
    if let ablation { task.ablation = try ablation.heads(for: encoder, tokenizer: model.tokenizer) }
    return task
}

struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Run the model's classification head on TEXT (sequence or token classification).",
        discussion: """
            Sequence classifiers print every label's probability in label-id order \
            (softmax; sigmoid per label for multi-label heads; the raw value for \
            regression). Token classifiers print the most likely label of every \
            non-special token. The default model uses BertScope's sentiment head \
            (negative / positive).
            """
    )

    @OptionGroup var options: ModelOptions
    @OptionGroup var ablation: AblationOption
    @Option(name: .long, help: "Second sentence of a pair.") var pair: String?
    @Flag(
        name: .long,
        help:
            "Print {\"labels\": [{\"id\", \"label\", \"probability\", \"logit\"}]} or {\"tokens\": [{\"position\", \"token\", \"label\", \"probability\"}]}."
    )
    var json = false
    @Argument(help: "The text to classify.") var text: String

    func run() throws {
        try reportingErrors {
            let (model, task) = try taskModel(options, ablation)
            let e = encodeForModel(model.tokenizer, task.encoder.config, text: text, pair: pair)
            switch task.task.kind {
            case .sequenceClassification:
                let scores = try task.classify(e)
                if json { return JSONOutput.print(Self.json(scores, task.task.problemType)) }
                printNotes(model, task)
                printText(Self.table(scores, task.task.problemType, calmBelow: task.task.calmBelow))
            case .tokenClassification:
                let labels = try task.labelTokens(e)
                if json {
                    return JSONOutput.print(
                        ClassifyJSON(
                            labels: nil,
                            tokens: labels.map {
                                .init(
                                    position: $0.position, token: $0.token, label: $0.label, probability: $0.probability
                                )
                            }))
                }
                printNotes(model, task)
                printText(Self.tokenTable(labels))
            case .questionAnswering:
                throw CommandError("\(model.name) is a question-answering model: use bertscope answer QUESTION CONTEXT")
            }
        }
    }

    static func json(_ scores: [LabelScore], _ problem: ProblemType) -> ClassifyJSON {
        ClassifyJSON(
            labels: scores.map {
                .init(
                    id: $0.id, label: $0.label, probability: problem == .regression ? nil : $0.score,
                    value: problem == .regression ? $0.score : nil, logit: $0.logit)
            }, tokens: nil)
    }

    static func table(_ scores: [LabelScore], _ problem: ProblemType, calmBelow: Float? = nil) -> String {
        if problem == .regression {
            return scores.map { "\($0.label): " + String(format: "%.6g", $0.score) }.joined(separator: "\n")
        }
        let width = max(8, scores.map { displayWidth($0.label) }.max() ?? 8)
        let best = scores.max { $0.score < $1.score }?.id
        let rows = scores.map { s in
            (s.id == best ? "▶ " : "  ") + fit(s.label, width)
                + String(format: " %7.3f%%  ", s.score * 100) + BarGlyphs.bar(Double(s.score), width: 30)
        }
        // A head taught to keep neutral text near 50/50 says "neither" below its line.
        let neither = TaskSummary.neither(calmBelow: calmBelow, scores: scores.map(\.score))
        return (rows + (neither.map { [$0] } ?? [])).joined(separator: "\n")
    }

    static func tokenTable(_ labels: [TokenLabel]) -> String {
        let width = max(8, labels.map { displayWidth($0.token) }.max() ?? 8)
        return
            (["   #  " + fit("token", width) + "  label"]
            + labels.map {
                String(format: "%4d  ", $0.position) + fit($0.token, width) + "  "
                    + fit($0.label, 10) + String(format: " %6.2f%%", $0.probability * 100)
            }).joined(separator: "\n")
    }
}

struct AnswerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "answer",
        abstract: "Extractive question answering: the span of CONTEXT that answers QUESTION.",
        discussion: """
            Decoded as transformers' question-answering pipeline does: a span of \
            context tokens, start ≤ end, at most --max-answer-length tokens, scored \
            P(start)·P(end) (softmax over the context tokens and [CLS]). start and \
            end are character offsets into CONTEXT.
            """
    )

    @OptionGroup var options: ModelOptions
    @OptionGroup var ablation: AblationOption
    @Option(name: .long, help: "Longest answer, in tokens.") var maxAnswerLength = AnswerDecoder.defaultMaxLength
    @Flag(name: .long, help: "Print {\"answer\", \"start\", \"end\", \"score\", \"start_token\", \"end_token\"}.")
    var json = false
    @Argument(help: "The question (sentence A).") var question: String
    @Argument(help: "The context to answer from (sentence B).") var context: String

    func validate() throws {
        guard maxAnswerLength >= 1 else { throw ValidationError("--max-answer-length must be at least 1") }
    }

    func run() throws {
        try reportingErrors {
            let (model, task) = try taskModel(options, ablation)
            guard task.task.kind == .questionAnswering else {
                throw CommandError(
                    "\(model.name) has a \(task.task.kind.rawValue) head, not question answering: use bertscope classify"
                )
            }
            let e = encodeForModel(model.tokenizer, task.encoder.config, text: question, pair: context)
            if e.truncated > 0, !e.sequenceIds.contains(1) {
                throw CommandError("the question fills all \(task.encoder.config.maxTokens) positions: no context left")
            }
            let (_, found) = try task.answer(question: question, context: context, maxLength: maxAnswerLength)
            guard let span = found else { throw CommandError("no answer: the context has no tokens") }
            if json {
                return JSONOutput.print(
                    AnswerJSON(
                        answer: span.text, start: span.start, end: span.end, score: span.score,
                        startToken: span.startToken, endToken: span.endToken))
            }
            printNotes(model, task)
            printText("answer: \(span.text)")
            print(
                String(
                    format: "characters %d–%d of the context, tokens %d–%d, score %.4g (P(start) %.4g × P(end) %.4g)",
                    span.start, span.end, span.startToken, span.endToken, span.score,
                    span.startProbabilities[span.startToken], span.endProbabilities[span.endToken]))
        }
    }
}

/// The overlay and ablation notes above a human-readable result.
func printNotes(_ model: LoadedModel, _ task: TaskModel) {
    if let note = model.taskNote { print("(\(note))") }
    if !task.ablation.isEmpty { print("(heads ablated: \(task.ablation))") }
}
