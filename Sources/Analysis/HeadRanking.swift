import Encoder
import Tokenizers

/// "Which head sends *it* to *animal*?": every layer × head ranked by one
/// query → key cell of its map, or by one of its statistics.
public enum HeadRanking {
    public enum Criterion: String, CaseIterable, Sendable {
        case cell = "attention at the cursor cell"
        case entropy = "lowest entropy (most focused)"
        case toCLS = "attention to [CLS]"
        case toSEP = "attention to [SEP]"
        case toPunctuation = "attention to punctuation"
        case toPrevious = "attention to the previous token"
        case toNext = "attention to the next token"
        case toSelf = "attention to itself"
    }

    public struct Entry: Sendable, Equatable {
        public let layer: Int, head: Int
        public let value: Float
        public init(layer: Int, head: Int, value: Float) { self.layer = layer; self.head = head; self.value = value }
    }

    /// Every head of `t`, best first, with `spec`'s word level and hidden
    /// specials applied to each head's map (`row`, `column` index that map).
    public static func rank(
        _ t: Trace, _ e: Encoding, _ spec: AttentionViewSpec, row: Int, column: Int, by c: Criterion
    ) -> [Entry] {
        var out: [Entry] = []
        for l in 0..<t.layers {
            for h in 0..<t.heads {
                var s = spec
                s.layer = l; s.head = h; s.kind = .head
                let m = AttentionViews.map(t, e, s)
                guard m.size > 0 else { continue }
                out.append(
                    Entry(
                        layer: l, head: h,
                        value: value(m, e, row: min(row, m.size - 1), column: min(column, m.size - 1), c)))
            }
        }
        // Entropy ranks ascending (a focused head first); everything else descending.
        return out.sorted { c == .entropy ? $0.value < $1.value : $0.value > $1.value }
    }

    static func value(_ m: AttentionMap, _ e: Encoding, row: Int, column: Int, _ c: Criterion) -> Float {
        if c == .cell { return m[row, column] }
        let st = HeadStatistics(m, kinds: m.groups.map { TokenKind.of(e.tokens[$0[0]], special: e.isSpecial($0[0])) })
        switch c {
        case .cell: return m[row, column]
        case .entropy: return st.entropy
        case .toCLS: return st.toCLS
        case .toSEP: return st.toSEP
        case .toPunctuation: return st.toPunctuation
        case .toPrevious: return st.toPrevious
        case .toNext: return st.toNext
        case .toSelf: return st.toSelf
        }
    }
}
