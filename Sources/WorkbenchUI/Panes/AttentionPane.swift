import Encoder
import Analysis
import Session
import Tokenizers

/// The attention pane: a heatmap of one layer/head (or a derived view), its
/// statistics, a ranked focus list, and an overview of all heads.
struct AttentionPane {
    let workbench: Workbench
    let snapshot: SessionSnapshot
    var theme: Theme { workbench.theme }
    var state: AttentionState { workbench.attention }

    func render(_ g: inout CellGrid, _ r: Rect, focused: Bool) {
        let (layers, heads) = workbench.config
        let s = state
        var title = "Attention · layer \(s.layer + 1)/\(layers)"
        switch s.view {
        case .head: title += " · head \(s.head + 1)/\(heads)"
        case .mean: title += " · mean of \(heads) heads"
        case .rollout: title += " · rollout through layer \(s.layer + 1)"
        }
        if s.words { title += " · words" }
        if s.hideSpecial { title += " · \(specialNames) hidden" }
        if s.overview { title = "All heads · \(layers) layers × \(heads) heads · Enter opens" }
        g.box(r, title: title, style: theme.style(focused ? "focus_border" : "border"), titleStyle: theme.style(focused ? "accent" : "muted", [.bold]))
        let inner = r.inset(by: 1)
        guard inner.width > 8, inner.height > 2, let result = snapshot.result, let trace = result.trace else {
            if let err = snapshot.result?.error { g.put(err, x: inner.x, y: inner.y, style: theme.style("error"), clip: inner) }
            return
        }
        if s.overview { return OverviewGrid(workbench: workbench, trace: trace).render(&g, inner) }
        guard let map = workbench.currentMap(for: result), map.size > 0 else { return }
        let e = result.encoding
        let labels = map.groups.map { TokensPane.visible(Workbench.label($0, e)) }
        let parts = scoreParts(map, trace)
        let (header, body) = inner.splitTop(s.words || s.hideSpecial || parts != nil ? 3 : 2)
        drawInfo(&g, header, map, labels, e)
        if let parts { drawScoreParts(&g, header, parts) }
        if s.focusMode { drawFocusList(&g, body, map, labels) } else { drawHeatmap(&g, body, map, labels) }
    }

    private func drawInfo(_ g: inout CellGrid, _ r: Rect, _ map: AttentionMap, _ labels: [String], _ e: Encoding) {
        let s = state
        let row = min(s.row, map.size - 1), col = min(s.column, map.size - 1)
        let info = "\(labels[row]) → \(labels[col])  p = " + String(format: "%.6f", map[row, col]) + "   (colour: √(p / max p))"
        g.put(info, x: r.x, y: r.y, style: theme.style("foreground", [.bold]), clip: r)
        var notes: [String] = []
        if s.words { notes.append("to a word: sum over its pieces; from a word: mean") }
        if s.hideSpecial { notes.append("\(specialNames) removed, rows renormalized") }
        if !notes.isEmpty { g.put(notes.joined(separator: " · "), x: r.x, y: r.y + 2, style: theme.style("accent"), clip: r) }
        let kinds = map.groups.map { p in TokenKind.of(e.tokens[p[0]], special: e.specialTokensMask[p[0]] == 1) }
        let st = HeadStatistics(map, kinds: kinds)
        func pct(_ v: Float) -> String { String(format: "%.0f%%", v * 100) }
        let stats = String(format: "H %.2f bits", st.entropy) + " │ CLS \(pct(st.toCLS)) SEP \(pct(st.toSEP)) punct \(pct(st.toPunctuation))"
            + " │ prev \(pct(st.toPrevious)) next \(pct(st.toNext)) self \(pct(st.toSelf))"
        g.put(stats, x: r.x, y: r.y + 1, style: theme.style("muted"), clip: r)
    }

