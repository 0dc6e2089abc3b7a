import Session
import TextCells

/// The attention pane: a heatmap of one layer/head (or a derived view), its
/// statistics, a ranked focus list, and an overview of all heads.
enum AttentionPane {
    struct Input {
        var view: AttentionView?
        var overview: OverviewView?
        /// A map read by bands or pooled, in place of the heatmap.
        var longMap: LongMapView? = nil
        var finder: HeadFinderView?
        var importance: ImportanceView?
        var patching: PatchingView?
        var panel: PanelView? = nil
        var flowWaiting: String?
        /// Before the title: which model (the second model's half says so).
        var titlePrefix = ""
        var comparison: ComparisonView?
        var comparisonWaiting = ""
        var error: String?
        var layers: Int, heads: Int
        /// Heads knocked out: the title and the overview mark them.
        var ablated = HeadAblation()
        /// Whose layers the map comes from (a model with head overlays says so).
        var layersShown: String? = nil
    }

    static func title(_ s: AttentionState, layers: Int, heads: Int, specials: String) -> String {
        if s.overview { return "All heads · \(layers) layers × \(heads) heads · Enter opens" }
        var title = "Attention · layer \(s.layer + 1)/\(layers)"
        switch s.view {
        case .head: title += " · head \(s.head + 1)/\(heads)"
        case .mean: title += " · mean of \(heads) heads"
        case .rollout: title += " · rollout through layer \(s.layer + 1)"
        case .norm: title += " · head \(s.head + 1)/\(heads) · ‖αf(x)‖"
        case .normSum: title += " · ‖Σαf(x)‖ over heads"
        case .normResidual: title += " · ‖αf(x)‖ + residual, LayerNorm"
        case .valueZeroing: title += " · value zeroing"
        case .valueZeroingRollout: title += " · value-zeroing rollout through layer \(s.layer + 1)"
        case .flow: title += " · attention flow through layer \(s.layer + 1)"
        }
        if s.pooled && s.poolable { title += " · pooled" }
        if s.words { title += " · words" }
        if s.hideSpecial { title += " · \(specials) hidden" }
        return title
    }

    /// Where the heatmap or focus list goes inside the pane at `r`.
    static func body(_ r: Rect, _ v: AttentionView, _ s: AttentionState) -> Rect {
        r.inset(by: 1).splitTop(s.words || s.hideSpecial || v.scoreParts != nil ? 3 : 2).1
    }

    static func render(_ input: Input, _ s: AttentionState, _ r: Rect, focused: Bool, into c: inout Canvas) {
        var heading =
            input.titlePrefix
            + title(s, layers: input.layers, heads: input.heads, specials: input.view?.specialNames ?? "specials")
        if c.figure, heading.hasSuffix(" · Enter opens") { heading.removeLast(" · Enter opens".count) }
        if !s.overview, s.view == .head, input.ablated.contains(layer: s.layer, head: s.head) {
            heading += " · ablated"
        }
        if let shown = input.layersShown { heading += " · " + shown }
        c.frame(r, title: heading, focused: focused)
        let inner = r.inset(by: 1)
        guard inner.width > 8, inner.height > 2 else { return }
        if let err = input.error { c.put(err, x: inner.x, y: inner.y, c.theme.style(.error), clip: inner); return }
        if s.overview {
            if let o = input.overview { OverviewGrid.render(o, s, ablated: input.ablated, inner, &c) }
            return
        }
        if let long = input.longMap {
            LongMapGrid.render(long, s, valueName: s.view.valueName, inner, &c)
            return
        }
        guard let v = input.view, v.map.size > 0 else {
            if let w = input.flowWaiting { c.put(w, x: inner.x, y: inner.y, c.theme.style(.muted), clip: inner) }
            return
        }
        drawInfo(v, s, inner, &c)
        let area = body(r, v, s)
        if let v = input.panel, s.panel == v.context, let panel = AttentionPanels.panel(v.context) {
            panel.render(v, s, area, &c)
        } else if let imp = input.importance, s.importance {
            ImportanceGrid.render(imp, s, area, &c)
        } else if let p = input.patching, s.patching {
            PatchingGrid.render(p, area, &c)
        } else if s.comparing {
            ComparisonGrid.render(input.comparison, waiting: input.comparisonWaiting, s, area, &c)
        } else if let f = input.finder, let fs = s.finder {
            HeadFinder.render(f, fs, current: (s.layer, s.head), area, &c)
        } else if s.focusMode {
            drawFocusList(v, s, area, &c)
        } else {
            drawHeatmap(v, s, area, &c)
        }
    }

