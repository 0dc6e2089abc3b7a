import Analysis
import Foundation
import TestSupport
import Testing
import Tokenizers

@Suite struct TokenizerStatsTests {
    @Test func countsWordsTokensSplitsAndUnknownCharacters() throws {
        let tok = try Tokenizer.load(directory: Fixtures.tokenizer)
        let lines = ["hello world", "", "tokenization is fun", "I love 🦄 and 🦄"]
        let s = TokenizerStats.measure(tok, name: "minilm", lines: lines)
        let pieces = lines.map { tok.tokenize($0).count }.reduce(0, +)
        #expect(s.lines == 3 && s.words == 2 + 3 + 5 && s.tokens == pieces)
        #expect(abs(s.fertility - Double(pieces) / 10) < 1e-12)
        // "tokenization" is two pieces (token ##ization): the only split word.
        #expect(s.splitWords == 1 && s.longestPieces.first == "ization")
        #expect(
            s.unknownTokens == 2 && s.unknownCharacters.first?.character == "🦄" && s.unknownCharacters.first?.count == 2
        )
        #expect(TokenizerStats.vocabularyOverlap(tok, tok) == 1)
    }
}
