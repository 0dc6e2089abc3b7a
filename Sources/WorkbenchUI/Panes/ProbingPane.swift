import Foundation
import TextCells

/// What each layer knows: probe accuracy per layer for every cached task,
/// each word's predicted label layer by layer, and a representation view.
enum ProbingPane {
    /// `layers`: whose hidden states are probed, named in the title when the model has several.
    static func render(
        _ v: ProbingView?, _ s: ProbingState, _ r: Rect, focused: Bool, layers: String? = nil, into c: inout Canvas
    ) {
        c.frame(
            r,
            title: (s.corpus
                ? (s.dataset
                    ? "Probing · corpus dataset" + c.keys(" (d)")
                    : s.corpusProjection
                        ? "Probing · corpus projector" + c.keys(" (p)")
                        : "Probing · corpus neighbours" + c.keys(" (c)"))
                : s.representation ? "Probing · representations" + c.keys(" (r)") : "Probing · what each layer knows")
                + (layers.map { " · " + $0 } ?? ""),
            focused: focused)
        let inner = r.inset(by: 1)
        guard inner.width > 10, inner.height > 2, let v else { return }
        switch v.content {
        case .drift(let d): drawDrift(d, inner, &c)
        case .corpus(let v): drawCorpus(v, inner, &c)
        case .noProbes(let estimate, let layers):
            // Wrapped to the pane, the command on a line of its own so it is never cut.
            let whose = layers == nil ? "for this model" : "on this head's layers"
            let lines =
                wordWrap("No probes trained \(whose) yet. Train them once with", inner.width)
                + ["  bertscope probe --task all" + (layers.map { " --layers \($0)" } ?? "")]
                + wordWrap("(\(estimate)) and they load here instantly.", inner.width)
                + (c.figure ? [] : wordWrap("r shows the representation view.", inner.width))
            for (k, line) in lines.prefix(inner.height).enumerated() {
                c.put(line, x: inner.x, y: inner.y + k, c.theme.style(.muted), clip: inner)
            }
        case .probes(let tasks, let selected, let grid):
            // One row per task under a header, so the numbers line up and none is cut.
            let sparkWidth = max(6, tasks.map(\.accuracy.count).max() ?? 0)
            let header =
                "  " + fit("task", 8) + fit("layers", sparkWidth + 1) + fit("best", 12) + fit("selectivity", 13)
                + "expected layer"
            c.put(header, x: inner.x, y: inner.y, c.theme.style(.muted, [.bold]), clip: inner)
            var y = inner.y + 1
            for (i, p) in tasks.enumerated() where y < inner.maxY {
                // Each task scaled to its own min..max.
                let lo = p.accuracy.min() ?? 0, hi = p.accuracy.max() ?? 1
                let spark = p.accuracy.map { BarGlyphs.height(hi > lo ? ($0 - lo) / (hi - lo) : 1) }.joined()
                let best = p.accuracy.indices.contains(p.bestLayer) ? p.accuracy[p.bestLayer] : 0
                let sel = p.selectivity.indices.contains(p.bestLayer) ? p.selectivity[p.bestLayer] : 0
                let parts = [
                    (i == selected ? "▶ " : "  ") + fit(p.name, 8) + fit(spark, sparkWidth + 1),
                    fit(String(format: "L%d %.1f%%", p.bestLayer, best * 100), 12),
                    fit(String(format: "%+.1f", sel * 100), 13),
                    String(format: "%.2f", p.expectedLayer),
                ]
                c.segments(
                    parts, x: inner.x, y: y,
                    c.theme.style(i == selected ? .accent : .foreground, i == selected ? [.bold] : []),
                    clip: inner)
                y += 1
            }
            y += 1
            let task = tasks.indices.contains(selected) ? tasks[selected] : nil
            drawWordGrid(grid, best: task, Rect(x: inner.x, y: y, width: inner.width, height: inner.maxY - y), &c)
        }
    }

