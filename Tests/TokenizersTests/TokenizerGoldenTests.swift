import Foundation
import Testing
import TestSupport
@testable import Tokenizers

/// Every text of Tests/Fixtures/tokenizer_texts.py, under every normalizer
/// configuration, must tokenize exactly as HF `tokenizers` did.
@Suite struct TokenizerGoldenTests {
    nonisolated(unsafe) static let goldens: [String: Any] =
        (try? Fixtures.json(Fixtures.tokenizer.appendingPathComponent("goldens.json"))) ?? [:]
    static var cases: [[String: Any]] { goldens["cases"] as? [[String: Any]] ?? [] }
    static var variants: [String: [String: Any]] { goldens["variants"] as? [String: [String: Any]] ?? [:] }

    /// tokenizer.json with its normalizer replaced, so the flags are read the way real files are read.
    static func tokenizer(normalizer: Any?) throws -> Tokenizer {
        let url = Fixtures.tokenizer.appendingPathComponent("tokenizer.json")
        var json = try Fixtures.json(url)
        if let normalizer, !(normalizer is NSNull) { json["normalizer"] = normalizer }
        return try Tokenizer(tokenizerJSON: JSONSerialization.data(withJSONObject: json))
    }

    @Test func goldenSetIsLarge() {
        #expect(Self.cases.count >= 300)
        #expect(Self.variants.count == 5)
    }

    @Test(arguments: ["uncased", "cased", "lower-keep-accents", "raw"])
    func matchesTokenizersJSON(variant: String) throws {
        let spec = try #require(Self.variants[variant])
        let tokenizer = try Self.tokenizer(normalizer: spec["normalizer"])
        try compare(tokenizer, spec["outputs"] as? [[String: Any]] ?? [], variant)
    }

    @Test func matchesVocabTxtWithTokenizerConfig() throws {
        let dir = Fixtures.tokenizer
        let tokenizer = try Tokenizer(
            vocabTxt: dir.appendingPathComponent("vocab.txt"),
            config: dir.appendingPathComponent("vocab-only/tokenizer_config.json"))
        #expect(tokenizer.normalizer.lowercases == false)
        try compare(
            tokenizer, Self.variants["vocab-only-cased"]?["outputs"] as? [[String: Any]] ?? [], "vocab-only-cased")
    }

    private func compare(_ tokenizer: Tokenizer, _ outputs: [[String: Any]], _ variant: String) throws {
        try #require(outputs.count == Self.cases.count)
        var failures = 0
        for (c, want) in zip(Self.cases, outputs) {
            let text = c["text"] as? String ?? ""
            let pair = c["pair"] as? String
            let got = tokenizer.encode(text, pair: pair)
            let offsets = (want["offsets"] as? [[Int]] ?? []).map { Encoding.Span($0[0], $0[1]) }
            let wordIds = (want["word_ids"] as? [Any] ?? []).map { $0 as? Int }
            let same =
                got.tokens == want["tokens"] as? [String] && got.ids == want["ids"] as? [Int]
                && got.offsets == offsets && got.typeIds == want["type_ids"] as? [Int]
                && got.wordIds == wordIds && got.specialTokensMask == want["special_tokens_mask"] as? [Int]
            if !same {
                failures += 1
                if failures <= 5 {
                    Issue.record(
                        "[\(variant)] \(text.debugDescription) pair=\(pair.debugDescription)\n got \(got.tokens) \(got.offsets.map { [$0.start, $0.end] }) words \(got.wordIds)\nwant \(want["tokens"] ?? "") \(want["offsets"] ?? "") words \(want["word_ids"] ?? "")"
                    )
                }
            }
        }
        #expect(failures == 0, "\(failures) of \(outputs.count) texts differ in \(variant)")
    }
}
