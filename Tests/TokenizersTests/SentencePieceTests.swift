import Foundation
import Testing
import TestSupport
@testable import Tokenizers

/// SentencePiece Unigram tokenizers (a tiny spm model with the real nmt_nfkc
/// charsmap, turned into tokenizer.json the way ALBERT, DeBERTa-v2/v3 and
/// XLM-R checkpoints ship it) against HF `tokenizers` on every golden text.
@Suite struct SentencePieceTests {
    static let dir = Fixtures.root.appendingPathComponent("sentencepiece")
    nonisolated(unsafe) static let variants: [String: Any] =
        (try? Fixtures.json(dir.appendingPathComponent("variants.json"))) ?? [:]
    nonisolated(unsafe) static let goldens: [String: Any] =
        (try? Fixtures.json(dir.appendingPathComponent("goldens.json"))) ?? [:]
    static let names = [
        "albert", "albert-cased-accents", "albert-legacy-metaspace", "deberta-v3", "deberta-v2-punct-lower",
        "deberta-v5", "xlm-roberta", "xlm-roberta-roberta-processing",
    ]

    /// The variant's tokenizer.json bytes, charsmap restored.
    static func json(_ name: String) throws -> Data {
        let spec = try #require((variants["variants"] as? [String: Any])?[name])
        let charsmap = try #require(variants["charsmap"] as? String)
        let text = String(decoding: try JSONSerialization.data(withJSONObject: spec), as: UTF8.self)
        return Data(text.replacingOccurrences(of: "\"@charsmap\"", with: "\"\(charsmap)\"").utf8)
    }

    @Test(arguments: names) func matchesTokenizersOnEveryText(name: String) throws {
        let tok = try Tokenizer(tokenizerJSON: Self.json(name))
        let cases = Self.goldens["cases"] as? [[String: Any]] ?? []
        let outputs = (Self.goldens["outputs"] as? [String: Any])?[name] as? [[String: Any]] ?? []
        try #require(cases.count >= 350 && cases.count == outputs.count)
        let failures = EncodingGolden.failures(tok, cases: cases, outputs: outputs, label: name)
        #expect(failures == 0, "\(name): \(failures) of \(cases.count) texts differ")
    }

    @Test func unigramPicksTheBestScoringSegmentation() throws {
        // tokenizers' own doc example: abcd a cd, and the unknown "xx" fused.
        let pieces: [(token: String, score: Double)] = [
            ("<unk>", 0), ("a", 0), ("b", 0), ("c", 0), ("d", 0), ("cd", 1), ("ab", 2), ("abc", 5), ("abcd", 10),
        ]
        let model = try Unigram(pieces: pieces, unkId: 0)
        let out = model.encode(Array("abcdacdxx".unicodeScalars))
        #expect(out.map(\.token) == ["abcd", "a", "cd", "xx"])
        #expect(out.map(\.id) == [8, 1, 5, 0])
        #expect(out.last?.isUnknown == true && out.last?.range == 7..<9)
    }

    @Test func charsmapAppliesNFKCRules() throws {
        let tok = try Tokenizer(tokenizerJSON: Self.json("xlm-roberta"))
        guard case .sequence(let list) = tok.normalizer, case .precompiled(let map) = list.first else {
            Issue.record("xlm-roberta normalizer is not Precompiled first"); return
        }
        #expect(map.transform(Array("ﬁ".utf8)).map { String(String.UnicodeScalarView($0)) } == "fi")
        #expect(map.transform(Array("Ａ".utf8)).map { String(String.UnicodeScalarView($0)) } == "A")
        #expect(map.transform(Array("a".utf8)) == nil)
        let n = tok.normalizer.normalize(NormalizedText(original: Array("aﬁ  ①".unicodeScalars)[...]))
        #expect(n.string == "afi 1")
        #expect(n.origin == [0, 1, 1, 3, 4])
    }

    @Test func xrayShowsTheStagesThatChangedTheWordAndTheChosenPieces() throws {
        let tok = try Tokenizer(tokenizerJSON: Self.json("albert"))
        let x = tok.xray("Say ``Héllo''", span: .init(4, 13))
        #expect(
            x.normalization.map(\.name).suffix(3) == ["NFKD", "strip accents", "lowercase"]
                && x.normalization.count == 5)
        #expect(x.normalization.last?.text == "\"hello\"")
        #expect(x.preTokens == ["▁\"hello\""])
        let pieces = try #require(x.steps.first).map(\.piece)
        #expect(pieces.compactMap { $0 }.joined() == "▁\"hello\"")
        #expect(
            tok.encode("Say ``Héllo''").tokens.dropFirst(2).dropLast().joined() == pieces.compactMap { $0 }.joined())
        let plain = tok.xray("word", span: .init(0, 4))
        #expect(plain.normalization.map(\.text) == ["7 stages, no change"])
    }

    @Test func brokenFilesGiveOneLineErrors() throws {
        var spec = String(decoding: try Self.json("albert"), as: UTF8.self)
        let bad = spec.replacingOccurrences(of: "\"byte_fallback\":false", with: "\"byte_fallback\":true")
        #expect(throws: TokenizerError.self) { try Tokenizer(tokenizerJSON: Data(bad.utf8)) }
        spec = spec.replacingOccurrences(of: "\"WhitespaceSplit\"", with: "\"CharDelimiterSplit\"")
        do {
            _ = try Tokenizer(tokenizerJSON: Data(spec.utf8)); Issue.record("accepted an unknown pre-tokenizer")
        } catch let e as TokenizerError {
            #expect(e.message.contains("CharDelimiterSplit") && !e.message.contains("\n"))
        }
        #expect(throws: TokenizerError.self) { try PrecompiledCharsmap(bytes: [0xFF, 0xFF, 0, 0, 1, 2]) }
    }
}

