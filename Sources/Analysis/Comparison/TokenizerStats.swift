import Foundation
import Tokenizers

/// How a tokenizer splits a corpus: what `tokenize --models A,B --stats FILE` compares.
public struct TokenizerStats: Sendable, Equatable {
    public var name: String
    public var lines = 0, words = 0, tokens = 0, characters = 0
    public var unknownTokens = 0
    /// Characters inside text that became the unknown token, most frequent first.
    public var unknownCharacters: [(character: String, count: Int)] = []
    /// Words (whitespace-separated) that took more than one token.
    public var splitWords = 0
    /// The longest pieces the corpus used (markers ##, Ġ, ▁ removed).
    public var longestPieces: [String] = []

    public var fertility: Double { words > 0 ? Double(tokens) / Double(words) : 0 }
    public var charactersPerToken: Double { tokens > 0 ? Double(characters) / Double(tokens) : 0 }
    public var unknownRate: Double { tokens > 0 ? Double(unknownTokens) / Double(tokens) : 0 }
    public var splitShare: Double { words > 0 ? Double(splitWords) / Double(words) : 0 }

    public static func == (a: TokenizerStats, b: TokenizerStats) -> Bool {
        a.name == b.name && a.lines == b.lines && a.words == b.words && a.tokens == b.tokens
            && a.unknownTokens == b.unknownTokens && a.splitWords == b.splitWords && a.longestPieces == b.longestPieces
            && a.unknownCharacters.map(\.character) == b.unknownCharacters.map(\.character)
    }

    /// Text tokens only (no special tokens), words split at whitespace.
    public static func measure(_ tokenizer: Tokenizer, name: String, lines: [String]) -> TokenizerStats {
        var counter = Counter(tokenizer, name: name)
        for line in lines { counter.add(line) }
        return counter.stats
    }

    /// The characters that made `t` the unknown token: for WordPiece the first
    /// character no piece matches (a [UNK] stands for a whole word), a
    /// too-long word as such, for Unigram the uncovered characters.
    static func culprits(_ t: RawToken, _ scalars: [Unicode.Scalar]) -> [String] {
        switch t.unknown {
        case .notInVocabulary(let rest)?: return rest.unicodeScalars.first.map { [String($0)] } ?? []
        case .tooLong(_, let limit)?: return ["(a word over \(limit) characters)"]
        case .uncovered(let text)?: return text.unicodeScalars.map { String($0) }
        case nil:
            let lo = max(0, min(t.span.start, scalars.count)), hi = max(lo, min(t.span.end, scalars.count))
            return scalars[lo..<hi].map { String($0) }
        }
    }

    /// A vocabulary entry without its scheme's word-boundary marks.
    public static func plain(_ piece: String) -> String {
        if piece.hasPrefix("##") { return String(piece.dropFirst(2)) }
        if let f = piece.first, f == "Ġ" || f == "▁", piece.count > 1 { return String(piece.dropFirst()) }
        return piece
    }

    /// Jaccard overlap of two vocabularies (entries compared without their marks).
    public static func vocabularyOverlap(_ a: Tokenizer, _ b: Tokenizer) -> Double {
        func set(_ t: Tokenizer) -> Set<String> {
            Set((0..<t.vocabSize).compactMap { t.token(for: $0) }.map(plain))
        }
        let x = set(a), y = set(b)
        let union = x.union(y).count
        return union > 0 ? Double(x.intersection(y).count) / Double(union) : 0
    }
}
