/// tokenizers' Unigram model: the segmentation with the highest total score
/// (Viterbi over every vocabulary piece that matches at each position),
/// unknown characters scored min_score - 10 and consecutive unknowns fused.
public struct Unigram: Sendable {
    public let pieces: [(token: String, score: Double)]
    public let unkId: Int?
    private let ids: [[UInt8]: Int]
    private let maxPieceBytes: Int
    private let unkScore: Double

    public init(pieces: [(token: String, score: Double)], unkId: Int?) throws {
        guard !pieces.isEmpty else { throw TokenizerError("Unigram vocabulary is empty") }
        if let unkId, !pieces.indices.contains(unkId) {
            throw TokenizerError("Unigram unk_id \(unkId) is outside the vocabulary")
        }
        var ids: [[UInt8]: Int] = [:]
        ids.reserveCapacity(pieces.count)
        var longest = 0, minScore = Double.infinity
        for (id, p) in pieces.enumerated() {
            let key = Array(p.token.utf8)
            ids[key] = id  // a repeated piece maps to its last id, as tokenizers' HashMap does
            longest = max(longest, key.count)
            minScore = min(minScore, p.score)
        }
        self.pieces = pieces
        self.unkId = unkId
        self.ids = ids
        maxPieceBytes = longest
        unkScore = minScore - 10
    }

    public var idToToken: [String] { pieces.map(\.token) }
    public func id(for token: String) -> Int? { ids[Array(token.utf8)] }

    public struct Piece: Sendable, Equatable {
        public let id: Int
        public let token: String
        /// Scalar range inside the pre-token.
        public let range: Range<Int>
        public var isUnknown: Bool
    }

    /// The best segmentation of `text`.
    public func encode(_ text: [Unicode.Scalar]) -> [Piece] {
        let n = text.count
        guard n > 0 else { return [] }
        let utf8 = text.map { Array(String($0).utf8) }
        // best[i]: best path over text[0..<i] — score, start of its last piece, that piece's id.
        var score = [Double](repeating: 0, count: n + 1)
        var from = [Int](repeating: -1, count: n + 1)
        var pieceId = [Int](repeating: 0, count: n + 1)
        var key: [UInt8] = []
        key.reserveCapacity(maxPieceBytes)
        for start in 0..<n where start == 0 || from[start] >= 0 {
            let base = score[start]
            var single = false
            key.removeAll(keepingCapacity: true)
            var end = start
            while end < n && key.count + utf8[end].count <= maxPieceBytes {
                key += utf8[end]
                end += 1
                guard let id = ids[key] else { continue }
                let candidate = base + pieces[id].score
                if from[end] < 0 || candidate > score[end] {
                    score[end] = candidate; from[end] = start; pieceId[end] = id
                }
                if end == start + 1 { single = true }
            }
            if !single, let unk = unkId {
                let candidate = base + unkScore
                if from[start + 1] < 0 || candidate > score[start + 1] {
                    score[start + 1] = candidate; from[start + 1] = start; pieceId[start + 1] = unk
                }
            }
        }
        return backtrack(text, from: from, pieceId: pieceId)
    }

    private func backtrack(_ text: [Unicode.Scalar], from: [Int], pieceId: [Int]) -> [Piece] {
        var out: [Piece] = []
        var end = text.count
        var unknownEnd: Int? = nil  // end of the run of unknowns being fused
        func flushUnknown(_ start: Int) {
            guard let e = unknownEnd else { return }
            let s = String(String.UnicodeScalarView(text[start..<e]))
            out.append(Piece(id: id(for: s) ?? unkId ?? 0, token: s, range: start..<e, isUnknown: true))
            unknownEnd = nil
        }
        while end > 0 {
            let start = from[end]
            guard start >= 0 else { break }  // unreachable without an unk id: tokenizers errors; we stop
            if pieceId[end] == unkId {
                if unknownEnd == nil { unknownEnd = end }
            } else {
                flushUnknown(end)
                out.append(
                    Piece(id: pieceId[end], token: pieces[pieceId[end]].token, range: start..<end, isUnknown: false))
            }
            end = start
        }
        flushUnknown(end)
        return out.reversed()
    }
}
