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

    public var count: Int { ids.count }

    public struct Span: Sendable, Equatable, Hashable {
        public var start: Int
        public var end: Int
        public init(_ start: Int, _ end: Int) { self.start = start; self.end = end }
    }

    public init() {}

    mutating func append(id: Int, token: String, span: Span, typeId: Int, wordId: Int?, special: Bool, sequence: Int?) {
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
    /// Set when this token is the unknown token standing for a whole word.
    public var unknown: WordPiece.Unknown? = nil
}

extension Encoding {
    /// The positions of every piece of token `i`'s word (same word id and
    /// sequence); just `[i]` for a template special token.
    public func wordMembers(of i: Int) -> [Int] {
        guard wordIds[i] != nil else { return [i] }
        return ids.indices.filter { wordIds[$0] == wordIds[i] && sequenceIds[$0] == sequenceIds[i] }
    }
}
