import Encoder
import Foundation
import Tokenizers

/// Two sentences through one model: how each shared word's representation
/// differs by layer, and how differently each head attends.
public struct SentenceComparison: Sendable, Equatable {
    public struct Word: Sendable, Equatable {
        /// The word as typed in A, its token positions in A and in B.
        public var word: String
        public var a: [Int], b: [Int]
        /// Per hidden state (0 = embeddings): cosine of the word's vectors (mean of its pieces) in A and B.
        public var cosine: [Float]
        /// Per hidden state: cosine of the word in A to its own layer-0 embedding in A.
        public var toEmbedding: [Float]
        public init(word: String, a: [Int], b: [Int], cosine: [Float], toEmbedding: [Float]) {
            self.word = word; self.a = a; self.b = b; self.cosine = cosine; self.toEmbedding = toEmbedding
        }
    }

    public var words: [Word]
    /// [L][H]: Jensen–Shannon distance (√ of the divergence, natural log, as
    /// scipy.spatial.distance.jensenshannon) between A's and B's attention rows,
    /// averaged over the query rows; nil when the sentences cannot be aligned row by row.
    public var attentionDistance: [[Float]]?
    /// "tokens" (same number of tokens), "words" (same number of words: word-level maps), or nil.
    public var alignment: String?

    /// The typed words (with their token positions) in both A and B: the
    /// k-th occurrence of a word in A with its k-th occurrence in B
    /// (case-folded), in A's order — so "bank" pairs with "bank" wherever it stands.
    public static func alignWords(_ a: Encoding, _ textA: String, _ b: Encoding, _ textB: String) -> [(
        String, [Int], [Int]
    )] {
        func words(_ e: Encoding, _ text: String) -> [(String, [Int])] {
            e.wordGroups(of: e.typedPositions).map { g in (word(e, text, g).lowercased(), g) }
        }
        var inB: [String: [[Int]]] = [:]
        for (w, g) in words(b, textB) { inB[w, default: []].append(g) }
        var used: [String: Int] = [:]
        var out: [(String, [Int], [Int])] = []
        for (w, g) in words(a, textA) {
            let k = used[w, default: 0]
            guard let matches = inB[w], k < matches.count else { continue }
            used[w] = k + 1
            out.append((word(a, textA, g), g, matches[k]))
        }
        return out
    }

    /// The word as typed (the token itself when its span is empty).
    private static func word(_ e: Encoding, _ text: String, _ g: [Int]) -> String {
        e.typedWord(of: g[0], in: text) ?? e.tokens[g[0]]
    }

    public static func compute(
        _ encoder: BertEncoder, _ a: Encoding, _ textA: String, _ b: Encoding, _ textB: String
    ) throws -> SentenceComparison {
        let ta = try encoder.forward(ids: a.ids, typeIds: a.typeIds)
        let tb = try encoder.forward(ids: b.ids, typeIds: b.typeIds)
        return compute(ta, a, textA, tb, b, textB)
    }

    /// The same from the two sentences' traces (full: every hidden state and attention map).
    public static func compute(
        _ ta: Trace, _ a: Encoding, _ textA: String, _ tb: Trace, _ b: Encoding, _ textB: String
    ) -> SentenceComparison {
        let L = ta.layers, H = ta.heads, d = ta.hidden
        func mean(_ t: Trace, _ layer: Int, _ ps: [Int]) -> [Double] {
            var v = [Double](repeating: 0, count: d)
            for p in ps { for k in 0..<d { v[k] += Double(t.hiddenStates[(layer * t.tokens + p) * d + k]) } }
            return v.map { $0 / Double(ps.count) }
        }
        let words = alignWords(a, textA, b, textB).map { word, pa, pb in
            Word(
                word: word, a: pa, b: pb,
                cosine: (0...L).map { cosine(mean(ta, $0, pa), mean(tb, $0, pb)) },
                toEmbedding: (0...L).map { cosine(mean(ta, $0, pa), mean(ta, 0, pa)) })
        }
        var distance: [[Float]]? = nil
        var alignment: String? = nil
        let groupsA = a.wordGroups(of: a.ids.indices.map { $0 }), groupsB = b.wordGroups(of: b.ids.indices.map { $0 })
        if a.count == b.count || groupsA.count == groupsB.count {
            let byToken = a.count == b.count
            alignment = byToken ? "tokens" : "words"
            distance = (0..<L).map { l in
                (0..<H).map { h in
                    var ma = AttentionViews.head(ta, layer: l, head: h), mb = AttentionViews.head(tb, layer: l, head: h)
                    if !byToken {
                        ma = AttentionViews.words(ma, groups: groupsA)
                        mb = AttentionViews.words(mb, groups: groupsB)
                    }
                    let rows = (0..<ma.size).map { jensenShannon(Array(ma.row($0)), Array(mb.row($0))) }
                    return Float(rows.reduce(0, +) / Double(rows.count))
                }
            }
        }
        return SentenceComparison(words: words, attentionDistance: distance, alignment: alignment)
    }

    static func cosine(_ x: [Double], _ y: [Double]) -> Float {
        var dot = 0.0, nx = 0.0, ny = 0.0
        for k in x.indices { dot += x[k] * y[k]; nx += x[k] * x[k]; ny += y[k] * y[k] }
        return nx > 0 && ny > 0 ? Float(dot / (nx.squareRoot() * ny.squareRoot())) : 0
    }

    /// √(JSD) with natural logs, rows normalised first (as scipy does).
    static func jensenShannon(_ p: [Float], _ q: [Float]) -> Double {
        let sp = Double(p.reduce(0, +)), sq = Double(q.reduce(0, +))
        guard sp > 0, sq > 0 else { return 0 }
        var js = 0.0
        for k in p.indices {
            let a = Double(p[k]) / sp, b = Double(q[k]) / sq, m = (a + b) / 2
            if a > 0 { js += 0.5 * a * log(a / m) }
            if b > 0 { js += 0.5 * b * log(b / m) }
        }
        return max(0, js).squareRoot()
    }
}
