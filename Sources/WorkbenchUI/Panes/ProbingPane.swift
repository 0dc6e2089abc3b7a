import Analysis
import Encoder
import Foundation
import Session
import Tokenizers

/// What each layer knows: probe accuracy per layer for every cached task,
/// each word's predicted label layer by layer, and a representation view.
struct ProbingPane {
    let workbench: Workbench
    let snapshot: SessionSnapshot
    var theme: Theme { workbench.theme }

    func render(_ g: inout CellGrid, _ r: Rect, focused: Bool) {
        g.box(r, title: workbench.probing.representation ? "Probing · representations (r)" : "Probing · what each layer knows",
              style: theme.style(focused ? "focus_border" : "border"), titleStyle: theme.style(focused ? "accent" : "muted", [.bold]))
        let inner = r.inset(by: 1)
        guard inner.width > 10, inner.height > 2, let result = snapshot.result, let trace = result.trace else { return }
        var y = inner.y
        if workbench.probing.representation { return drawRepresentations(&g, inner, result.encoding, trace) }
        guard !workbench.probes.isEmpty else {
            for line in ["No probes trained for this model yet. Train them once with", "  bertscope probe --task all   (about a minute per task on the default model)",
                         "and they load here instantly. r shows the representation view."] {
                g.put(line, x: inner.x, y: y, style: theme.style("muted"), clip: inner); y += 1
            }
            return
        }
        let sel = max(0, min(workbench.probes.count - 1, workbench.probing.task))
        for (i, p) in workbench.probes.enumerated() where y < inner.maxY {
            let lo = p.report.accuracy.min() ?? 0, hi = p.report.accuracy.max() ?? 1
            let spark = p.report.accuracy.map { ramp(hi > lo ? ($0 - lo) / (hi - lo) : 1) }.joined()
            let line = String(format: "%@ %-7@ %@  best L%d %.1f%%  selectivity %+.1f  expected layer %.2f", i == sel ? "▶" : " ", p.task, spark,
                              p.report.bestLayer, p.report.accuracy[p.report.bestLayer] * 100, p.report.selectivity[p.report.bestLayer] * 100, p.report.expectedLayer)
            g.put(line, x: inner.x, y: y, style: theme.style(i == sel ? "accent" : "foreground", i == sel ? [.bold] : []), clip: inner)
            y += 1
        }
        y += 1
        drawWordGrid(&g, Rect(x: inner.x, y: y, width: inner.width, height: inner.maxY - y), workbench.probes[sel], result.encoding, trace)
    }

    /// A sparkline glyph for v in [0, 1] (each task scaled to its own min..max).
    private func ramp(_ v: Double) -> String {
        let bars = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
        return bars[max(0, min(7, Int((v * 7).rounded())))]
    }

    /// Rows: words (first piece); columns: layers; cells: the probe's label,
    /// bright where it agrees with the gold label when the sentence comes
    /// from the labelled data (`:gold`), else with the top layer's label.
    private func drawWordGrid(_ g: inout CellGrid, _ r: Rect, _ p: TrainedProbes, _ e: Encoding, _ t: Trace) {
        guard r.height > 1 else { return }
        let firsts = e.ids.indices.filter { i in e.specialTokensMask[i] == 0 && (i == 0 || e.wordIds[i] != e.wordIds[i - 1] || e.sequenceIds[i] != e.sequenceIds[i - 1]) }
        let layers = t.layers + 1
        let gold = goldLabels(p.task, e, firsts)
        let cw = max(4, min(7, (r.width - 14) / (layers + (gold == nil ? 0 : 1))))
        var x = g.put(fit("word \\ layer", 14), x: r.x, y: r.y, style: theme.style("muted", [.bold]), clip: r)
        for l in 0..<layers { x = g.put(fit(l == 0 ? "emb" : "L\(l)", cw), x: x, y: r.y, style: theme.style("muted", [.bold]), clip: r) }
        if gold != nil { g.put(fit("gold", cw), x: x, y: r.y, style: theme.style("special_token", [.bold]), clip: r) }
        for (row, i) in firsts.prefix(r.height - 1).enumerated() {
            let y = r.y + 1 + row
            var x = g.put(fit(TokensPane.visible(typedWord(e, i)), 14), x: r.x, y: y, style: theme.style("foreground"), clip: r)
            let labels = (0..<layers).map { p.predict(layer: $0, Array(t.hiddenState(layer: $0, token: i))) }
            let reference = gold?[row] ?? labels.last
            for (l, label) in labels.enumerated() {
                let agrees = label == reference
                x = g.put(fit(label, cw - 1) + " ", x: x, y: y, style: theme.style(agrees ? "accent" : (gold == nil ? "muted" : "unknown_token"), agrees && l < layers - 1 ? [.bold] : []), clip: r)
            }
            if let gl = gold?[row] { g.put(fit(gl, cw), x: x, y: y, style: theme.style("special_token"), clip: r) }
        }
    }

