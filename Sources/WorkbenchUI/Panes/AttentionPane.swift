/// The attention pane: a heatmap of one layer/head (or a derived view), its
/// statistics, a ranked focus list, and an overview of all heads.
enum AttentionPane {
    struct Input {
        var view: AttentionView?
        var overview: OverviewView?
        var error: String?
        var layers: Int, heads: Int
    }

    static func title(_ s: AttentionState, layers: Int, heads: Int, specials: String) -> String {
        if s.overview { return "All heads · \(layers) layers × \(heads) heads · Enter opens" }
        var title = "Attention · layer \(s.layer + 1)/\(layers)"
        switch s.view {
        case .head: title += " · head \(s.head + 1)/\(heads)"
        case .mean: title += " · mean of \(heads) heads"
        case .rollout: title += " · rollout through layer \(s.layer + 1)"
        }
        if s.words { title += " · words" }
        if s.hideSpecial { title += " · \(specials) hidden" }
        return title
    }

    /// Where the heatmap or focus list goes inside the pane at `r`.
    static func body(_ r: Rect, _ v: AttentionView, _ s: AttentionState) -> Rect {
        r.inset(by: 1).splitTop(s.words || s.hideSpecial || v.scoreParts != nil ? 3 : 2).1
    }

    static func render(_ input: Input, _ s: AttentionState, _ r: Rect, focused: Bool, into c: inout Canvas) {
        c.frame(r, title: title(s, layers: input.layers, heads: input.heads, specials: input.view?.specialNames ?? "specials"), focused: focused)
        let inner = r.inset(by: 1)
        guard inner.width > 8, inner.height > 2 else { return }
        if let err = input.error { c.put(err, x: inner.x, y: inner.y, c.theme.style(.error), clip: inner); return }
        if s.overview {
            if let o = input.overview { OverviewGrid.render(o, s, inner, &c) }
            return
        }
        guard let v = input.view, v.map.size > 0 else { return }
        drawInfo(v, s, inner, &c)
        let area = body(r, v, s)
        if s.focusMode { drawFocusList(v, s, area, &c) } else { drawHeatmap(v, s, area, &c) }
    }

    private static func drawInfo(_ v: AttentionView, _ s: AttentionState, _ r: Rect, _ c: inout Canvas) {
        let map = v.map
        let row = min(s.row, map.size - 1), col = min(s.column, map.size - 1)
        let info = "\(v.labels[row]) → \(v.labels[col])  p = " + String(format: "%.6f", map[row, col]) + "   (colour: √(p / max p))"
        c.put(info, x: r.x, y: r.y, c.theme.style(.foreground, [.bold]), clip: r)
        var notes: [String] = []
        if s.words { notes.append("to a word: sum over its pieces; from a word: mean") }
        if s.hideSpecial { notes.append("\(v.specialNames) removed, rows renormalized") }
        if !notes.isEmpty { c.put(notes.joined(separator: " · "), x: r.x, y: r.y + 2, c.theme.style(.accent), clip: r) }
        let st = v.statistics
        func pct(_ v: Float) -> String { String(format: "%.0f%%", v * 100) }
        let stats = String(format: "H %.2f bits", st.entropy) + " │ CLS \(pct(st.toCLS)) SEP \(pct(st.toSEP)) punct \(pct(st.toPunctuation))"
            + " │ prev \(pct(st.toPrevious)) next \(pct(st.toNext)) self \(pct(st.toSelf))"
        c.put(stats, x: r.x, y: r.y + 1, c.theme.style(.muted), clip: r)
        if let parts = v.scoreParts { c.put(parts, x: r.x, y: r.y + 2, c.theme.style(.accent), clip: r) }
    }

