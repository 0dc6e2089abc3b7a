import Analysis
import Session
import TextCells

/// Sentence comparison in place of the heatmap: A's map, A′'s map and A − A′
/// side by side (one at a time in a narrow pane, `x` picks), then the drift
/// chart of one shared word: per layer, its cosine in A and A′ and to its
/// embedding.
enum ComparisonGrid {
    static func render(_ v: ComparisonView?, waiting: String, _ s: AttentionState, _ r: Rect, _ c: inout Canvas) {
        guard r.height > 2 else { return }
        guard let v else {
            c.put(waiting, x: r.x, y: r.y, c.theme.style(.muted), clip: r)
            return
        }
        c.segments(
            [v.heading] + (v.changedMost.map { ["  · " + $0] } ?? []) + ["  · \(v.what)", "  · \(v.alignment)"]
                + [c.keys("  · Esc closes")], x: r.x, y: r.y,
            c.theme.style(.accent, [.bold]), clip: r)
        let maps: [(String, AttentionMap?, [Float]?, [String])] = [
            ("A − A′", nil, v.difference, v.labelsA), ("A", v.mapA, nil, v.labelsA), ("A′", v.mapB, nil, v.labelsB),
        ]
        let n = max(v.mapA.size, v.mapB.size)
        // Two columns per cell when all three maps fit so, else one.
        let cw = r.width >= 3 * (10 + 2 * n) ? 2 : 1, need = { (m: Int) in 10 + cw * m }
        let fitsAll = r.width >= 3 * need(n)
        let shown = fitsAll ? [1, 2, 0] : [s.compareShown % 3]
        // Column labels written downwards when the pane has rows to spare for them.
        let longest = (v.labelsA + v.labelsB).map { $0.count }.max() ?? 0
        let labelRows = min(3, longest, max(0, (r.height - 8) / 4))
        let mapRows = min(n, max(0, (r.height - 5 - labelRows) / 2))
        var x = r.x
        for k in shown {
            let (title, map, diff, labels) = maps[k]
            let box = Rect(x: x, y: r.y + 1, width: min(need(n), r.maxX - x), height: mapRows + 1 + labelRows)
            draw(title, map, diff, labels, cellWidth: cw, labelRows: labelRows, box, &c)
            x += need(n)
        }
        let below = r.y + 2 + labelRows + mapRows
        legend(
            v, showsDifference: shown.contains(0),
            hint: fitsAll || c.figure ? nil : "x: A − A′ / A / A′ (all three from \(3 * (10 + n)) columns)",
            Rect(x: r.x, y: below, width: r.width, height: below < r.maxY ? 1 : 0), &c)
        drift(v, s, Rect(x: r.x, y: below + 1, width: r.width, height: r.maxY - (below + 1)), &c)
    }

    /// What A − A′'s colours mean (orange: A attends more), and in a narrow pane the key that switches maps.
    private static func legend(_ v: ComparisonView, showsDifference: Bool, hint: String?, _ r: Rect, _ c: inout Canvas)
    {
        guard r.height > 0 else { return }
        var x = r.x
        if showsDifference, let diff = v.difference {
            let top = diff.map(abs).max() ?? 0
            let swatch = { (value: Float, glyph: String, x: Int, c: inout Canvas) -> Int in
                let (bg, fg) = c.diverging(value)
                return c.put(c.ramp ? "  " : glyph, x: x, y: r.y, Style(fg: fg, bg: bg), clip: r)
            }
            x = c.put("A − A′: ", x: x, y: r.y, c.theme.style(.muted), clip: r)
            x = swatch(1, "+", x, &c)
            x = c.put(" A attends more  ", x: x, y: r.y, c.theme.style(.muted), clip: r)
            x = swatch(-1, "-", x, &c)
            x = c.put(String(format: " A′ more (max |Δ| %.3f)", top), x: x, y: r.y, c.theme.style(.muted), clip: r)
            if hint != nil { x = c.put(" · ", x: x, y: r.y, c.theme.style(.muted), clip: r) }
        }
        if let hint { c.put(hint, x: x, y: r.y, c.theme.style(.muted), clip: r) }
    }

    /// One map: a title, row labels, two columns per cell (heat, or the diverging ramp for a difference).
    private static func draw(
        _ title: String, _ map: AttentionMap?, _ diff: [Float]?, _ labels: [String], cellWidth cw: Int,
        labelRows: Int, _ r: Rect, _ c: inout Canvas
    ) {
        c.put(title, x: r.x + 8, y: r.y, c.theme.style(.foreground, [.bold]), clip: r)
        let n = map?.size ?? (diff.map { Int(Double($0.count).squareRoot().rounded()) } ?? 0)
        guard n > 0 else {
            c.put("no difference: the sentences do not align", x: r.x, y: r.y + 1, c.theme.style(.muted), clip: r)
            return
        }
        columnLabels(
            labels, n: n, cellWidth: cw, rows: labelRows, Rect(x: r.x, y: r.y + 1, width: r.width, height: labelRows),
            &c)
        let top = map.map { max($0.values.max() ?? 1, 1e-9) } ?? max(diff?.map(abs).max() ?? 1, 1e-9)
        for i in 0..<min(n, r.height - 1 - labelRows) {
            let y = r.y + 1 + labelRows + i
            c.put(fit(i < labels.count ? labels[i] : "", 7), x: r.x, y: y, c.theme.style(.muted), clip: r)
            for j in 0..<n {
                let cell = Rect(x: r.x + 8 + cw * j, y: y, width: cw, height: 1)
                guard cell.maxX <= r.maxX else { break }
                if let map {
                    let level = HeatRamp.level(map[i, j], of: top)
                    let style = c.ramp ? Style(bg: c.theme.heat(level)) : c.theme.style(.foreground)
                    let glyph = c.ramp ? " " : HeatRamp.glyph(level)
                    c.put(String(repeating: glyph, count: cw), x: cell.x, y: y, style, clip: r)
                } else if let diff {
                    let (bg, fg) = c.diverging(diff[i * n + j] / top)
                    let d = diff[i * n + j], glyph = c.ramp ? " " : d > 0 ? "+" : d < 0 ? "-" : " "
                    c.put(String(repeating: glyph, count: cw), x: cell.x, y: y, Style(fg: fg, bg: bg), clip: r)
                }
            }
        }
    }

