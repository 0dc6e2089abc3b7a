import ArgumentParser
import Foundation
import Tokenizers

struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Show how the model's tokenizer splits TEXT (pieces, ids, offsets, word and type ids).",
        discussion: "Input longer than the model's max_position_embeddings is truncated, with a warning on stderr."
    )

    @OptionGroup var options: ModelOptions
    @Option(name: .long, help: ArgumentHelp("Second sentence of a pair (type id 1).", valueName: "TEXT_B")) var pair: String?
    @Flag(name: .long, help: "Print one JSON object: tokens, ids, offsets, type_ids, word_ids, special_tokens_mask.") var json = false
    @Flag(name: .long, help: "Read JSON Lines on stdin (a string or {\"text\": A, \"pair\": B}); write one JSON object per line.") var jsonl = false
    @Argument(help: "The text to tokenize.") var text: String?

    func validate() throws {
        if jsonl && (text != nil || pair != nil) { throw ValidationError("--jsonl reads its texts from stdin; give no TEXT or --pair") }
        if !jsonl && text == nil { throw ValidationError("missing TEXT (or use --jsonl)") }
    }

    func run() throws {
        try reportingErrors {
            let dir = try options.directory()
            let tokenizer = try Tokenizer.load(directory: dir)
            let config = try options.config(in: dir)
            if jsonl { return try runJSONL(tokenizer, config) }
            let e = encodeForModel(tokenizer, config, text: text ?? "", pair: pair)
            print(json ? EncodingJSON.object(e) : TokenTable.render(e, text: text ?? "", pair: pair))
        }
    }

    private func runJSONL(_ tokenizer: Tokenizer, _ config: ModelConfig) throws {
        var number = 0
        while let line = readLine(strippingNewline: true) {
            number += 1
            if line.allSatisfy(\.isWhitespace) { continue }
            let value: JSONValue
            do { value = try JSONValue.parse(Array(line.utf8)) } catch {
                throw TokenizerError("stdin line \(number): not valid JSON")
            }
            let (a, b): (String, String?)
            if let s = value.string { (a, b) = (s, nil) } else if let t = value["text"]?.string {
                (a, b) = (t, value["pair"]?.string)
            } else {
                throw TokenizerError("stdin line \(number): expected a JSON string or {\"text\": …, \"pair\": …}")
            }
            print(EncodingJSON.object(encodeForModel(tokenizer, config, text: a, pair: b)))
        }
    }
}

import Checkpoint
