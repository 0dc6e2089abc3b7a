import Foundation
import Session
import TextCells
import Tokenizers

/// The tokenizers `:tokenizers A,B,…` loaded, and the typed text's split under each.
public struct TokenizerArena: Sendable {
    public var entries: [(name: String, tokenizer: Tokenizer)] = [] {
        didSet { memo = nil }
    }
    /// The rows of the last input: a frame that only moves a cursor tokenizes nothing again.
    private var memo: (input: SessionInput, ids: [Int], rows: [TokensView.ArenaRow])?
    public init(entries: [(name: String, tokenizer: Tokenizer)] = []) { self.entries = entries }

    /// Each tokenizer's pieces of `r`'s text, marked where their boundaries
    /// differ from the model's own tokens, by character offsets.
    mutating func rows(_ r: EncodeResult) -> [TokensView.ArenaRow] {
        if let m = memo, m.input == r.input, m.ids == r.encoding.ids { return m.rows }
        let bounds = Self.boundaries(r.encoding)
        let rows = entries.map { name, tok in
            Self.row(name, tok.encode(r.input.text, pair: r.input.pair), unkId: tok.unkId, bounds)
        }
        memo = (r.input, r.encoding.ids, rows)
        return rows
    }

    /// One encoding's typed pieces against the model's token boundaries:
    /// every real token, as `tokenize` lists them (a lone `▁` too: it is a
    /// token the model sees, though it covers no character of its own and so
    /// never differs).
    static func row(_ name: String, _ o: Encoding, unkId: Int?, _ bounds: Set<Int>) -> TokensView.ArenaRow {
        let typed = o.typedPositions
        return TokensView.ArenaRow(
            name: name, pieces: typed.map { visibleText(o.tokens[$0]) },
            differs: typed.map {
                !o.isLoneBoundaryMark($0)
                    && (!bounds.contains(o.offsets[$0].start) || !bounds.contains(o.offsets[$0].end))
            },
            unknown: typed.map { o.unknown[$0] != nil || o.ids[$0] == unkId },
            joins: typed.map { o.continuesWord($0) })
    }

    /// The cut points of `e`'s typed tokens, by character offset.
    static func boundaries(_ e: Encoding) -> Set<Int> {
        var bounds = Set<Int>()
        for p in e.typedPositions where e.offsets[p].start < e.offsets[p].end {
            bounds.insert(e.offsets[p].start)
            bounds.insert(e.offsets[p].end)
        }
        return bounds
    }
}
