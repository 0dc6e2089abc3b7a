import Session
import TextCells
/// The tokenization pane: the text with every token's span marked, a table
/// of piece / id / word / type, and an x-ray of the selected word.
enum TokensPane {
    static func render(_ v: TokensView?, _ s: TokensState, _ r: Rect, focused: Bool, into c: inout Canvas) {
        c.frame(r, title: "Tokens (\(v?.rows.count ?? 0))", focused: focused)
        let inner = r.inset(by: 1)
        guard inner.width > 4, inner.height > 0, let v, !v.rows.isEmpty else { return }
        let selected = max(0, min(v.rows.count - 1, s.selected))
        let lab = v.rows.contains { $0.corruption != nil }
        let (legendArea, spansAndRest) = inner.splitTop(lab && inner.height > 6 ? 1 : 0)
        if legendArea.height > 0 { drawLabLegend(legendArea, &c) }
        let spanRows = min(3, max(1, spansAndRest.height / 5))
        let (spanArea, afterSpans) = spansAndRest.splitTop(spanRows)
        drawSpans(v, selected, spanArea, &c)
        // The tokenizer arena, one line per tokenizer, between the text and the table.
        let stripRows = v.windows == nil ? 0 : min(2, afterSpans.height / 3)
        let (stripArea, afterStrip) = afterSpans.splitTop(stripRows)
        if let w = v.windows, stripRows > 0 { drawWindows(w, stripArea, &c) }
        let arenaRows = v.arena.isEmpty ? 0 : min(arenaHeight(v.arena, afterStrip.width), max(0, afterStrip.height / 2))
        let (arenaArea, rest) = afterStrip.splitTop(arenaRows)
        if arenaRows > 0 { drawArena(v, arenaArea, &c) }
        // The table gets what the x-ray leaves; the x-ray sits right under it.
        // Short panes keep a few table rows around the selection and give the
        // x-ray the rest, its unchanged stages folded (a tour's caption points at it).
        let xray = rest.height < 12 ? compactXRay(v.xray) : v.xray
        let xrayHeight = xray.reduce(1) { $0 + wordWrap($1.value, max(1, rest.width - 14)).count }
        let tableRows =
            rest.height < 8
            ? rest.height : min(v.rows.count + 1, max(rest.height < 12 ? 4 : 3, rest.height - xrayHeight))
        let (tableArea, below) = rest.splitTop(tableRows)
        drawTable(
            v, selected, Rect(x: tableArea.x, y: tableArea.y + 1, width: tableArea.width, height: tableArea.height - 1),
            &c)
        if below.height >= 3 { drawXRay(xray, below, &c) }
    }

    static func style(_ k: TokensView.Kind, _ t: Theme) -> ThemeKey {
        switch k {
        case .special: return .specialToken
        case .unknown: return .unknownToken
        case .wordA: return .wordA
        case .wordB: return .wordB
        }
    }

    /// The text, token by token: pieces of one word joined by a dim `·`,
    /// words in alternating colours, special tokens in their own colour,
    /// masked pieces highlighted in the mask's. Lines break between words;
    /// a word longer than a line breaks inside, its `·` starting the next.
    private static func drawSpans(_ v: TokensView, _ selected: Int, _ r: Rect, _ c: inout Canvas) {
        var x = r.x, y = r.y
        for (i, row) in v.rows.enumerated() {
            let joins = i > 0 && row.joinsPrevious
            if x > r.x {
                // A word that fits a line moves down whole; a longer one fills this line first.
                let word = joins ? 0 : wordWidth(v.rows, from: i)
                let need = joins || word - 1 > r.width ? displayWidth((joins ? "·" : " ") + row.spanText) : word
                if x + need > r.maxX { x = r.x; y += 1 }
            }
            guard y < r.maxY else { return }
            let sep = joins ? "·" : x > r.x ? " " : ""
            if !sep.isEmpty { x = c.put(sep, x: x, y: y, c.theme.style(.muted), clip: r) }
            var st = c.theme.style(style(row.kind, c.theme))
            if row.kind == .unknown { st = st.with([.bold, .underline]) }
            if let fate = row.corruption { st = labStyle(fate, c.theme) }
            if row.masked {
                st = c.theme.style(.specialToken, [.reverse])
                if i == selected { st = st.with([.bold, .underline]) }
            } else if i == selected {
                st = st.with(.reverse)
            }
            let start = x
            x = c.put(row.spanText, x: x, y: y, st, clip: r)
            c.hits.add(Rect(x: start, y: y, width: x - start, height: 1), .token(i))
        }
    }

