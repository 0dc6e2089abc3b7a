/// Why a token is the unknown token, as the model decided it while
/// tokenizing (kept in `Encoding.unknown` so views never re-derive it).
public enum UnknownReason: Sendable, Equatable, CustomStringConvertible {
    /// WordPiece: the word has more characters than `max_input_chars_per_word`.
    case tooLong(characters: Int, limit: Int)
    /// WordPiece: no vocabulary piece matches `rest`, the part of the
    /// (normalized) word left after the pieces that did match.
    case notInVocabulary(rest: String)
    /// Unigram: no piece covers these characters (consecutive ones fused).
    case uncovered(String)

    public var description: String {
        switch self {
        case .tooLong(let n, let limit): return "\(n) chars > \(limit)"
        case .notInVocabulary(let rest): return "\"\(rest)\" not in vocab"
        case .uncovered(let text): return "no piece covers \"\(text)\""
        }
    }
}