    /// Gold labels per shown word when the input is the labelled sentence on
    /// screen and its words line up with the encoding's words.
    private func goldLabels(_ task: String, _ e: Encoding, _ firsts: [Int]) -> [String]? {
        guard let s = workbench.gold, let labels = s.labels[task], s.text.0.unicodeScalars.elementsEqual(workbench.editorA.text.unicodeScalars) else { return nil }
        let ranges = s.text.1
        var out: [String] = []
        for i in firsts {
            guard let w = ranges.firstIndex(where: { $0.contains(e.offsets[i].start) }) else { return nil }
            out.append(labels[w])
        }
        return out
    }

    /// The word as typed (its pieces' span in the input), so [UNK] words read as themselves.
    private func typedWord(_ e: Encoding, _ i: Int) -> String {
        let members = e.wordMembers(of: i)
        guard let input = snapshot.result?.input else { return Workbench.label(members, e) }
        let text = Array((e.sequenceIds[i] == 1 ? input.pair ?? "" : input.text).unicodeScalars)
        let start = e.offsets[members.first!].start, end = e.offsets[members.last!].end
        guard start < end, end <= text.count else { return Workbench.label(members, e) }
        return String(String.UnicodeScalarView(text[start..<end]))
    }

    /// Each token's cosine similarity to itself one layer down, and its norm.
    private func drawRepresentations(_ g: inout CellGrid, _ r: Rect, _ e: Encoding, _ t: Trace) {
        g.put("cosine to the same token one layer down (norm in brackets); 1.00 = unchanged", x: r.x, y: r.y, style: theme.style("muted"), clip: r)
        let layers = t.layers
        let cw = max(6, min(12, (r.width - 12) / max(1, layers)))
        var x = g.put(fit("token", 12), x: r.x, y: r.y + 1, style: theme.style("muted", [.bold]), clip: r)
        for l in 1...layers { x = g.put(fit("L\(l)", cw), x: x, y: r.y + 1, style: theme.style("muted", [.bold]), clip: r) }
        for i in 0..<min(e.count, r.height - 2) {
            let y = r.y + 2 + i
            var x = g.put(fit(TokensPane.visible(e.tokens[i]), 12), x: r.x, y: y, style: theme.style("foreground"), clip: r)
            for l in 1...layers {
                let a = t.hiddenState(layer: l - 1, token: i), b = t.hiddenState(layer: l, token: i)
                var dot: Float = 0, na: Float = 0, nb: Float = 0
                for (u, v) in zip(a, b) { dot += u * v; na += u * u; nb += v * v }
                let cos = dot / max(1e-12, (na * nb).squareRoot())
                let text = cw >= 11 ? String(format: "%.2f (%.0f)", cos, nb.squareRoot()) : String(format: "%.2f", cos)
                x = g.put(fit(text, cw), x: x, y: y, style: Style(fg: workbench.colorMode.hasColorRamp ? theme.heat(max(0, 1 - cos)) : theme.color("foreground")), clip: r)
            }
        }
    }
}
