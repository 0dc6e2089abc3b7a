import Session
import TextCells
import Tokenizers

extension TokensView {
    /// The rows of `r`'s encoding and the x-ray of the word under `selected`.
    static func derive(_ r: EncodeResult, tokenizer tok: Tokenizer, selected: Int) -> TokensView {
        let e = r.encoding
        let unk = tok.unkId ?? -1
        var rows: [Row] = []
        rows.reserveCapacity(e.count)
        for i in 0..<e.count {
            let source = e.sequenceIds[i] == 1 ? (r.input.pair ?? "") : r.input.text
            let kind: Kind =
                e.isSpecial(i)
                ? .special
                : e.ids[i] == unk
                    ? .unknown
                    : ((e.wordIds[i] ?? 0) + (e.sequenceIds[i] ?? 0)) % 2 == 0 ? .wordA : .wordB
            rows.append(
                Row(
                    piece: visibleText(e.tokens[i]), spanText: spanText(e, i, source), id: e.ids[i], word: e.wordIds[i],
                    typeId: e.typeIds[i], kind: kind, joinsPrevious: e.continuesWord(i),
                    unknownReason: e.unknown[i].map { visibleText($0.description) },
                    masked: r.maskedOriginals[i] != nil))
            if let c = r.corruption[i] {
                rows[i].corruption = c.fate
                // The model sees [MASK] or the random token; a kept token reads as typed.
                if c.fate != .kept { rows[i].spanText = visibleText(e.tokens[i]) }
                rows[i].piece += " ← \(visibleText(c.original))"
            }
        }
        let xray =
            e.count > 0 ? XRayLines.of(e, r.input, tokenizer: tok, selected: max(0, min(e.count - 1, selected))) : []
        return TokensView(rows: rows, xray: xray)
    }

    /// A token's span as typed; the token itself for specials, empty or
    /// out-of-text spans, and lone boundary marks (a SentencePiece `▁` or a
    /// BPE `Ġ` piece borrows its neighbour's offsets, so its span would
    /// repeat the next piece's letters).
    static func spanText(_ e: Encoding, _ i: Int, _ source: String) -> String {
        guard !e.isLoneBoundaryMark(i), e.offsets[i].end > e.offsets[i].start,
            let typed = e.typedText(of: i, in: source)
        else {
            return visibleText(e.tokens[i])
        }
        return visibleText(typed)
    }
}
