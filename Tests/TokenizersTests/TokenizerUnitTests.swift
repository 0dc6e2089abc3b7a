import Foundation
import Testing
@testable import Tokenizers

@Suite struct WordPieceTests {
    let wp = try! WordPiece(
        entries: ["[UNK]", "un", "##aff", "##able", "aff", "a", "##b"].enumerated().map { ($1, $0) })

    private func split(_ word: String) -> Result<[WordPiece.Piece], WordPiece.UnknownWord> {
        wp.pieces(Array(word.unicodeScalars)[...])
    }

    @Test func greedyLongestMatchFirst() throws {
        let pieces = try split("unaffable").get()
        #expect(pieces.map { wp.idToToken[$0.id] } == ["un", "##aff", "##able"])
        #expect(pieces.map(\.range) == [0..<2, 2..<5, 5..<9])
    }

    @Test func unknownWordsSayWhy() {
        #expect(split("unx") == .failure(.init(reason: .noPiece(at: 2))))
        #expect(split(String(repeating: "a", count: 101)) == .failure(.init(reason: .tooLong(chars: 101))))
        if case .success = split(String(repeating: "a", count: 1) + String(repeating: "b", count: 99)) {
        } else {
            Issue.record("a 100-char word must still be split")
        }
    }

    @Test func vocabularyIsScalarExactNotCanonical() throws {
        // U+FA45 is canonically equivalent to U+6D77, but a different vocabulary entry.
        let v = try WordPiece(entries: [("[UNK]", 0), ("\u{6D77}", 1)])
        #expect(v.id(for: "\u{6D77}") == 1)
        #expect(v.id(for: "\u{FA45}") == nil)
        #expect(v.pieces(["\u{FA45}"][...]) == .failure(.init(reason: .noPiece(at: 0))))
    }

    @Test func theTraceSeesEveryGreedyStep() {
        var steps: [WordPiece.Match] = []
        _ = wp.pieces(Array("unaffx".unicodeScalars)[...]) { steps.append($0) }
        #expect(steps.map { $0.piece.map { wp.idToToken[$0.id] } } == ["un", "##aff", nil])
        #expect(steps.map(\.misses) == [4, 1, 1], "longer candidates tried first: unaffx…una, affx, x")
    }

    @Test func missingUnknownTokenIsAnError() {
        #expect(throws: TokenizerError.self) { try WordPiece(entries: [("a", 0)]) }
    }
}

@Suite struct PipelineTests {
    static let vocab = [
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "cat", "sat", "on", "mat", ".", "a", "b", "c", "d", "e",
    ]
    static func tokenizer(added: [AddedToken]? = nil) throws -> Tokenizer {
        let model = try WordPiece(entries: vocab.enumerated().map { ($1, $0) })
        let specials = added ?? [0, 1, 2, 3, 4].map { AddedToken(id: $0, content: vocab[$0], special: true) }
        return Tokenizer(
            normalizer: BertNormalizer(), model: model, addedTokens: specials,
            postProcessor: .bert(cls: "[CLS]", clsId: 2, sep: "[SEP]", sepId: 3))
    }

