import Foundation
import Analysis
import Session
import TextCells

/// Head importance in place of the heatmap: layers × heads, each cell the
/// change in log p of the first mask's top prediction when that head alone
/// is ablated (Michel et al. 2019); the strongest effects brightest.
enum ImportanceGrid {
    static func render(_ v: ImportanceView, _ s: AttentionState, _ r: Rect, _ c: inout Canvas) {
        guard r.height > 2 else { return }
        guard let imp = v.importance else {
            c.put(v.waiting, x: r.x, y: r.y, c.theme.style(.muted), clip: r)
            return
        }
        let title =
            imp.isNextSentence
            ? "Δ log p(pair \"\(imp.targetToken)\") with each head alone off"
            : imp.isClass
                ? "Δ log p(class \"\(imp.targetToken)\") with each head alone off"
                : "Δ log p(\"\(visibleText(imp.targetToken))\" at #\(imp.position)) with each head alone off"
        c.segments(
            [title, String(format: "  (base %.2f)", imp.baseLogProbability)],
            x: r.x, y: r.y, c.theme.style(.accent, [.bold]), clip: r)
        let cw = max(6, min(8, (r.width - 5) / max(1, imp.heads)))
        var x = c.put(fit("", 5), x: r.x, y: r.y + 1, c.theme.style(.muted))
        for h in 0..<imp.heads {
            x = c.put(
                fit("H\(h + 1)", cw), x: x, y: r.y + 1, c.theme.style(h == s.head ? .cursor : .muted, [.bold]), clip: r)
        }
        let top = max(imp.deltas.map { abs($0) }.max() ?? 1, 1e-9)
        for l in 0..<imp.layers where r.y + 2 + l < r.maxY {
            let y = r.y + 2 + l
            var x = c.put(fit("L\(l + 1)", 5), x: r.x, y: y, c.theme.style(l == s.layer ? .cursor : .muted, [.bold]))
            for h in 0..<imp.heads {
                let d = imp.delta(layer: l, head: h), on = l == s.layer && h == s.head
                // Dark digits on the bright end of the ramp, light ones elsewhere: readable on every cell.
                let level = HeatRamp.level(abs(d), of: top)
                var st =
                    c.ramp
                    ? Style(fg: level > 0.6 ? .indexed(16) : c.theme.color(.foreground), bg: c.theme.heat(level))
                    : c.theme.style(.foreground)
                if on { st = st.with([.bold, .reverse]) }
                let start = x
                x = c.put(fit(String(format: "%+.2f", d), cw), x: x, y: y, st, clip: r)
                c.hits.add(Rect(x: start, y: y, width: x - start, height: 1), .head(layer: l, head: h))
            }
        }
        // Wrapped, not cut: what the sign and the colour mean, then the keys.
        let note = c.legendLines(
            "negative: the head helped the prediction; colour: |Δ| (√ scale, max \(String(format: "%.2f", top)))",
            keys: "Enter opens · Esc closes", width: r.width)
        for (k, line) in note.enumerated() where r.y + 2 + imp.layers + k < r.maxY {
            c.put(line, x: r.x, y: r.y + 2 + imp.layers + k, c.theme.style(.muted), clip: r)
        }
    }

    static let bindings: [Binding] =
        layerHeadCursor(.importance) + [
            Binding([.enter], .importance, "open the chosen head") { s, _ in
                s.attention.importance = false
                s.attention.view = .head
                return .inputChanged
            }.hint("open"),
            Binding([.escape, .char("H")], .importance, "close head importance") { s, _ in
                s.attention.importance = false
                return .inputChanged
            }.hint("close"),
            Binding([.char("a")], .importance, "ablate the chosen head, or restore it") { s, _ in toggleAblation(&s) },
        ]
}