    /// Rows are queries, columns keys. Colour = √(p / max p) of the map, so
    /// weak but real attention stays visible next to one dominant cell;
    /// without a 256-colour ramp, the glyphs ' ░▒▓█' carry the value.
    private func drawHeatmap(_ g: inout CellGrid, _ r: Rect, _ map: AttentionMap, _ labels: [String]) {
        let n = map.size
        let maxValue = max(map.values.max() ?? 1, 1e-9)
        let labelWidth = min(12, max(3, labels.map(displayWidth).max() ?? 3), max(3, r.width / 4))
        let avail = r.width - labelWidth - 1
        guard avail > 0 else { return }
        let cw = [5, 4, 3, 2].first { n * $0 <= avail } ?? 1
        let visibleCols = min(n, avail / cw)
        let headerRows = min(cw >= 2 ? 4 : 3, max(1, r.height / 4))
        let rowsAvail = r.height - headerRows
        guard rowsAvail > 0, visibleCols > 0 else { return }
        let ramp = workbench.colorMode.hasColorRamp
        let half = ramp && n > rowsAvail
        let visibleRows = min(n, rowsAvail * (half ? 2 : 1))
        var s = workbench.attention
        s.scrollRow = clampScroll(s.scrollRow, cursor: s.row, visible: visibleRows, total: n)
        s.scrollColumn = clampScroll(s.scrollColumn, cursor: s.column, visible: visibleCols, total: n)
        workbench.attention.scrollRow = s.scrollRow
        workbench.attention.scrollColumn = s.scrollColumn
        let x0 = r.x + labelWidth + 1, y0 = r.y + headerRows
        // Axis legend in the empty corner.
        g.put(labelWidth >= 4 ? "key→" : "k→", x: r.x, y: r.y, style: theme.style("muted"), clip: Rect(x: r.x, y: r.y, width: labelWidth, height: 1))
        if headerRows > 1 { g.put(labelWidth >= 6 ? "query↓" : "q↓", x: r.x, y: r.y + headerRows - 1, style: theme.style("muted"), clip: Rect(x: r.x, y: r.y, width: labelWidth, height: headerRows)) }
        // Column labels, written downwards.
        for c in 0..<visibleCols {
            let j = s.scrollColumn + c
            let chars = Array(labels[j])
            let style = j == s.column ? theme.style("cursor", [.bold]) : theme.style("muted")
            for k in 0..<headerRows where k < chars.count {
                g.put(String(chars[k]), x: x0 + c * cw, y: r.y + k, style: style, clip: r)
            }
        }
        for line in 0..<min(rowsAvail, (visibleRows + (half ? 1 : 0)) / (half ? 2 : 1)) {
            let top = s.scrollRow + line * (half ? 2 : 1)
            guard top < n else { break }
            let bottom = half && top + 1 < n ? top + 1 : nil
            let isCursorRow = top == s.row || bottom == s.row
            let label = bottom.map { s.row == $0 ? labels[$0] : labels[top] } ?? labels[top]
            g.put(fit(label, labelWidth), x: r.x, y: y0 + line, style: isCursorRow ? theme.style("cursor", [.bold]) : theme.style("foreground"))
            for c in 0..<visibleCols {
                let j = s.scrollColumn + c
                let cell = Rect(x: x0 + c * cw, y: y0 + line, width: cw, height: 1)
                drawCell(&g, cell, top: (map[top, j] / maxValue).squareRoot(), bottom: bottom.map { (map[$0, j] / maxValue).squareRoot() }, ramp: ramp,
                         cursor: (s.row == top || s.row == bottom) && s.column == j)
                workbench.hitAreas.add(cell, .cell(row: bottom.map { _ in top } ?? top, column: j))
            }
        }
    }

    private func drawCell(_ g: inout CellGrid, _ cell: Rect, top: Float, bottom: Float?, ramp: Bool, cursor: Bool) {
        if ramp {
            let style: Style
            let glyph: String
            if let bottom {
                style = Style(fg: theme.heat(top), bg: theme.heat(bottom))
                glyph = "▀"
            } else {
                style = Style(fg: theme.color("cursor"), bg: theme.heat(top))
                glyph = " "
            }
            g.put(String(repeating: glyph, count: cell.width), x: cell.x, y: cell.y, style: style)
        } else {
            let ramp = [" ", "░", "▒", "▓", "█"]
            let v = bottom.map { max(top, $0) } ?? top
            let i = min(ramp.count - 1, Int((v * Float(ramp.count - 1)).rounded()))
            g.put(String(repeating: ramp[i], count: cell.width), x: cell.x, y: cell.y, style: theme.style("foreground"))
        }
        if cursor {
            let mark = cell.width >= 3 ? "[" + String(repeating: "◆", count: cell.width - 2) + "]" : (cell.width == 2 ? "◆ " : "◆")
            var st = g[cell.x, cell.y].style
            st.fg = theme.color("cursor")
            st.attributes.insert(.bold)
            if !ramp { st.attributes.insert(.reverse) }
            g.put(mark, x: cell.x, y: cell.y, style: st)
        }
    }

