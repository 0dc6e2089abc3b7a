import Analysis
import Session
import TextCells

/// Activation patching in place of the heatmap: positions × hidden states
/// (embeddings, then each layer), each cell the effect of taking that one
/// vector from the counterfactual (0 = the sentence's own answer, 1 = the
/// counterfactual's), on the diverging ramp; then the heads' grid.
enum PatchingGrid {
    /// Said when the token counts differ: the patching is by words, and some positions may have no partner.
    static func alignmentNote(_ a: PatchAlignment) -> String? {
        guard !a.isPositional else { return nil }
        let left = a.unpaired.count
        return "by words (token counts differ): "
            + (left == 0 ? "all paired" : "\(left) of \(a.partner.count) unpaired (–)")
    }

    static func render(_ v: PatchingView, _ r: Rect, _ c: inout Canvas) {
        guard r.height > 2 else { return }
        guard let o = v.outcome else {
            c.put(v.waiting, x: r.x, y: r.y, c.theme.style(.muted), clip: r)
            return
        }
        if let error = o.error {
            c.put(error, x: r.x, y: r.y, c.theme.style(.error), clip: r)
            return
        }
        guard let res = o.result, let t = o.target else { return }
        let labelWidth = min(14, max(6, o.tokens.map { displayWidth(visibleText($0)) }.max() ?? 6))
        let positions = Columns(count: res.positions.count, r, labelWidth: labelWidth)
        c.segments(
            [
                "patched from \"\(v.counterfactual)\"", "  · \(t.labelA) − \(t.labelB)",
                String(format: " %.2f → %.2f", res.clean, res.counterfactual),
                positions.shown < positions.count ? "  · layers\(positions.hidden)" : "",
            ], x: r.x, y: r.y, c.theme.style(.accent, [.bold]), clip: r)
        // The legend wraps under the grids: what 0, 1 and the colours mean is never cut.
        let legend = c.legendLines(
            "0 = the sentence's answer, 1 = counterfactual's; orange toward 1, purple away", keys: "Esc closes",
            width: r.width)
        let bottom = r.maxY - min(legend.count, max(0, r.height - 3))
        var y = positions.header(r.y + 1, r, &c) { $0 == 0 ? "emb" : "L\($0)" }
        for (i, token) in o.tokens.enumerated() where y < bottom {
            var x = c.put(fit(visibleText(token), labelWidth) + " ", x: r.x, y: y, c.theme.style(.foreground), clip: r)
            for l in 0..<positions.shown { x = cell(res.positions[l][i], x: x, y: y, width: positions.width, r, &c) }
            y += 1
        }
        if let note = alignmentNote(res.alignment), y < bottom {
            c.put(note, x: r.x, y: y, c.theme.style(.muted), clip: r)
            y += 1
        }
        let heads = Columns(count: res.heads.first?.count ?? 0, r, labelWidth: labelWidth)
        if y < bottom {
            c.put(
                "heads (each head's output from the counterfactual)\(heads.hidden):", x: r.x, y: y,
                c.theme.style(.muted), clip: r)
            y += 1
        }
        // The heads have their own header: the positions' "emb L1 …" does not name them.
        if y < bottom { y = heads.header(y, r, &c) { "H\($0 + 1)" } }
        for (l, row) in res.heads.enumerated() where y < bottom {
            var x = c.put(fit("L\(l + 1)", labelWidth) + " ", x: r.x, y: y, c.theme.style(.muted, [.bold]), clip: r)
            for h in 0..<min(heads.shown, row.count) { x = cell(row[h], x: x, y: y, width: heads.width, r, &c) }
            y += 1
        }
        for line in legend where y < r.maxY {
            c.put(line, x: r.x, y: y, c.theme.style(.muted), clip: r)
            y += 1
        }
    }

    /// A grid's columns after its row labels: as wide as the numbers need
    /// and the area allows, and how many of them fit.
    struct Columns {
        let width: Int, shown: Int, count: Int, labelWidth: Int
        init(count: Int, _ r: Rect, labelWidth: Int) {
            let room = max(0, r.width - labelWidth - 1)
            self.count = count
            self.labelWidth = labelWidth
            width = max(5, min(7, room / max(1, count)))
            shown = min(count, room / width)
        }

        /// " (8 of 12 fit)" when the columns do not all fit, else "".
        var hidden: String { shown < count ? " (\(shown) of \(count) fit)" : "" }

        /// The header row of column names at `y`; returns the next row.
        func header(_ y: Int, _ r: Rect, _ c: inout Canvas, name: (Int) -> String) -> Int {
            var x = c.put(fit("", labelWidth + 1), x: r.x, y: y, c.theme.style(.muted))
            for k in 0..<shown { x = c.put(fit(name(k), width), x: x, y: y, c.theme.style(.muted, [.bold]), clip: r) }
            return y + 1
        }
    }

    /// The effect as the most digits of ±0.00, ±0.0, ±0 that leave a space
    /// in `width` (what rounds to zero has no sign).
    static func number(_ e: Float, width: Int) -> String {
        guard e.isFinite else { return "  –" }
        for digits in [2, 1, 0] {
            var text = String(format: "%+.\(digits)f", e)
            if text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) { text = " " + text.dropFirst() }
            if text.count < width { return text }
        }
        return e > 0 ? "+≫" : "-≫"
    }

    private static func cell(_ e: Float, x: Int, y: Int, width: Int, _ r: Rect, _ c: inout Canvas) -> Int {
        let text = number(e, width: width)
        guard c.ramp, e.isFinite else {
            return c.put(fit(text, width), x: x, y: y, c.theme.style(.foreground), clip: r)
        }
        let (bg, fg) = c.diverging(max(-1, min(1, e)))
        return c.put(fit(text, width), x: x, y: y, Style(fg: fg, bg: bg), clip: r)
    }

    static let bindings: [Binding] = [
        Binding([.escape, .char("P")], .patching, "close activation patching") { s, _ in
            s.attention.patching = false
            return .inputChanged
        }.hint("close")
    ]
}
