import Foundation
import Testing
import TestSupport
@testable import Tokenizers

/// RoBERTa's byte-level BPE (a tiny vocabulary trained with `tokenizers`,
/// saved by transformers) against HF `tokenizers` on every golden text.
@Suite struct ByteLevelBPETests {
    static let dir = Fixtures.model("tiny-roberta-mlm")

    @Test func matchesTokenizersOnEveryText() throws {
        let tok = try Tokenizer.load(directory: Self.dir)
        let golden = try Fixtures.json(Self.dir.appendingPathComponent("tokenizer_goldens.json"))
        let cases = golden["cases"] as? [[String: Any]] ?? [], outputs = golden["outputs"] as? [[String: Any]] ?? []
        try #require(cases.count >= 300 && cases.count == outputs.count)
        let failures = EncodingGolden.failures(tok, cases: cases, outputs: outputs)
        #expect(failures == 0, "\(failures) of \(cases.count) texts differ")
    }

    /// add_prefix_space on: RobertaProcessing's offset trimming keeps the one space it added to the first token.
    @Test func prefixSpaceOffsetsMatchTokenizers() throws {
        let tok = try Tokenizer(
            tokenizerJSON: Data(contentsOf: Self.dir.appendingPathComponent("tokenizer_prefix_space.json")))
        let golden = try Fixtures.json(Self.dir.appendingPathComponent("tokenizer_goldens_prefix_space.json"))
        let cases = golden["cases"] as? [[String: Any]] ?? [], outputs = golden["outputs"] as? [[String: Any]] ?? []
        try #require(cases.count >= 300 && cases.count == outputs.count)
        #expect(EncodingGolden.failures(tok, cases: cases, outputs: outputs, label: "prefix space") == 0)
    }

    @Test func preTokenizerFollowsTheGPT2Pattern() {
        func split(_ s: String) -> [String] {
            let sc = Array(s.unicodeScalars)
            return ByteLevel.split(sc).map { String(String.UnicodeScalarView(sc[$0])) }
        }
        #expect(split("Hello world!") == ["Hello", " world", "!"])
        #expect(split("I'm   here's") == ["I", "'m", "  ", " here", "'s"])
        #expect(split("a\tb 12x") == ["a", "\t", "b", " 12", "x"])
        #expect(split("end  ") == ["end", "  "])
        #expect(ByteLevel.byteToChar[32] == "Ġ" && ByteLevel.byteToChar[65] == "A")
    }
}

/// ModernBERT's tokenizer.json layout (NFC, byte-level BPE, a template
/// post-processor with [CLS] and [SEP], a [MASK] that swallows the space
/// before it) against HF `tokenizers` on every golden text.
@Suite struct ModernBertTokenizerTests {
    @Test func matchesTokenizersOnEveryText() throws {
        let dir = Fixtures.model("tiny-modernbert-mlm")
        let tok = try Tokenizer.load(directory: dir)
        let golden = try Fixtures.json(dir.appendingPathComponent("tokenizer_goldens.json"))
        let cases = golden["cases"] as? [[String: Any]] ?? [], outputs = golden["outputs"] as? [[String: Any]] ?? []
        try #require(cases.count >= 300 && cases.count == outputs.count)
        let failures = EncodingGolden.failures(tok, cases: cases, outputs: outputs, label: "modernbert")
        #expect(failures == 0, "\(failures) of \(cases.count) texts differ")
    }
}
