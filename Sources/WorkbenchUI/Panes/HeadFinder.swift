import Analysis
import Foundation
import TextCells

/// The head finder: in place of the heatmap, every layer × head ranked for
/// the cursor cell (or by a head statistic), best first; Enter opens one.
enum HeadFinder {
    static func render(_ v: HeadFinderView, _ s: HeadFinderState, current: (Int, Int), _ r: Rect, _ c: inout Canvas) {
        guard r.height > 2 else { return }
        let what = v.criterion == .cell ? "\"\(v.query)\" → \"\(v.key)\"" : v.criterion.rawValue
        let title = "heads ranked by " + (v.criterion == .cell ? "attention " + what : what)
        let hint = "  ←/→ measure · Enter opens · Esc closes"
        c.segments([title, hint], x: r.x, y: r.y, c.theme.style(.accent, [.bold]), clip: r)
        let rows = r.height - 1
        let selected = max(0, min(v.entries.count - 1, s.selected))
        let first = max(0, min(selected - rows / 2, v.entries.count - rows))
        let top = max(v.entries.map(\.value).max() ?? 1, 1e-9)
        let barWidth = max(4, r.width - 34)
        for (line, i) in (first..<min(v.entries.count, first + rows)).enumerated() {
            let e = v.entries[i], y = r.y + 1 + line
            let isCurrent = e.layer == current.0 && e.head == current.1
            let label = String(format: "%3d. L%-2d H%-2d", i + 1, e.layer + 1, e.head + 1)
            let number =
                v.criterion == .entropy
                ? String(format: "%5.2f bits", e.value) : String(format: "%6.2f%%", e.value * 100)
            let style =
                i == selected
                ? c.theme.style(.cursor, [.bold, .reverse]) : c.theme.style(isCurrent ? .accent : .foreground)
            var x = c.put(label + " " + number + " ", x: r.x, y: y, style, clip: r)
            // Entropy: a shorter bar is better; the bar shows the value either way.
            x = c.put(
                BarGlyphs.solid(max(0, Int((e.value / top * Float(barWidth)).rounded()))), x: x, y: y,
                c.heat(e.value / top), clip: r)
            if isCurrent { c.put(" ← shown", x: x, y: y, c.theme.style(.muted), clip: r) }
            c.hits.add(Rect(x: r.x, y: y, width: r.width, height: 1), .head(layer: e.layer, head: e.head))
        }
    }

    static let bindings: [Binding] = [
        .state([.up, .char("k")], .finder, "previous head in the ranking") { s, e in move(&s, -1, e) }.hint("head"),
        .state([.down, .char("j")], .finder, "next head in the ranking") { s, e in move(&s, 1, e) }.hint("head"),
        .state([.pageUp], .finder, "ten heads up") { s, e in move(&s, -10, e) },
        .state([.pageDown], .finder, "ten heads down") { s, e in move(&s, 10, e) },
        .state([.left, .char("h")], .finder, "rank by the previous measure (cell, entropy, [CLS], [SEP], …)") { s, _ in
            cycle(&s, -1)
        }.hint("measure"),
        .state([.right, .char("l")], .finder, "rank by the next measure") { s, _ in cycle(&s, 1) }.hint("measure"),
        .effect([.enter], .finder, "open the highlighted head", .openRankedHead).hint("open"),
        .state([.escape, .char("g")], .finder, "close the head finder") { s, _ in s.attention.finder = nil }.hint(
            "close"),
    ]

    private static func move(_ s: inout WorkbenchState, _ delta: Int, _ e: Extent) {
        guard var f = s.attention.finder else { return }
        f.selected = clamped(f.selected + delta, e.layers * e.heads)
        s.attention.finder = f
    }

    private static func cycle(_ s: inout WorkbenchState, _ delta: Int) {
        let all = HeadRanking.Criterion.allCases
        guard let f = s.attention.finder, let i = all.firstIndex(of: f.criterion) else { return }
        s.attention.finder = HeadFinderState(criterion: all[wrapped(i, delta, all.count)], selected: 0)
    }
}
