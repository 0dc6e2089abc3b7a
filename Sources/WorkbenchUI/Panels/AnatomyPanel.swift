import Foundation
import Session
import TextCells

extension Context {
    static let anatomy = Context("Layer anatomy")
}

/// The selected token through every layer (`A` in the attention pane): its
/// embedding's parts, then per layer the residual in, what attention adds,
/// add & LayerNorm, what the FFN adds, add & LayerNorm, how far each step
/// turns it, and the FFN's most active neurons. The session recomputes the
/// layers from the trace (`AnatomyAnalysis`); this file is the view model,
/// its derivation, its drawing and its keys.
struct AnatomyView: Hashable, Sendable {
    struct Row: Hashable, Sendable {
        var input: Float, attention: Float, afterAttention: Float, ffn: Float, output: Float
        var attentionCosine: Float, ffnCosine: Float
        var neurons: String
        var difference: Float
        /// The words the FFN's update points to (its dot product with the word embeddings), "" while computing.
        var promotes = ""
    }

    var waiting: String? = nil
    var token = ""
    var position = 0
    /// The embedding's parts as a line ("word 1.23 + position 0.45 + type 0.12 → …").
    var embedding = ""
    var rows: [Row] = []
    /// The layer the attention pane shows (highlighted).
    var layer = 0
    /// That layer's two LayerNorms for this token: their inputs' mean and variance, γ and β.
    var layerNorms = ""
    /// ModernBERT's order: each LayerNorm before its sublayer, the sums left as they are.
    var preLayerNorm = false
}

enum AnatomyPanel {
    static let panel = AttentionPanel.of(
        .anatomy, opens: .char("A"),
        "the layer anatomy of the selected token: what attention and the FFN add in every layer, and the norms",
        request: { _, sel in [.anatomy: AnalysisRequest(sel.query), .ffnLens: AnalysisRequest(sel.query)] },
        derive: derive, render: render)

    static func derive(_ snap: SessionSnapshot, _ sel: TokenSelection, _ s: AttentionState) -> AnatomyView {
        var v = AnatomyView(layer: s.layer)
        guard let r = snap.result, let out = r.anatomy else {
            v.waiting = "running every layer again for token \(sel.query)…"
            return v
        }
        guard let a = out.anatomy, let e = a.embedding(token: sel.query) else {
            v.waiting =
                out.error
                ?? (out.anatomy.map { sel.query < $0.tokens } == true
                    ? "running every layer again for token \(sel.query)…" : "no token \(sel.query) in this input")
            return v
        }
        let i = sel.query
        v.position = i
        v.token = r.encoding.tokens.indices.contains(i) ? visibleText(r.encoding.tokens[i]) : "?"
        var parts = ["word \(f(e.word))"]
        if let p = e.position { parts.append("position \(f(p))") }
        if let t = e.tokenType { parts.append("type \(f(t))") }
        let norm = " → LayerNorm (mean \(String(format: "%.3f", e.moments.mean)), variance \(f(e.moments.variance)))"
        let steps = !e.projected ? norm : e.projectedBeforeNorm ? " → projected" + norm : norm + " → projected"
        v.embedding =
            parts.joined(separator: " + ") + (parts.count > 1 ? " → ‖sum‖ \(f(e.sum))" : "") + steps
            + " → ‖h₀‖ \(f(e.output))"
            + (e.position == nil
                ? a.preLayerNorm
                    ? "  (positions: rotations of q and k)" : "  (positions enter as relative attention)"
                : "")
        v.preLayerNorm = a.preLayerNorm
        v.rows = (0..<a.layers).compactMap { l in
            a.step(layer: l, token: i).map { st in
                AnatomyView.Row(
                    input: st.input, attention: st.attention, afterAttention: st.afterAttention, ffn: st.ffn,
                    output: st.output, attentionCosine: st.attentionCosine, ffnCosine: st.ffnCosine,
                    neurons: zip(st.neurons, st.activations).map { "#\($0) \(String(format: "%.2f", $1))" }
                        .joined(separator: " "),
                    difference: st.difference)
            }
        }
        if let st = a.step(layer: s.layer, token: i), a.norms.indices.contains(s.layer) {
            let w = a.norms[s.layer]
            func ln(_ name: String, mean: Float, variance: Float, gamma: Float, beta: Float) -> String {
                "\(name): mean \(String(format: "%.3f", mean)), variance \(f(variance)) → (x − mean)/√variance"
                    + " × γ (mean \(f(gamma))) + β (mean \(String(format: "%.3f", beta)))"
            }
            // Pre-LN: the norms read x (none in the first layer) and h; post-LN: the sums.
            let names =
                a.preLayerNorm ? (s.layer == 0 ? "x (no norm in layer 1)" : "x", "h") : ("x + attention", "h + FFN")
            let first = ln(
                names.0, mean: st.attentionLN.mean, variance: st.attentionLN.variance,
                gamma: w.attention.gammaMean, beta: w.attention.betaMean)
            let second = ln(
                names.1, mean: st.outputLN.mean, variance: st.outputLN.variance, gamma: w.output.gammaMean,
                beta: w.output.betaMean)
            v.layerNorms = "L\(s.layer + 1) LayerNorms · " + first + " · " + second
        }
        // The FFN lens is its own record, asked for with the token: a newer token's waits for its turn.
        if let lens = r.ffnLens, lens.token == i {
            for (l, top) in lens.layers.enumerated() where v.rows.indices.contains(l) {
                v.rows[l].promotes = top.map(\.token).map(visibleText).joined(separator: " ")
            }
        }
        return v
    }

