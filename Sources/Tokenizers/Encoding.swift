/// One tokenized input (a sentence or a sentence pair), field for field what
/// HF `tokenizers` returns: offsets are Unicode scalar indices into the
/// original text (Python `str` indices); for a pair, B's offsets index B.
public struct Encoding: Sendable, Equatable {
    public var ids: [Int] = []
    public var tokens: [String] = []
    public var offsets: [Span] = []
    public var typeIds: [Int] = []
    /// Word index within its own sequence; nil for template special tokens.
    public var wordIds: [Int?] = []
    /// 1 for tokens the post-processor added ([CLS], [SEP]); 0 otherwise.
    public var specialTokensMask: [Int] = []
    /// 0 for sentence A, 1 for sentence B, nil for template special tokens.
    public var sequenceIds: [Int?] = []
    /// How many tokens truncation removed (0 when nothing was cut).
    public var truncated: Int = 0
    /// Why each unknown token at a position is unknown (typed `[UNK]`s have no entry).
    public var unknown: [Int: UnknownReason] = [:]

    public var count: Int { ids.count }

    public struct Span: Sendable, Equatable, Hashable {
        public var start: Int
        public var end: Int
        public init(_ start: Int, _ end: Int) { self.start = start; self.end = end }
    }

    public init() {}

    mutating func append(
        id: Int, token: String, span: Span, typeId: Int, wordId: Int?, special: Bool, sequence: Int?,
        unknown reason: UnknownReason? = nil
    ) {
        if let reason { unknown[ids.count] = reason }
        ids.append(id); tokens.append(token); offsets.append(span); typeIds.append(typeId)
        wordIds.append(wordId); specialTokensMask.append(special ? 1 : 0); sequenceIds.append(sequence)
    }
}

/// A token of one sequence before the post-processor adds special tokens.
public struct RawToken: Sendable, Equatable {
    public var id: Int
    public var token: String
    public var span: Encoding.Span
    public var wordId: Int
    /// Set when this token is the unknown token (for WordPiece: standing for a whole word).
    public var unknown: UnknownReason? = nil
}

/// One API for "which tokens are special" and "which pieces form a word",
/// so no caller re-derives them from the raw arrays.
extension Encoding {
    /// True for tokens the post-processor template added ([CLS], [SEP], <s>…).
    public func isSpecial(_ i: Int) -> Bool { specialTokensMask[i] == 1 }

    /// Positions of the tokens that come from the typed text.
    public var typedPositions: [Int] { ids.indices.filter { !isSpecial($0) } }

    /// True when token `i` continues the word of token `i - 1` (same word id and sequence).
    public func continuesWord(_ i: Int) -> Bool {
        i > 0 && wordIds[i] != nil && wordIds[i] == wordIds[i - 1] && sequenceIds[i] == sequenceIds[i - 1]
    }

    /// The first piece of every typed word, in order (sentence B's words too).
    public var wordStarts: [Int] { typedPositions.filter { !continuesWord($0) } }

    /// The positions of every piece of token `i`'s word (same word id and
    /// sequence); just `[i]` for a template special token.
    public func wordMembers(of i: Int) -> [Int] {
        guard wordIds[i] != nil else { return [i] }
        return ids.indices.filter { wordIds[$0] == wordIds[i] && sequenceIds[$0] == sequenceIds[i] }
    }

    /// Consecutive runs of positions forming one word each; specials stand alone.
    public func wordGroups(of positions: [Int]) -> [[Int]] {
        var groups: [[Int]] = []
        for (k, p) in positions.enumerated() {
            if k > 0, wordIds[p] != nil, wordIds[p] == wordIds[positions[k - 1]],
                sequenceIds[p] == sequenceIds[positions[k - 1]]
            {
                groups[groups.count - 1].append(p)
            } else {
                groups.append([p])
            }
        }
        return groups
    }

    /// True for a piece that is only a word-boundary mark (a SentencePiece
    /// `▁`, a byte-level `Ġ`): tokenizers gives it its neighbour's offsets, so
    /// its span repeats letters another piece owns.
    public func isLoneBoundaryMark(_ i: Int) -> Bool {
        let t = tokens[i]
        return !t.isEmpty && !isSpecial(i) && t.unicodeScalars.allSatisfy { $0 == "▁" || $0 == "Ġ" }
    }

    /// The whole word of token `i` as typed in `text` (its pieces' joint span),
    /// or nil for specials and spans outside the text: [UNK] words read as themselves.
    public func typedWord(of i: Int, in text: String) -> String? {
        let members = wordMembers(of: i), scalars = Array(text.unicodeScalars)
        let start = offsets[members.first!].start, end = offsets[members.last!].end
        guard !isSpecial(i), start < end, end <= scalars.count else { return nil }
        return String(String.UnicodeScalarView(scalars[start..<end]))
    }

    /// The characters of `text` (Unicode scalars) token `i`'s span covers, or nil
    /// for specials and spans outside the text.
    public func typedText(of i: Int, in text: String) -> String? {
        let scalars = Array(text.unicodeScalars), span = offsets[i]
        guard !isSpecial(i), span.start <= span.end, span.end <= scalars.count else { return nil }
        return String(String.UnicodeScalarView(scalars[span.start..<span.end]))
    }
}
