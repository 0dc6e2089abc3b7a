/// Greedy longest-match-first WordPiece, as HF `tokenizers`' WordPiece model.
/// The vocabulary is keyed by UTF-8 bytes, not `String`: Swift string
/// equality is canonical equivalence, and tokenizers matches exact scalars.
public struct WordPiece: Sendable {
    private let vocab: [[UInt8]: Int]
    public let idToToken: [String]
    public let unkToken: String
    public let unkId: Int
    public let prefix: String
    public let maxInputCharsPerWord: Int

    /// `entries` in file order; a repeated token keeps its first id.
    public init(
        entries: [(token: String, id: Int)], unkToken: String = "[UNK]", prefix: String = "##",
        maxInputCharsPerWord: Int = 100
    ) throws {
        let v = try Vocabulary(entries)
        guard let unkId = v.id(unkToken) else {
            throw TokenizerError("the vocabulary has no unknown token \(unkToken)")
        }
        self.vocab = v.ids
        self.idToToken = v.tokens
        self.unkToken = unkToken
        self.unkId = unkId
        self.prefix = prefix
        self.maxInputCharsPerWord = maxInputCharsPerWord
    }

    public func id(for token: String) -> Int? { vocab[Array(token.utf8)] }

    /// Why a word became `[UNK]` (shown by the tokenization pane).
    public enum Unknown: Sendable, Equatable {
        case tooLong(chars: Int)
        /// No vocabulary entry matches at this scalar index of the word.
        case noPiece(at: Int)
    }

    public struct Piece: Sendable, Equatable {
        public let id: Int
        /// Scalar range inside the word.
        public let range: Range<Int>
    }

    public struct UnknownWord: Error, Sendable, Equatable { public let reason: Unknown }

    /// One step of the greedy longest-match, for the x-ray: the piece found
    /// at a position after `misses` longer candidates, or none (`piece` nil).
    public struct Match: Sendable, Equatable {
        public let piece: Piece?
        public let misses: Int
    }

    /// The pieces of one word, or the reason it is unknown (then the word is a
    /// single `[UNK]`); `trace` sees every step of the greedy match.
    public func pieces(_ word: ArraySlice<Unicode.Scalar>, trace: ((Match) -> Void)? = nil) -> Result<
        [Piece], UnknownWord
    > {
        let chars = Array(word)
        if chars.count > maxInputCharsPerWord {
            trace?(Match(piece: nil, misses: 0))
            return .failure(UnknownWord(reason: .tooLong(chars: chars.count)))
        }
        // UTF-8 boundaries of each scalar, so candidate keys are byte slices.
        var bytes: [UInt8] = []
        var bound = [0]
        for c in chars {
            bytes.append(contentsOf: UTF8.encode(c)!)
            bound.append(bytes.count)
        }
        let prefixBytes = Array(prefix.utf8)
        var pieces: [Piece] = []
        var start = 0
        var key: [UInt8] = []
        while start < chars.count {
            var end = chars.count
            var found: Piece? = nil
            while start < end {
                key.removeAll(keepingCapacity: true)
                if start > 0 { key.append(contentsOf: prefixBytes) }
                key.append(contentsOf: bytes[bound[start]..<bound[end]])
                if let id = vocab[key] { found = Piece(id: id, range: start..<end); break }
                end -= 1
            }
            trace?(Match(piece: found, misses: chars.count - (found?.range.upperBound ?? start)))
            guard let piece = found else { return .failure(UnknownWord(reason: .noPiece(at: start))) }
            pieces.append(piece)
            start = end
        }
        return .success(pieces)
    }
}