    private static func drawInfo(_ v: AttentionView, _ s: AttentionState, _ r: Rect, _ c: inout Canvas) {
        let map = v.map
        let row = min(s.row, map.size - 1), col = min(s.column, map.size - 1)
        let name = s.view.valueName
        // A local layer's window says more than the colour scale (why most of a row is empty, why CLS is rare).
        let note =
            v.statistics.window.map {
                "   local layer ±\($0): \(v.statistics.rowsReachingCLS)/\(map.size) rows reach CLS"
            }
            ?? (name == "p" ? "   (colour: √(p / max p))" : "   (colour: √(v / max v))")
        let info = "\(v.labels[row]) → \(v.labels[col])  \(name) = " + String(format: "%.6f", map[row, col]) + note
        c.put(info, x: r.x, y: r.y, c.theme.style(.foreground, [.bold]), clip: r)
        var notes: [String] = []
        if s.words { notes.append("to a word: sum over its pieces; from a word: mean") }
        if s.hideSpecial { notes.append("\(v.specialNames) removed, rows renormalized") }
        if !notes.isEmpty { c.put(notes.joined(separator: " · "), x: r.x, y: r.y + 2, c.theme.style(.accent), clip: r) }
        let st = v.statistics
        func pct(_ v: Float) -> String { String(format: "%.0f%%", v * 100) }
        // Whole segments only, so a narrow pane never shows "self 1" for 12%.
        let stats = [
            String(format: "H %.2f bits", st.entropy), " │ CLS \(pct(st.toCLS))", " SEP \(pct(st.toSEP))",
            " punct \(pct(st.toPunctuation))", " │ prev \(pct(st.toPrevious))", " next \(pct(st.toNext))",
            " self \(pct(st.toSelf))",
        ]
        c.segments(stats, x: r.x, y: r.y + 1, c.theme.style(.muted), clip: r)
        if let parts = v.scoreParts { c.put(parts, x: r.x, y: r.y + 2, c.theme.style(.accent), clip: r) }
    }

    /// Rows are queries, columns keys. Colour = √(p / max p) of the map, so
    /// weak but real attention stays visible next to one dominant cell;
    /// without a 256-colour ramp, the glyphs ' ░▒▓█' carry the value.
    private static func drawHeatmap(_ v: AttentionView, _ s: AttentionState, _ r: Rect, _ c: inout Canvas) {
        let map = v.map
        drawHeatmap(
            labels: v.labels, maxValue: max(map.values.max() ?? 1, 1e-9), s, r, &c, value: { map[$0, $1] })
    }

    /// A heatmap of `labels.count` rows and columns whose cells `value` gives
    /// (nil: a row not computed yet, drawn blank); colours relative to `maxValue`.
    static func drawHeatmap(
        labels: [String], maxValue: Float, _ s: AttentionState, _ r: Rect, _ c: inout Canvas,
        value: (Int, Int) -> Float?
    ) {
        let n = labels.count
        guard let geo = HeatmapGeometry(r, size: n, labels: labels, ramp: c.ramp) else { return }
        let lw = geo.labelWidth, cw = geo.cellWidth
        let x0 = r.x + lw + 1, y0 = r.y + geo.headerRows
        let theme = c.theme
        // Axis legend in the empty corner.
        c.put(
            lw >= 4 ? "key→" : "k→", x: r.x, y: r.y, theme.style(.muted),
            clip: Rect(x: r.x, y: r.y, width: lw, height: 1))
        if geo.headerRows > 1 {
            c.put(
                lw >= 6 ? "query↓" : "q↓", x: r.x, y: r.y + geo.headerRows - 1, theme.style(.muted),
                clip: Rect(x: r.x, y: r.y, width: lw, height: geo.headerRows))
        }
        drawColumnLabels(labels, geo, s, Rect(x: x0, y: r.y, width: r.maxX - x0, height: geo.headerRows), &c)
        for line in 0..<geo.visibleRows {
            let i = s.scrollRow + line
            guard i < n else { break }
            let y = y0 + line * geo.rowHeight
            c.put(
                fit(labels[i], lw), x: r.x, y: y, i == s.row ? theme.style(.cursor, [.bold]) : theme.style(.foreground))
            for col in 0..<geo.visibleColumns {
                let j = s.scrollColumn + col
                guard j < n else { break }
                let cell = Rect(x: x0 + col * cw, y: y, width: cw, height: geo.rowHeight)
                guard let v = value(i, j) else {
                    c.put(String(repeating: "·", count: cw), x: cell.x, y: y, theme.style(.muted))
                    continue
                }
                drawCell(cell, value: HeatRamp.level(v, of: maxValue), cursor: s.row == i && s.column == j, &c)
                c.hits.add(cell, .cell(row: i, column: j))
            }
        }
        if geo.legend {
            // Right under the map, where the eye is.
            let y = min(r.maxY - 1, y0 + min(geo.visibleRows, n - s.scrollRow) * geo.rowHeight)
            drawLegend(Rect(x: r.x, y: y, width: r.width, height: 1), maxValue: maxValue, shown: geo, total: n, s, &c)
        }
    }