    static func f(_ v: Float) -> String { String(format: "%.2f", v) }

    /// The column of the words an FFN update points to.
    static let wordsWidth = 26
}

extension AnatomyPanel {
    static func render(_ v: AnatomyView, _ pane: Rect, _ c: inout Canvas) {
        let muted = c.theme.style(.muted), text = c.theme.style(.foreground)
        guard var p = PanelLines(pane, waiting: v.waiting, &c) else { return }
        let r = p.area
        let title =
            v.preLayerNorm
            ? "token \"\(v.token)\" (#\(v.position)), pre-LN layers: h = x + attn(LN(x)), y = h + FFN(LN(h))"
            : "token \"\(v.token)\" (#\(v.position)) through the layers: h = LN(x + attention), y = LN(h + FFN)"
        p.line(title, c.theme.style(.foreground, [.bold]), &c)
        // A short pane keeps every layer's row: the embedding and check lines go first.
        let spare = r.height - (4 + v.rows.count)  // title, embedding, header, the rows, the check line
        if spare >= 0 { p.line("embedding: " + v.embedding, text, &c) }
        p.line(
            "layer  ‖x‖ in   ‖attn‖ cos(x,h)  ‖h‖    ‖FFN‖ cos(h,y)  ‖y‖    attn │ FFN  "
                + (v.rows.contains { !$0.promotes.isEmpty }
                    ? "   → " + fit("words its update points to", wordsWidth) + "  most active FFN neurons"
                    : "     most active FFN neurons"),
            muted, &c)
        let top = max(v.rows.map { max($0.attention, $0.ffn) }.max() ?? 1, 1e-9)
        for (l, row) in v.rows.enumerated() {
            guard p.y < r.maxY else { break }
            let y = p.y
            let head = String(
                format: "L%-4d %6.2f  %6.2f  %6.3f  %6.2f %6.2f  %6.3f  %6.2f  ", l + 1, row.input, row.attention,
                row.attentionCosine, row.afterAttention, row.ffn, row.ffnCosine, row.output)
            var x = c.put(head, x: r.x, y: y, l == v.layer ? c.theme.style(.cursor, [.bold]) : text, clip: r)
            x = bar(row.attention / top, x: x, y: y, r, &c)
            x = c.put("│", x: x, y: y, muted, clip: r)
            x = bar(row.ffn / top, x: x, y: y, r, &c)
            // The words first: they say more to a learner than neuron numbers, and a narrow pane cuts the right.
            if !row.promotes.isEmpty { x = c.put("  → " + fit(row.promotes, wordsWidth), x: x, y: y, text, clip: r) }
            c.put("  " + row.neurons, x: x, y: y, muted, clip: r)
            p.y += 1
        }
        if spare >= 0, !v.layerNorms.isEmpty { p.line(v.layerNorms, muted, &c) }
        let worst = v.rows.map(\.difference).max() ?? 0
        guard spare >= -1 else { return p.keys(["A closes", " · [ ] layer (highlighted)", " · z zooms"], &c) }
        p.line(
            String(format: "recomputed from the trace's input and attention: y differs by at most %.1e", worst)
                + (v.preLayerNorm ? " (the last through the final LN)" : ""), muted, &c)
        p.keys(
            ["A closes", " · [ ] layer (highlighted)", " · the tokens pane's ←→ choose the token", " · z zooms"], &c)
    }

    /// A 4-cell bar of `v` in [0, 1] (eighths), in the heat colour.
    private static func bar(_ v: Float, x: Int, y: Int, _ r: Rect, _ c: inout Canvas) -> Int {
        let cells = 4
        let text = BarGlyphs.bar(Double(v), width: cells)
        let padded = text + String(repeating: " ", count: max(0, cells - displayWidth(text)))
        return c.put(padded, x: x, y: y, c.heat(HeatRamp.level(v, of: 1)), clip: r)
    }
}
