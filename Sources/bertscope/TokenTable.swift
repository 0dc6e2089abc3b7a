import TextCells
import Tokenizers

/// The human-readable `tokenize` output: one row per token.
enum TokenTable {
    static func render(_ e: Encoding, text: String, pair: String?) -> String {
        let a = Array(text.unicodeScalars), b = Array((pair ?? "").unicodeScalars)
        let pieceWidth = min(24, max(5, e.tokens.map(displayWidth).max() ?? 5))
        var lines = ["   #  " + fit("piece", pieceWidth) + "      id  word  type  offsets    text"]
        for i in 0..<e.count {
            let source = e.sequenceIds[i] == 1 ? b : a
            let span = e.offsets[i]
            let covered =
                e.isSpecial(i) || span.end > source.count
                ? "" : String(String.UnicodeScalarView(source[span.start..<span.end]))
            let word = e.wordIds[i].map(String.init) ?? "-"
            let row =
                pad(String(i), 4) + "  " + fit(e.tokens[i], pieceWidth) + pad(String(e.ids[i]), 8)
                + pad(word, 6) + pad(String(e.typeIds[i]), 6) + "  " + fit("\(span.start)..\(span.end)", 9) + "  "
                + visibleText(covered)
            lines.append(row)
        }
        lines.append("\(e.count) tokens" + (e.truncated > 0 ? " (\(e.truncated) cut by truncation)" : ""))
        return lines.joined(separator: "\n")
    }

    private static func pad(_ s: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - s.count)) + s
    }
}