    /// The width of the word starting at `i` with the space before it: its pieces and their joiners.
    private static func wordWidth(_ rows: [TokensView.Row], from i: Int) -> Int {
        var width = displayWidth(" " + rows[i].spanText), k = i + 1
        while k < rows.count, rows[k].joinsPrevious {
            width += displayWidth("·" + rows[k].spanText)
            k += 1
        }
        return width
    }

    /// A long text's windows as a strip over its tokens (each window a run
    /// of its digit, the overlaps as `▒`, the one shown bright), and a line
    /// naming it.
    private static func drawWindows(_ w: DocumentWindows, _ r: Rect, _ c: inout Canvas) {
        let k = w.index, range = w.ranges[k]
        let overlapBefore = k > 0 ? max(0, w.ranges[k - 1].upperBound - range.lowerBound) : 0
        c.segments(
            [
                "window \(k + 1)/\(w.count): tokens \(range.lowerBound + 1)–\(range.upperBound)/\(w.documentTokens)",
                overlapBefore > 0 ? ", \(overlapBefore) shared with \(k)" : "", "  · < > another window",
            ], x: r.x, y: r.y, c.theme.style(.accent, [.bold]), clip: r)
        guard r.height > 1, w.documentTokens > 0 else { return }
        let width = r.width
        for x in 0..<width {
            let t = x * w.documentTokens / width
            let holders = w.ranges.indices.filter { w.ranges[$0].contains(t) }
            let mine = holders.contains(k)
            let glyph = holders.count > 1 ? "▒" : holders.first.map { String(($0 + 1) % 10) } ?? " "
            c.put(glyph, x: r.x + x, y: r.y + 1, c.theme.style(mine ? .accent : .muted, mine ? [.bold] : []), clip: r)
        }
    }

    private static func drawTable(_ v: TokensView, _ selected: Int, _ r: Rect, _ c: inout Canvas) {
        guard r.height > 1 else { return }
        let pieceWidth = min(18, max(6, v.rows.map { displayWidth($0.piece) }.max() ?? 6))
        func right(_ s: String, _ w: Int) -> String { String(repeating: " ", count: max(0, w - s.count)) + s }
        let header =
            right("#", 3) + " " + fit("piece", pieceWidth) + right("id", 7) + right("word", 5) + right("type", 5)
        c.put(
            header, x: r.x, y: r.y - 1, c.theme.style(.muted, [.bold]),
            clip: Rect(x: r.x, y: r.y - 1, width: r.width, height: 1))
        let rows = r.height
        let first = max(0, min(selected - rows / 2, v.rows.count - rows))
        for (line, i) in (first..<min(v.rows.count, first + rows)).enumerated() {
            let row = v.rows[i], y = r.y + line
            var text = right(String(i), 3) + " " + fit(row.piece, pieceWidth) + right(String(row.id), 7)
            text += right(row.word.map(String.init) ?? "-", 5) + right(String(row.typeId), 5)
            if let why = row.unknownReason { text += " ← " + why }
            var st = c.theme.style(style(row.kind, c.theme))
            if i == selected { st = st.bg(c.theme.color(.selection)).with(.bold) }
            c.grid.fill(
                Rect(x: r.x, y: y, width: r.width, height: 1), style: i == selected ? st : c.theme.style(.foreground))
            c.put(text, x: r.x, y: y, st, clip: r)
            c.hits.add(Rect(x: r.x, y: y, width: r.width, height: 1), .token(i))
        }
    }

    /// The x-ray without stages that changed nothing (each says the same as
    /// the line before): their names join the next line that changed.
    static func compactXRay(_ lines: [(key: String, value: String)]) -> [(key: String, value: String)] {
        var out: [(key: String, value: String)] = []
        for (i, line) in lines.enumerated() {
            if i > 1, i < lines.count - 1, line.value == lines[i - 1].value { continue }
            out.append(line)
        }
        return out
    }

    /// Key/value lines; long values wrap under themselves.
    private static func drawXRay(_ lines: [(key: String, value: String)], _ r: Rect, _ c: inout Canvas) {
        c.put(String(repeating: "─", count: r.width), x: r.x, y: r.y, c.theme.style(.border))
        var y = r.y + 1
        let keyWidth = 14, valueWidth = max(1, r.width - keyWidth)
        for (i, line) in lines.enumerated() {
            guard y < r.maxY else { return }
            c.put(
                fit(line.key, keyWidth), x: r.x, y: y, c.theme.style(i == 0 ? .accent : .muted, i == 0 ? [.bold] : []),
                clip: r)
            for chunk in wordWrap(line.value, valueWidth) {
                guard y < r.maxY else { return }
                c.put(chunk, x: r.x + keyWidth, y: y, c.theme.style(.foreground), clip: r)
                y += 1
            }
        }
    }
}