    /// The x-ray traces the tokenizer's own code: its steps are the
    /// normalizer steps that are on, and its pieces are the encoding's.
    @Test func xrayIsTheRealPipelineTraced() throws {
        let t = try Self.tokenizer()
        let text = "The cat Sat on a mat xyz."
        let e = t.encode(text)
        for w in e.wordStarts {
            let members = e.wordMembers(of: w)
            let x = t.xray(text, span: .init(e.offsets[members.first!].start, e.offsets[members.last!].end))
            let pieces = x.steps.flatMap { $0 }.map { $0.piece ?? "[UNK]" }
            #expect(pieces == members.map { e.tokens[$0] }, "\(x.original)")
        }
        #expect(
            t.xray(text, span: .init(0, 3)).normalization.map(\.name) == [
                "clean text", "space CJK", "strip accents", "lowercase",
            ])
        let lowercaseOnly = Tokenizer(
            normalizer: BertNormalizer(
                cleanText: false, handleChineseChars: false, stripAccents: false, lowercase: true),
            model: try WordPiece(entries: Self.vocab.enumerated().map { ($1, $0) }), addedTokens: [],
            postProcessor: .bert(cls: "[CLS]", clsId: 2, sep: "[SEP]", sepId: 3))
        #expect(
            lowercaseOnly.xray(text, span: .init(0, 3)).normalization.map(\.name) == ["lowercase"],
            "only the steps the settings turn on")
        // The encoding carries why a word is unknown; the x-ray agrees.
        let unk = try #require(e.unknown.first)
        #expect(unk.value == .notInVocabulary(rest: "xyz") && e.tokens[unk.key] == "[UNK]")
    }

    @Test func truncationIsLongestFirstAndCounted() throws {
        let t = try Self.tokenizer()
        let e = t.encode("a b c d e", pair: "a b", maxLength: 7)
        #expect(e.tokens == ["[CLS]", "a", "b", "[SEP]", "a", "b", "[SEP]"])
        #expect(e.truncated == 3)
        let tie = t.encode("a b c", pair: "d e c", maxLength: 7)
        #expect(tie.tokens == ["[CLS]", "a", "b", "[SEP]", "d", "e", "[SEP]"] && tie.truncated == 2)
        let single = t.encode("a b c d e", maxLength: 4)
        #expect(single.tokens == ["[CLS]", "a", "b", "[SEP]"] && single.truncated == 3)
        #expect(t.encode("a b", maxLength: 512).truncated == 0)
    }

    @Test func addedTokenFlags() throws {
        let mask = AddedToken(id: 4, content: "[MASK]", special: true, lstrip: true, rstrip: true)
        let t = try Self.tokenizer(added: [mask])
        let e = t.encode("the [MASK] cat")
        // The token is the text it matched, spaces swallowed included, as HF tokenizers reports it.
        #expect(e.tokens == ["[CLS]", "the", " [MASK] ", "cat", "[SEP]"] && e.ids[2] == 4)
        #expect(e.offsets[2] == .init(3, 11))  // swallowed both spaces

        let single = AddedToken(id: 4, content: "cat", special: false, singleWord: true)
        let s = try Self.tokenizer(added: [single])
        #expect(s.encode("cat").ids == [2, 4, 3])
        #expect(s.encode("cats").tokens == ["[CLS]", "[UNK]", "[SEP]"])  // inside a word: not matched
    }

    @Test func offsetsSurviveNormalization() throws {
        let t = try Self.tokenizer()
        // Accents stripped, zero-width removed, Chinese spaced: offsets still index the original.
        let e = t.encode("Ca\u{0301}t\u{200B} 中sat")
        #expect(e.tokens == ["[CLS]", "cat", "[UNK]", "sat", "[SEP]"])
        #expect(e.offsets.map { [$0.start, $0.end] } == [[0, 0], [0, 4], [6, 7], [7, 10], [0, 0]])
    }
}

@Suite struct JSONValueTests {
    @Test func keepsKeysExactAndOrdered() throws {
        let v = try JSONValue.parse(Array(#"{"\uFA45":1,"\u6D77":2,"b":[true,null,-1.5e2,"x\n\"y\""]}"#.utf8))
        let keys = try #require(v.members).map(\.key)
        #expect(keys.map { Array($0.unicodeScalars) } == [["\u{FA45}"], ["\u{6D77}"], ["b"]])
        #expect(v["\u{6D77}"]?.int == 2)
        #expect(v["b"]?.array == [.bool(true), .null, .number(-150), .string("x\n\"y\"")])
    }

    @Test func surrogatesAndErrors() throws {
        #expect(try JSONValue.parse(Array(#""\ud83d\ude00""#.utf8)).string == "😀")
        #expect(try JSONValue.parse(Array(#""\ud83d""#.utf8)).string == "\u{FFFD}")
        for bad in ["{", "[1,]", "\"abc", "{\"a\" 1}", "tru", "1 2", String(repeating: "[", count: 600)] {
            #expect(throws: TokenizerError.self, "\(bad)") { try JSONValue.parse(Array(bad.utf8)) }
        }
    }
}

@Suite struct LoadingErrorTests {
    @Test func unsupportedComponentsAreNamed() throws {
        let cases: [(String, String)] = [
            (
                #"{"model":{"type":"BPE","vocab":{}},"pre_tokenizer":{"type":"BertPreTokenizer"}}"#,
                "pre_tokenizer BertPreTokenizer with BPE is not supported (supported: ByteLevel)"
            ),
            (
                #"{"model":{"type":"WordPiece","vocab":{"[UNK]":0}},"normalizer":{"type":"NFKC"},"pre_tokenizer":{"type":"BertPreTokenizer"}}"#,
                "normalizer NFKC is not supported"
            ),
            (
                #"{"model":{"type":"WordPiece","vocab":{"[UNK]":0}},"pre_tokenizer":{"type":"Metaspace"}}"#,
                "pre_tokenizer Metaspace is not supported"
            ),
            (
                #"{"model":{"type":"WordPiece","vocab":{"x":0}},"pre_tokenizer":{"type":"BertPreTokenizer"}}"#,
                "no unknown token [UNK]"
            ),
            ("not json", "invalid JSON"),
        ]
        for (json, expected) in cases {
            do { _ = try Tokenizer(tokenizerJSON: Data(json.utf8)); Issue.record("accepted \(json)") } catch {
                #expect("\(error)".contains(expected), "\(error)")
            }
        }
    }
}