/// A hub-style DeBERTa-v3 folder with spm.model and no tokenizer.json,
/// against what transformers builds from the same files.
@Suite struct DebertaSPMTests {
    static let dir = Fixtures.root.appendingPathComponent("sentencepiece/deberta-spm")

    @Test(arguments: ["shipped", "lower-punct-noprefix"])
    func matchesTransformersFromSpmModel(setting: String) throws {
        let golden = try Fixtures.json(Self.dir.appendingPathComponent("goldens.json"))
        let config = try #require((golden["settings"] as? [String: Any])?[setting])
        // A copy of the folder with this setting's tokenizer_config.json and a DeBERTa config.json.
        let tmp = try temporaryDirectory()
        for f in ["spm.model", "special_tokens_map.json", "added_tokens.json"] {
            try FileManager.default.copyItem(at: Self.dir.appendingPathComponent(f), to: tmp.appendingPathComponent(f))
        }
        try JSONSerialization.data(withJSONObject: config).write(
            to: tmp.appendingPathComponent("tokenizer_config.json"))
        try Data(#"{"model_type": "deberta-v2"}"#.utf8).write(to: tmp.appendingPathComponent("config.json"))
        let tok = try Tokenizer.load(directory: tmp)
        #expect(tok.maskId == 1200 && tok.vocabSize == 1201 && tok.unkId == 3)
        let cases = golden["cases"] as? [[String: Any]] ?? []
        let outputs = (golden["outputs"] as? [String: Any])?[setting] as? [[String: Any]] ?? []
        try #require(cases.count >= 350 && cases.count == outputs.count)
        #expect(EncodingGolden.failures(tok, cases: cases, outputs: outputs, label: setting) == 0)
    }

    @Test func otherFamiliesStillNeedTokenizerJSONAndCorruptModelsAreErrors() throws {
        let tmp = try temporaryDirectory()
        try FileManager.default.copyItem(
            at: Self.dir.appendingPathComponent("spm.model"), to: tmp.appendingPathComponent("spiece.model"))
        try Data(#"{"model_type": "t5"}"#.utf8).write(to: tmp.appendingPathComponent("config.json"))
        do {
            _ = try Tokenizer.load(directory: tmp);
            Issue.record("built a tokenizer for an unknown class from spiece.model")
        } catch let e as TokenizerError {
            #expect(e.message.contains("spiece.model but no tokenizer.json") && e.message.contains("save_pretrained"))
        }
        let bytes = [UInt8](try Data(contentsOf: Self.dir.appendingPathComponent("spm.model")))
        // Every cut inside the pieces or the trainer spec is an error (the normalizer spec may be cut).
        let full = try SentencePieceModelFile(bytes: bytes)
        for cut in stride(from: 1, to: bytes.count, by: 97) {
            if let m = try? SentencePieceModelFile(bytes: Array(bytes[0..<cut])) {
                #expect(m.pieces.count == full.pieces.count, "cut at \(cut)")
            }
        }
        #expect(throws: TokenizerError.self) {
            try SentencePieceModelFile(bytes: [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F])
        }
    }
}

/// ALBERT (spiece.model) and XLM-R (sentencepiece.bpe.model) folders without
/// tokenizer.json, against what transformers builds from the same files.
@Suite struct SlowFolderTests {
    @Test(arguments: [
        ("albert", "spiece.model", "default"), ("albert", "spiece.model", "cased-accents-noprefix"),
        ("xlm-roberta", "sentencepiece.bpe.model", "default"),
    ])
    func matchesTransformersFromTheModelFile(family: String, file: String, setting: String) throws {
        let dir = Fixtures.root.appendingPathComponent("sentencepiece/slow-\(family)")
        let golden = try Fixtures.json(dir.appendingPathComponent("goldens.json"))
        let config = try #require((golden["settings"] as? [String: Any])?[setting])
        let tmp = try temporaryDirectory()
        try FileManager.default.copyItem(at: dir.appendingPathComponent(file), to: tmp.appendingPathComponent(file))
        try JSONSerialization.data(withJSONObject: config).write(
            to: tmp.appendingPathComponent("tokenizer_config.json"))
        try Data("{\"model_type\": \"\(family)\"}".utf8).write(to: tmp.appendingPathComponent("config.json"))
        let tok = try Tokenizer.load(directory: tmp)
        #expect(tok.maskId == (family == "albert" ? 4 : 1201))
        let cases = golden["cases"] as? [[String: Any]] ?? []
        let outputs = (golden["outputs"] as? [String: Any])?[setting] as? [[String: Any]] ?? []
        try #require(cases.count >= 350 && cases.count == outputs.count)
        #expect(EncodingGolden.failures(tok, cases: cases, outputs: outputs, label: "\(family) \(setting)") == 0)
    }
}