    /// The keys' labels written downwards over their columns, "key→" and "query↓" in the corner.
    private static func columnLabels(
        _ labels: [String], n: Int, cellWidth cw: Int, rows: Int, _ r: Rect, _ c: inout Canvas
    ) {
        guard rows > 0 else { return }
        c.put("key→", x: r.x, y: r.y, c.theme.style(.muted), clip: Rect(x: r.x, y: r.y, width: 7, height: 1))
        if rows > 1 { c.put("query↓", x: r.x, y: r.y + rows - 1, c.theme.style(.muted)) }
        for j in 0..<min(n, labels.count) {
            let column = Rect(x: r.x + 8 + cw * j, y: r.y, width: cw, height: rows)
            guard column.maxX <= r.maxX else { break }
            for (k, ch) in labels[j].prefix(rows).enumerated() {
                c.put(String(ch), x: column.x, y: r.y + k, c.theme.style(.muted), clip: column)
            }
        }
    }

    /// The chosen shared word's cosine A vs A′ and to its own embedding, per layer, as bars.
    private static func drift(_ v: ComparisonView, _ s: AttentionState, _ r: Rect, _ c: inout Canvas) {
        guard r.height > 1 else { return }
        guard !v.words.isEmpty else {
            c.put("no word is in both sentences", x: r.x, y: r.y, c.theme.style(.muted), clip: r)
            return
        }
        let w = v.words[min(s.compareWord, v.words.count - 1)]
        c.segments(
            [
                "\"\(w.word)\" (\(min(s.compareWord, v.words.count - 1) + 1)/\(v.words.count)"
                    + c.keys(", ↑ ↓ another word") + "):",
                " its vectors' cosine by layer",
            ], x: r.x, y: r.y, c.theme.style(.foreground, [.bold]), clip: r)
        let barWidth = max(4, min(40, (r.width - 30) / 2))
        // Each bar column says what it compares: the header, not the title, carries it (a title gets cut).
        guard r.height > 2 else { return }
        var x = c.put(fit("", 4), x: r.x, y: r.y + 1, c.theme.style(.muted))
        x = c.put(fit("A vs A′", barWidth + 8), x: x, y: r.y + 1, c.theme.style(.accent, [.bold]), clip: r)
        c.put("A vs its embedding", x: x, y: r.y + 1, c.theme.style(.muted, [.bold]), clip: r)
        // Rows that do not fit leave from the top: the last layers, where A and A′ part, stay.
        let rows = Array(zip(w.cosine, w.toEmbedding).enumerated()), room = max(0, r.maxY - (r.y + 2))
        for (k, (l, (ab, emb))) in rows.suffix(room).enumerated() {
            let y = r.y + 2 + k
            var x = c.put(fit(l == 0 ? "emb" : "L\(l)", 4), x: r.x, y: y, c.theme.style(.muted), clip: r)
            x = bar(ab, barWidth, x: x, y: y, c.theme.style(.accent), r, &c)
            x = c.put(String(format: " %.3f  ", ab), x: x, y: y, c.theme.style(.foreground), clip: r)
            x = bar(emb, barWidth, x: x, y: y, c.theme.style(.muted), r, &c)
            c.put(String(format: " %.3f", emb), x: x, y: y, c.theme.style(.muted), clip: r)
        }
    }

    private static func bar(_ v: Float, _ width: Int, x: Int, y: Int, _ style: Style, _ r: Rect, _ c: inout Canvas)
        -> Int
    {
        let filled = Int((max(0, min(1, v)) * Float(width)).rounded())
        return c.put(
            BarGlyphs.solid(filled) + String(repeating: "·", count: width - filled), x: x, y: y, style,
            clip: r)
    }

    static let bindings: [Binding] = [
        .state([.up, .char("k")], .comparison, "previous shared word (its drift chart)") { s, _ in
            s.attention.compareWord = max(0, s.attention.compareWord - 1)
        }.hint("word"),
        .state([.down, .char("j")], .comparison, "next shared word") { s, _ in s.attention.compareWord += 1 }
            .hint("word"),
        .state([.char("x")], .comparison, "in a narrow pane: show A − A′, A or A′") { s, _ in
            s.attention.compareShown = (s.attention.compareShown + 1) % 3
        }.hint("map"),
        Binding([.escape], .comparison, "close the comparison") { s, _ in
            s.attention.comparing = false
            s.comparisonLayers = nil
            return .inputChanged
        }.hint("close"),
    ]
}