    /// Column labels: across when cells are wide (each label over its cell
    /// and the next, rows alternating), else downwards inside each column;
    /// the cursor's label whole, drawn last over its neighbours.
    private static func drawColumnLabels(
        _ labels: [String], _ geo: HeatmapGeometry, _ s: AttentionState, _ r: Rect, _ c: inout Canvas
    ) {
        let cw = geo.cellWidth, rows = geo.headerRows
        var cursor: (x: Int, y: Int)?
        for col in 0..<geo.visibleColumns {
            let j = s.scrollColumn + col
            guard j < labels.count else { break }
            let x = r.x + col * cw
            if j == s.column { cursor = (x, geo.labelsAcross ? r.y + col % rows : r.y) }
            if geo.labelsAcross {
                let room = rows > 1 ? 2 * cw - 1 : cw - 1
                c.put(
                    labels[j], x: x, y: r.y + col % rows, c.theme.style(.muted),
                    clip: Rect(x: x, y: r.y, width: min(room, r.maxX - x), height: rows))
            } else {
                let column = Rect(x: x, y: r.y, width: cw, height: rows)
                for (k, ch) in labels[j].prefix(rows).enumerated() {
                    c.put(String(ch), x: x, y: r.y + k, c.theme.style(.muted), clip: column)
                }
            }
        }
        guard let cursor, labels.indices.contains(s.column) else { return }
        let label = labels[s.column], style = c.theme.style(.cursor, [.bold])
        if geo.labelsAcross {
            // Whole, moved left as far as needed to end inside the map.
            let x = max(r.x, min(cursor.x, r.maxX - displayWidth(label) - 1))
            c.put(label + " ", x: x, y: cursor.y, style, clip: r)
        } else {
            let column = Rect(x: cursor.x, y: r.y, width: geo.cellWidth, height: rows)
            for (k, ch) in label.prefix(rows).enumerated() {
                c.put(String(ch), x: cursor.x, y: r.y + k, style, clip: column)
            }
        }
    }

    /// The colour scale with its values, and which rows and columns are on screen.
    private static func drawLegend(
        _ r: Rect, maxValue: Float, shown geo: HeatmapGeometry, total n: Int, _ s: AttentionState, _ c: inout Canvas
    ) {
        var x = c.put("scale 0 ", x: r.x, y: r.y, c.theme.style(.muted), clip: r)
        let steps = 12
        for k in 0..<steps {
            let v = Float(k) / Float(steps - 1)
            if c.ramp {
                x = c.put(" ", x: x, y: r.y, Style(fg: c.theme.color(.foreground), bg: c.theme.heat(v)), clip: r)
            } else {
                x = c.put(HeatRamp.glyph(v), x: x, y: r.y, c.theme.style(.foreground), clip: r)
            }
        }
        // Colour is √(p / max p): the middle of the scale is a quarter of the maximum.
        // Parts are added while they fit whole, most useful first: no number is cut.
        var parts = [String(format: " %.3f", maxValue)]
        if geo.visibleRows < n {
            parts.append("  rows \(s.scrollRow + 1)–\(min(n, s.scrollRow + geo.visibleRows))/\(n)")
        }
        if geo.visibleColumns < n {
            parts.append("  keys \(s.scrollColumn + 1)–\(min(n, s.scrollColumn + geo.visibleColumns))/\(n)")
        }
        parts.insert(String(format: " (max %@; middle %.3f)", s.view.valueName, maxValue / 4), at: 1)
        var text = ""
        for p in parts where x + displayWidth(text + p) <= r.maxX { text += p }
        c.put(text, x: x, y: r.y, c.theme.style(.muted), clip: r)
    }

    private static func drawCell(_ cell: Rect, value: Float, cursor: Bool, _ c: inout Canvas) {
        let theme = c.theme
        for dy in 0..<cell.height {
            if c.ramp {
                c.put(
                    String(repeating: " ", count: cell.width), x: cell.x, y: cell.y + dy,
                    Style(fg: theme.color(.cursor), bg: theme.heat(value)))
            } else {
                c.put(
                    String(repeating: HeatRamp.glyph(value), count: cell.width), x: cell.x, y: cell.y + dy,
                    theme.style(.foreground))
            }
        }
        if cursor {
            let mark =
                cell.width >= 3
                ? "[" + String(repeating: "◆", count: cell.width - 2) + "]" : (cell.width == 2 ? "◆ " : "◆")
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
        c.put(
            "attention from \"\(labels[row])\", ranked" + c.keys(" (↑/↓ changes the query)"), x: r.x, y: r.y,
            c.theme.style(.accent, [.bold]), clip: r)
        guard let first = v.ranked.first else { return }
        let labelWidth = min(16, labels.map(displayWidth).max() ?? 4)
        let barWidth = max(4, r.width - labelWidth - 12)
        let top = max(map[row, first], 1e-9)
        for (i, j) in v.ranked.prefix(max(0, r.height - 1)).enumerated() {
            let y = r.y + 1 + i, p = map[row, j]
            var x = c.put(
                fit(labels[j], labelWidth) + " ", x: r.x, y: y, c.theme.style(j == row ? .cursor : .foreground))
            x = c.put(
                BarGlyphs.solid(Int((p / top * Float(barWidth)).rounded())), x: x, y: y, c.heat(p / top))
            c.put(String(format: " %5.1f%%", p * 100), x: x, y: y, c.theme.style(.muted), clip: r)
            c.hits.add(Rect(x: r.x, y: y, width: r.width, height: 1), .cell(row: row, column: j))
        }
    }
}