    private func clampScroll(_ scroll: Int, cursor: Int, visible: Int, total: Int) -> Int {
        var s = scroll
        if cursor < s { s = cursor }
        if cursor >= s + visible { s = cursor - visible + 1 }
        return max(0, min(s, max(0, total - visible)))
    }

    /// Focus mode: the cursor's query row as a ranked bar list.
    private func drawFocusList(_ g: inout CellGrid, _ r: Rect, _ map: AttentionMap, _ labels: [String]) {
        let row = min(state.row, map.size - 1)
        g.put("attention from \"\(labels[row])\", ranked (↑/↓ changes the query)", x: r.x, y: r.y, style: theme.style("accent", [.bold]), clip: r)
        let ranked = (0..<map.size).sorted { map[row, $0] > map[row, $1] }
        let labelWidth = min(16, labels.map(displayWidth).max() ?? 4)
        let barWidth = max(4, r.width - labelWidth - 12)
        let top = max(map[row, ranked[0]], 1e-9)
        for (i, j) in ranked.prefix(r.height - 1).enumerated() {
            let y = r.y + 1 + i
            let v = map[row, j]
            var x = g.put(fit(labels[j], labelWidth) + " ", x: r.x, y: y, style: theme.style(j == row ? "cursor" : "foreground"))
            let full = Int((v / top * Float(barWidth)).rounded())
            x = g.put(String(repeating: "█", count: full), x: x, y: y, style: Style(fg: workbench.colorMode.hasColorRamp ? theme.heat(v / top) : theme.color("accent")))
            g.put(String(format: " %5.1f%%", v * 100), x: x, y: y, style: theme.style("muted"), clip: r)
            workbench.hitAreas.add(Rect(x: r.x, y: y, width: r.width, height: 1), .cell(row: row, column: j))
        }
    }

    /// DeBERTa: the cursor cell's score split into its disentangled terms
    /// (single-head token view only: the terms are per head and per token pair).
    private func scoreParts(_ map: AttentionMap, _ trace: Trace) -> ScoreParts? {
        let s = state
        guard s.view == .head, !s.words, !s.hideSpecial, map.size > 0 else { return nil }
        let row = min(s.row, map.size - 1), col = min(s.column, map.size - 1)
        return workbench.session.model.encoder.scoreParts(trace, layer: s.layer, head: s.head, query: map.groups[row][0], key: map.groups[col][0])
    }

    private func drawScoreParts(_ g: inout CellGrid, _ r: Rect, _ p: ScoreParts) {
        func f(_ v: Float) -> String { String(format: "%+.3f", v) }
        // The paper's names: content-to-content, content-to-position, position-to-content.
        var text = "score = c2c \(f(p.contentToContent))"
        if let c2p = p.contentToPosition { text += " + c2p \(f(c2p))" }
        if let p2c = p.positionToContent { text += " + p2c \(f(p2c))" }
        text += " = \(f(p.total)) · i−j = \(p.distance)" + (p.bucket != p.distance ? " (bucket \(p.bucket))" : "")
        g.put(text, x: r.x, y: r.y + 2, style: theme.style("accent"), clip: r)
    }

    /// The template's special tokens as this model spells them ([CLS]/[SEP], <s>/</s>).
    private var specialNames: String {
        guard let e = snapshot.result?.encoding else { return "specials" }
        var seen: [String] = []
        for i in e.tokens.indices where e.specialTokensMask[i] == 1 && !seen.contains(e.tokens[i]) { seen.append(e.tokens[i]) }
        return seen.isEmpty ? "specials" : seen.joined(separator: "/")
    }
}
