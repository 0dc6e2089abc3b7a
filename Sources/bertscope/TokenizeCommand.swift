import ArgumentParser
import Foundation
import Tokenizers
import Checkpoint

struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Show how the model's tokenizer splits TEXT (pieces, ids, offsets, word and type ids).",
        discussion: "Input longer than the model's max_position_embeddings is truncated, with a warning on stderr."
    )

    @OptionGroup var options: ModelOptions
    @Option(name: .long, help: ArgumentHelp("Second sentence of a pair (type id 1).", valueName: "TEXT_B")) var pair:
        String?
    @Flag(name: .long, help: "Print one JSON object: tokens, ids, offsets, type_ids, word_ids, special_tokens_mask.")
    var json = false
    @Flag(
        name: .long,
        help: "Read JSON Lines on stdin (a string or {\"text\": A, \"pair\": B}); write one JSON object per line.")
    var jsonl = false
    @Option(
        name: .long,
        help:
            "Split a long text into windows of at most N tokens (special tokens included), as HF's return_overflowing_tokens does."
    )
    var maxLength: Int?
    @Option(name: .long, help: "Tokens each window shares with the one before (with --max-length; default 0).")
    var stride: Int?
    @Option(
        name: .long,
        help: ArgumentHelp("Compare tokenizers (with --stats): model folders or hub ids.", valueName: "A,B,…"))
    var models: String?
    @Option(
        name: .long, help: ArgumentHelp("Corpus for --models: one text a line ('-' reads stdin).", valueName: "FILE"))
    var stats: String?
    @Argument(help: "The text to tokenize.") var text: String?

    func validate() throws {
        if jsonl && (text != nil || pair != nil) {
            throw ValidationError("--jsonl reads its texts from stdin; give no TEXT or --pair")
        }
        if models != nil || stats != nil {
            guard models != nil, stats != nil, text == nil, !jsonl else {
                throw ValidationError("--models A,B and --stats FILE go together, without TEXT")
            }
            return
        }
        if !jsonl && text == nil { throw ValidationError("missing TEXT (or use --jsonl)") }
        if maxLength != nil || stride != nil {
            if jsonl || pair != nil {
                throw ValidationError("--max-length/--stride window one TEXT (no --pair, no --jsonl)")
            }
            if let n = maxLength, n < 1 { throw ValidationError("--max-length must be at least 1") }
            if let s = stride, s < 0 { throw ValidationError("--stride must be 0 or more") }
        }
    }

    func run() throws {
        try reportingErrors {
            if let models, let stats { return try ArenaStatistics.run(models: models, corpus: stats, json: json) }
            let dir = try options.directory()
            let tokenizer = try Tokenizer.load(directory: dir)
            let config = try options.config(in: dir)
            if jsonl { return try runJSONL(tokenizer, config) }
            if maxLength != nil || stride != nil {
                let windows = try tokenizer.encodeWindows(
                    text ?? "", maxLength: maxLength ?? config.maxTokens, stride: stride ?? 0)
                if json { return print(EncodingJSON.windows(windows)) }
                for (k, w) in windows.enumerated() {
                    let text = text ?? ""
                    let typed = w.typedPositions
                    let span =
                        typed.first.map { "characters \(w.offsets[$0].start)–\(w.offsets[typed.last!].end)" }
                        ?? "no text"
                    print("window \(k + 1) of \(windows.count): \(w.count) tokens, \(span)")
                    printText(TokenTable.render(w, text: text, pair: nil))
                }
                return
            }
            let e = encodeForModel(tokenizer, config, text: text ?? "", pair: pair)
            if json {
                print(EncodingJSON.object(e))
            } else {
                printText(TokenTable.render(e, text: text ?? "", pair: pair))
            }
        }
    }

    /// Exactly one output line per input line, in order: a bad line (not
    /// JSON, not a text, a `pair` that is not a string; a blank line too)
    /// becomes `{"line": N, "error": "…"}` and the run goes on; the exit
    /// status is 1 at the end when any line failed.
    private func runJSONL(_ tokenizer: Tokenizer, _ config: ModelConfig) throws {
        var lines = StdinLines(), failed = 0
        while let line = try lines.next() {
            let number = lines.number
            switch Self.request(line) {
            case .success(let (a, b)):
                print(EncodingJSON.object(encodeForModel(tokenizer, config, text: a, pair: b, line: number)))
            case .failure(let why):
                failed += 1
                JSONOutput.print(LineErrorJSON(line: number, error: why.message))
                writeStderr("bertscope: warning: stdin line \(number): \(why.message)")
            }
        }
        if failed > 0 {
            writeStderr(
                "bertscope: error: \(failed) of \(lines.number) input lines failed (their output lines hold the errors)"
            )
            throw ExitCode.failure
        }
    }

    static func request(_ line: String) -> Result<(String, String?), TokenizerError> {
        if line.allSatisfy(\.isWhitespace) {
            return .failure(TokenizerError("blank line (expected a JSON string or {\"text\": …})"))
        }
        guard let value = try? JSONValue.parse(Array(line.utf8)) else {
            return .failure(TokenizerError("not valid JSON"))
        }
        if let s = value.string { return .success((s, nil)) }
        guard let t = value["text"]?.string else {
            return .failure(TokenizerError("expected a JSON string or {\"text\": …, \"pair\": …}"))
        }
        guard let pair = value["pair"], !pair.isNull else { return .success((t, nil)) }
        guard let p = pair.string else { return .failure(TokenizerError("\"pair\" must be a string")) }
        return .success((t, p))
    }
}