    /// Rows: words (first piece); columns: layers; cells: the probe's label,
    /// bright where it agrees with the gold label when the sentence comes
    /// from the labelled data (`:gold`), else with the best layer's label
    /// (the top layer may be wrong more often); a caption says which.
    private static func drawWordGrid(
        _ g: ProbingView.WordGrid, best task: ProbingView.Task?, _ r: Rect, _ c: inout Canvas
    ) {
        guard r.height > 2 else { return }
        let layers = g.labels.first?.count ?? 0
        let reference = max(0, min(layers - 1, task?.bestLayer ?? layers - 1))
        let name = reference == 0 ? "emb" : "L\(reference)"
        let accuracy = task.flatMap { $0.accuracy.indices.contains(reference) ? $0.accuracy[reference] : nil }
        c.put(
            g.gold != nil
                ? "bright: agrees with the gold label"
                : "bright: agrees with \(name), the best layer"
                    + (accuracy.map { String(format: " (%.1f%%)", $0 * 100) } ?? ""), x: r.x, y: r.y,
            c.theme.style(.muted), clip: r)
        let r = Rect(x: r.x, y: r.y + 1, width: r.width, height: r.height - 1)
        let cw = max(4, min(7, (r.width - 14) / max(1, layers + (g.gold == nil ? 0 : 1))))
        let t = c.theme
        var x = c.put(fit("word \\ layer", 14), x: r.x, y: r.y, t.style(.muted, [.bold]), clip: r)
        for l in 0..<layers {
            x = c.put(fit(l == 0 ? "emb" : "L\(l)", cw), x: x, y: r.y, t.style(.muted, [.bold]), clip: r)
        }
        if g.gold != nil { c.put(fit("gold", cw), x: x, y: r.y, t.style(.specialToken, [.bold]), clip: r) }
        for (row, word) in g.words.prefix(r.height - 1).enumerated() {
            let y = r.y + 1 + row
            var x = c.put(fit(word, 14), x: r.x, y: y, t.style(.foreground), clip: r)
            let labels = g.labels[safe: row] ?? []
            let expected = g.gold?[safe: row] ?? labels[safe: reference]
            for (l, label) in labels.enumerated() {
                let agrees = label == expected
                x = c.put(
                    fit(label, cw - 1) + " ", x: x, y: y,
                    t.style(
                        agrees ? .accent : (g.gold == nil ? .muted : .unknownToken),
                        agrees && (g.gold != nil || l != reference) ? [.bold] : []), clip: r)
            }
            if let gl = g.gold?[safe: row] { c.put(fit(gl, cw), x: x, y: y, t.style(.specialToken), clip: r) }
        }
    }

    /// Each token's cosine similarity to itself one layer down, and its norm.
    private static func drawDrift(_ d: ProbingView.Drift, _ r: Rect, _ c: inout Canvas) {
        let t = c.theme
        c.put(
            "cosine to the same token one layer down (norm in brackets); 1.00 = unchanged, bright = moved most",
            x: r.x, y: r.y,
            t.style(.muted), clip: r)
        let layers = d.cosine.first?.count ?? 0
        let cw = max(6, min(12, (r.width - 12) / max(1, layers)))
        var x = c.put(fit("token", 12), x: r.x, y: r.y + 1, t.style(.muted, [.bold]), clip: r)
        for l in 0..<layers { x = c.put(fit("L\(l + 1)", cw), x: x, y: r.y + 1, t.style(.muted, [.bold]), clip: r) }
        for i in 0..<min(d.tokens.count, r.height - 2) {
            let y = r.y + 2 + i
            var x = c.put(fit(d.tokens[i], 12), x: r.x, y: y, t.style(.foreground), clip: r)
            for l in 0..<layers {
                let cos = d.cosine[i][l], norm = d.norm[i][l]
                let text = cw >= 11 ? String(format: "%.2f (%.0f)", cos, norm) : String(format: "%.2f", cos)
                // Theme roles, not the heat ramp: its low end is the background's colour in some themes.
                let change = 1 - cos
                let style =
                    change > 0.3 ? t.style(.accent, [.bold]) : change > 0.1 ? t.style(.foreground) : t.style(.muted)
                x = c.put(fit(text, cw), x: x, y: y, style, clip: r)
            }
        }
    }
}
