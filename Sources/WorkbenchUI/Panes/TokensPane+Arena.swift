import TextCells

/// The tokenizer arena (`:tokenizers A,B`): under a heading that names it and
/// counts its tokens as `tokenize` does, each tokenizer's pieces wrapped
/// between pieces (words spaced, pieces of a word joined by `·`); what does
/// not fit ends in `…`. Pieces whose boundaries the model's own tokens do not
/// share are highlighted, [UNK]s marked.
extension TokensPane {
    /// One drawn piece: its text (with the separator before it) and its index.
    private struct Placed { var text: String, piece: Int, line: Int, x: Int }

    /// Lines the arena wants at `width`: a title, then per tokenizer a name line and its wrapped pieces.
    static func arenaHeight(_ rows: [TokensView.ArenaRow], _ width: Int) -> Int {
        1 + rows.reduce(0) { $0 + 1 + max(1, layout($1, width).last.map { $0.line + 1 } ?? 1) }
    }

    /// Where each piece goes: lines break between words; a word longer than
    /// a line breaks between its pieces; a piece wider than a line is cut with `…`.
    private static func layout(_ row: TokensView.ArenaRow, _ width: Int) -> [Placed] {
        let indent = 2, usable = max(4, width - indent)
        var out: [Placed] = [], line = 0, x = 0
        for word in words(row) {
            let wordWidth = word.reduce(0) { $0 + displayWidth(row.pieces[$1]) } + word.count - 1
            if x > 0 && x + 1 + wordWidth > usable && wordWidth <= usable { (line, x) = (line + 1, 0) }
            for (k, i) in word.enumerated() {
                let sep = x == 0 ? "" : (k == 0 ? " " : "·")
                let w = displayWidth(sep + row.pieces[i])
                if x > 0 && x + w > usable {
                    (line, x) = (line + 1, 0)
                    out.append(Placed(text: fit(row.pieces[i], usable), piece: i, line: line, x: indent))
                    x = min(usable, displayWidth(row.pieces[i]))
                    continue
                }
                out.append(Placed(text: sep + row.pieces[i], piece: i, line: line, x: indent + x))
                x += w
            }
        }
        return out
    }

    /// The row's pieces grouped into words (a piece that joins the previous one stays in its word).
    private static func words(_ row: TokensView.ArenaRow) -> [[Int]] {
        var out: [[Int]] = []
        for i in row.pieces.indices {
            if i > 0, row.joins[safe: i] == true, !out.isEmpty { out[out.count - 1].append(i) } else { out.append([i]) }
        }
        return out
    }

    static func drawArena(_ v: TokensView, _ r: Rect, _ c: inout Canvas) {
        c.put(
            "other tokenizers (highlighted: cuts the model does not make)", x: r.x, y: r.y,
            c.theme.style(.muted), clip: r)
        var y = r.y + 1
        for row in v.arena where y < r.maxY {
            let count = "\(row.pieces.count) token\(row.pieces.count == 1 ? "" : "s")"
            let name = displayWidth(row.name) <= r.width - 14 ? row.name : fit(row.name, max(1, r.width - 14))
            c.put(name + " · " + count, x: r.x, y: y, c.theme.style(.accent), clip: r)
            y += 1
            let (shown, cut) = visible(layout(row, r.width), lines: r.maxY - y, width: r.width)
            for p in shown { drawPiece(p, row, r, y + p.line, &c) }
            if let last = shown.last, cut {
                c.put(" …", x: r.x + last.x + displayWidth(last.text), y: y + last.line, c.theme.style(.muted), clip: r)
            }
            y += (shown.last?.line ?? 0) + 1
        }
    }

    /// The pieces that fit in `lines` lines; when some do not, room for ` …` after the last one shown.
    private static func visible(_ placed: [Placed], lines: Int, width: Int) -> ([Placed], Bool) {
        guard lines > 0 else { return ([], !placed.isEmpty) }
        var shown = placed.filter { $0.line < lines }
        guard shown.count < placed.count else { return (shown, false) }
        while let last = shown.last, shown.count > 1, last.x + displayWidth(last.text) + 2 > width {
            shown.removeLast()
        }
        return (shown, true)
    }

    private static func drawPiece(_ p: Placed, _ row: TokensView.ArenaRow, _ r: Rect, _ y: Int, _ c: inout Canvas) {
        let i = p.piece
        var st = c.theme.style(row.unknown[safe: i] == true ? .unknownToken : .foreground)
        if row.differs[safe: i] == true { st = st.bg(c.theme.color(.selection)).with(.bold) }
        let sepLength = p.text.hasPrefix("·") || p.text.hasPrefix(" ") ? 1 : 0
        var x = r.x + p.x
        if sepLength == 1 { x = c.put(String(p.text.prefix(1)), x: x, y: y, c.theme.style(.muted), clip: r) }
        c.put(String(p.text.dropFirst(sepLength)), x: x, y: y, st, clip: r)
    }
}