    /// Rows are queries, columns keys. Colour = √(p / max p) of the map, so
    /// weak but real attention stays visible next to one dominant cell;
    /// without a 256-colour ramp, the glyphs ' ░▒▓█' carry the value.
    private static func drawHeatmap(_ v: AttentionView, _ s: AttentionState, _ r: Rect, _ c: inout Canvas) {
        let map = v.map, n = map.size, labels = v.labels
        guard let geo = HeatmapGeometry(r, size: n, labels: labels, ramp: c.ramp) else { return }
        let maxValue = max(map.values.max() ?? 1, 1e-9)
        let lw = geo.labelWidth, cw = geo.cellWidth, half = geo.halfBlocks
        let x0 = r.x + lw + 1, y0 = r.y + geo.headerRows
        let theme = c.theme
        // Axis legend in the empty corner.
        c.put(lw >= 4 ? "key→" : "k→", x: r.x, y: r.y, theme.style(.muted), clip: Rect(x: r.x, y: r.y, width: lw, height: 1))
        if geo.headerRows > 1 {
            c.put(lw >= 6 ? "query↓" : "q↓", x: r.x, y: r.y + geo.headerRows - 1, theme.style(.muted),
                  clip: Rect(x: r.x, y: r.y, width: lw, height: geo.headerRows))
        }
        // Column labels, written downwards.
        for col in 0..<geo.visibleColumns {
            let j = s.scrollColumn + col
            guard j < n else { break }
            let chars = Array(labels[j])
            let style = j == s.column ? theme.style(.cursor, [.bold]) : theme.style(.muted)
            for k in 0..<geo.headerRows where k < chars.count {
                c.put(String(chars[k]), x: x0 + col * cw, y: r.y + k, style, clip: Rect(x: x0 + col * cw, y: r.y, width: cw, height: geo.headerRows))
            }
        }
        for line in 0..<min(geo.rowsAvailable, (geo.visibleRows + (half ? 1 : 0)) / (half ? 2 : 1)) {
            let top = s.scrollRow + line * (half ? 2 : 1)
            guard top < n else { break }
            let bottom = half && top + 1 < n ? top + 1 : nil
            let isCursorRow = top == s.row || bottom == s.row
            let label = bottom.map { s.row == $0 ? labels[$0] : labels[top] } ?? labels[top]
            c.put(fit(label, lw), x: r.x, y: y0 + line, isCursorRow ? theme.style(.cursor, [.bold]) : theme.style(.foreground))
            for col in 0..<geo.visibleColumns {
                let j = s.scrollColumn + col
                guard j < n else { break }
                let cell = Rect(x: x0 + col * cw, y: y0 + line, width: cw, height: 1)
                drawCell(cell, top: (map[top, j] / maxValue).squareRoot(), bottom: bottom.map { (map[$0, j] / maxValue).squareRoot() },
                         cursor: (s.row == top || s.row == bottom) && s.column == j, &c)
                c.hits.add(cell, .cell(row: top, column: j))
            }
        }
    }

    private static func drawCell(_ cell: Rect, top: Float, bottom: Float?, cursor: Bool, _ c: inout Canvas) {
        let theme = c.theme
        if c.ramp {
            let style: Style, glyph: String
            if let bottom {
                style = Style(fg: theme.heat(top), bg: theme.heat(bottom))
                glyph = "▀"
            } else {
                style = Style(fg: theme.color(.cursor), bg: theme.heat(top))
                glyph = " "
            }
            c.put(String(repeating: glyph, count: cell.width), x: cell.x, y: cell.y, style)
        } else {
            let glyphs = [" ", "░", "▒", "▓", "█"]
            let v = bottom.map { max(top, $0) } ?? top
            let i = min(glyphs.count - 1, Int((v * Float(glyphs.count - 1)).rounded()))
            c.put(String(repeating: glyphs[i], count: cell.width), x: cell.x, y: cell.y, theme.style(.foreground))
        }
        if cursor {
            let mark = cell.width >= 3 ? "[" + String(repeating: "◆", count: cell.width - 2) + "]" : (cell.width == 2 ? "◆ " : "◆")
            var st = c.grid[cell.x, cell.y].style
            st.fg = theme.color(.cursor)
            st.attributes.insert(.bold)
            if !c.ramp { st.attributes.insert(.reverse) }
            c.put(mark, x: cell.x, y: cell.y, st)
        }
    }

    /// Focus mode: the cursor's query row as a ranked bar list.
    private static func drawFocusList(_ v: AttentionView, _ s: AttentionState, _ r: Rect, _ c: inout Canvas) {
        let map = v.map, labels = v.labels
        let row = min(s.row, map.size - 1)
        c.put("attention from \"\(labels[row])\", ranked (↑/↓ changes the query)", x: r.x, y: r.y, c.theme.style(.accent, [.bold]), clip: r)
        guard let first = v.ranked.first else { return }
        let labelWidth = min(16, labels.map(displayWidth).max() ?? 4)
        let barWidth = max(4, r.width - labelWidth - 12)
        let top = max(map[row, first], 1e-9)
        for (i, j) in v.ranked.prefix(max(0, r.height - 1)).enumerated() {
            let y = r.y + 1 + i, p = map[row, j]
            var x = c.put(fit(labels[j], labelWidth) + " ", x: r.x, y: y, c.theme.style(j == row ? .cursor : .foreground))
            x = c.put(String(repeating: "█", count: Int((p / top * Float(barWidth)).rounded())), x: x, y: y, c.heat(p / top))
            c.put(String(format: " %5.1f%%", p * 100), x: x, y: y, c.theme.style(.muted), clip: r)
            c.hits.add(Rect(x: r.x, y: y, width: r.width, height: 1), .cell(row: row, column: j))
        }
    }
}
