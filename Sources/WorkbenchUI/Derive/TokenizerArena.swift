import Foundation
import Session
import Tokenizers

/// The tokenizers `:tokenizers A,B,…` loaded, and the typed text's split under each.
public struct TokenizerArena: Sendable {
    public var entries: [(name: String, tokenizer: Tokenizer)] = []
    public init(entries: [(name: String, tokenizer: Tokenizer)] = []) { self.entries = entries }

    /// Each tokenizer's pieces of `e`'s text, marked where their boundaries
    /// differ from `e`'s (the model's own tokens), by character offsets.
    func rows(text: String, pair: String?, modelEncoding e: Encoding) -> [TokensView.ArenaRow] {
        let bounds = Self.boundaries(e)
        return entries.map { name, tok in Self.row(name, tok.encode(text, pair: pair), unkId: tok.unkId, bounds) }
    }

    /// One encoding's typed pieces against the model's token boundaries.
    static func row(_ name: String, _ o: Encoding, unkId: Int?, _ bounds: Set<Int>) -> TokensView.ArenaRow {
        let typed = o.typedPositions.filter { !o.isLoneBoundaryMark($0) }
        return TokensView.ArenaRow(
            name: name, pieces: typed.map { visibleText(o.tokens[$0]) },
            differs: typed.map { !bounds.contains(o.offsets[$0].start) || !bounds.contains(o.offsets[$0].end) },
            unknown: typed.map { o.unknown[$0] != nil || o.ids[$0] == unkId })
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
