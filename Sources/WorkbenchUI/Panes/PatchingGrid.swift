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
        c.segments(
            [
                "patched from \"\(v.counterfactual)\"", "  · \(t.labelA) − \(t.labelB)",
                String(format: " %.2f → %.2f", res.clean, res.counterfactual), "  · Esc closes",
            ], x: r.x, y: r.y, c.theme.style(.accent, [.bold]), clip: r)
        let labelWidth = min(14, max(6, o.tokens.map { displayWidth(visibleText($0)) }.max() ?? 6))
        let cw = max(5, min(7, (r.width - labelWidth - 1) / max(1, res.positions.count)))
        var x = c.put(fit("", labelWidth + 1), x: r.x, y: r.y + 1, c.theme.style(.muted))
        for l in res.positions.indices {
            x = c.put(fit(l == 0 ? "emb" : "L\(l)", cw), x: x, y: r.y + 1, c.theme.style(.muted, [.bold]), clip: r)
        }
        var y = r.y + 2
        for (i, token) in o.tokens.enumerated() where y < r.maxY - 1 {
            var x = c.put(fit(visibleText(token), labelWidth) + " ", x: r.x, y: y, c.theme.style(.foreground), clip: r)
            for l in res.positions.indices {
                let e = res.positions[l][i]
                x = cell(e, x: x, y: y, width: cw, r, &c)
            }
            y += 1
        }
        if let note = alignmentNote(res.alignment), y < r.maxY - 1 {
            c.put(note, x: r.x, y: y, c.theme.style(.muted), clip: r)
            y += 1
        }
        if y < r.maxY - 1 {
            c.put("heads (each head's output from the counterfactual):", x: r.x, y: y, c.theme.style(.muted), clip: r)
            y += 1
        }
        for (l, row) in res.heads.enumerated() where y < r.maxY - 1 {
            var x = c.put(fit("L\(l + 1)", labelWidth) + " ", x: r.x, y: y, c.theme.style(.muted), clip: r)
            for e in row { x = cell(e, x: x, y: y, width: cw, r, &c) }
            y += 1
        }
        if y < r.maxY {
            c.put(
                "0 = the sentence's answer, 1 = the counterfactual's; orange toward it, purple away", x: r.x, y: y,
                c.theme.style(.muted), clip: r)
        }
    }

    private static func cell(_ e: Float, x: Int, y: Int, width: Int, _ r: Rect, _ c: inout Canvas) -> Int {
        let text = !e.isFinite ? "  –" : abs(e) < 0.005 ? " 0.00" : String(format: "%+.2f", e)
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
