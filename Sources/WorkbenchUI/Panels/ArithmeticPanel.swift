import Analysis
import Foundation
import Session
import TextCells

extension Context {
    static let arithmetic = Context("Attention arithmetic")
}

/// One cell's attention, step by step (`x` in the attention pane): query i
/// and key j as strips of their dₕ values, their products, Σ, the scale,
/// DeBERTa's position terms, the softmax over the row with its max
/// subtracted, the context vector and this head's share of the output.
/// The session computes the head (`ArithmeticAnalysis`); this file is the
/// view model, its derivation, its drawing and its keys.
struct ArithmeticView: Hashable, Sendable {
    var waiting: String? = nil
    var layer = 0, head = 0
    var queryLabel = "", keyLabel = ""
    var query: [Float] = [], key: [Float] = [], products: [Float] = [], context: [Float] = []
    var dimension = 0
    var dot: Float = 0, scale: Float = 0, scaled: Float = 0
    /// DeBERTa: content→position, position→content, the distance and its bucket.
    var c2p: Float? = nil, p2c: Float? = nil, distance: Int? = nil, bucket: Int? = nil
    var masked = false
    /// ModernBERT: the rotary base, q̃ᵢ·k̃ⱼ before the rotation, i − j, and the local window (nil: a global layer).
    var rotary: Rotary? = nil
    struct Rotary: Hashable, Sendable {
        var theta: Double, unrotatedDot: Float, distance: Int, window: Int?
    }
    var score: Float = 0, rowMax: Float = 0, rowSum: Float = 0, probability: Float = 0
    /// The trace's value of the cell, and the largest difference over the row.
    var model: Float = 0, difference: Float = 0
    /// Every key's probability (the row), its labels, and the key's place in it.
    var row: [Float] = [], labels: [String] = [], keyIndex = 0
    var contextNorm: Float = 0, share: Float = 0, heads: Float = 0
}

enum ArithmeticPanel {
    static let panel = AttentionPanel.of(
        .arithmetic, opens: .char("x"),
        "the arithmetic of the cursor cell: q·k, ÷√dₕ, softmax over the row, the context vector, the head's share",
        keys: [
            .state([.char("{")], .arithmetic, "previous dimension of qᵢ and kⱼ (its exact values)") { s, e in
                s.attention.panelCursor = max(0, min(e.headDim - 1, s.attention.panelCursor) - 1)
            }.hint("dimension"),
            .state([.char("}")], .arithmetic, "next dimension of qᵢ and kⱼ") { s, e in
                s.attention.panelCursor = min(e.headDim - 1, s.attention.panelCursor + 1)
            }.hint("dimension"),
        ],
        onOpen: { $0.panelCursor = 0 },
        request: { s, _ in [.arithmetic: AnalysisRequest(ArithmeticRequest(layer: s.layer, head: s.head))] },
        derive: derive, render: render)

    static func derive(_ snap: SessionSnapshot, _ sel: TokenSelection, _ s: AttentionState) -> ArithmeticView {
        var v = ArithmeticView(layer: s.layer, head: s.head)
        let ask = ArithmeticRequest(layer: s.layer, head: s.head)
        guard let r = snap.result, let out = r.arithmetic, out.request == ask else {
            v.waiting = "computing the arithmetic of layer \(s.layer + 1), head \(s.head + 1)…"
            return v
        }
        guard let h = out.head, let cell = h.cell(query: sel.query, key: sel.key) else {
            v.waiting = out.error ?? "no cell \(sel.query) → \(sel.key) in this input"
            return v
        }
        let tokens = r.encoding.tokens
        func label(_ i: Int) -> String { tokens.indices.contains(i) ? visibleText(tokens[i]) : "?" }
        v.queryLabel = label(sel.query); v.keyLabel = label(sel.key)
        v.query = cell.query; v.key = cell.key; v.products = cell.products; v.context = cell.context
        v.dimension = min(s.panelCursor, max(0, h.headDim - 1))
        v.dot = cell.dot; v.scale = h.scale; v.scaled = cell.scaled
        v.c2p = cell.relative?.contentToPosition; v.p2c = cell.relative?.positionToContent
        v.distance = cell.relative?.distance; v.bucket = cell.relative?.bucket
        v.masked = cell.masked
        v.rotary = cell.rotary.map {
            ArithmeticView.Rotary(
                theta: $0.theta, unrotatedDot: $0.unrotatedDot, distance: $0.distance, window: $0.window)
        }
        v.score = cell.score; v.rowMax = cell.rowMax; v.rowSum = cell.rowSum; v.probability = cell.probability
        v.model = h.traceAttention[sel.query * h.tokens + sel.key]
        v.difference = cell.maxDifferenceFromTrace
        v.row = cell.row; v.labels = (0..<h.tokens).map(label); v.keyIndex = sel.key
        v.contextNorm = (cell.context.reduce(0) { $0 + $1 * $1 }).squareRoot()
        v.share = cell.contributionNorm; v.heads = cell.headsTotalNorm
        return v
    }
}

extension ArithmeticPanel {
    static func render(_ v: ArithmeticView, _ pane: Rect, _ c: inout Canvas) {
        let muted = c.theme.style(.muted), text = c.theme.style(.foreground), bold = c.theme.style(.foreground, [.bold])
        // The last row keeps the keys; the steps fill what is above it.
        guard var p = PanelLines(pane, waiting: v.waiting, &c) else { return }
        let r = p.area
        p.line(
            "query \"\(v.queryLabel)\" → key \"\(v.keyLabel)\" · layer \(v.layer + 1), head \(v.head + 1) · dₕ = \(v.query.count)",
            bold, &c)
        let d = v.dimension
        strip("qᵢ", v.query, mark: d, y: &p.y, r, &c)
        strip("kⱼ", v.key, mark: d, y: &p.y, r, &c)
        strip("qᵢ⊙kⱼ", v.products, mark: d, y: &p.y, r, &c)
        if v.query.indices.contains(d) {
            let top = v.products.indices.sorted { abs(v.products[$0]) > abs(v.products[$1]) }.prefix(3)
            p.line(
                "d\(d + 1): \(f(v.query[d])) × \(f(v.key[d])) = \(f(v.products[d]))   largest: "
                    + top.map { "d\($0 + 1) \(String(format: "%+.3f", v.products[$0]))" }.joined(separator: " · "),
                text, &c)
        }
        // 1/√dₕ, or DeBERTa's 1/√(dₕ · the number of score terms).
        let root = v.scale > 0 ? 1 / (v.scale * v.scale) : 0
        let under = abs(root - root.rounded()) < 0.01 ? "\(Int(root.rounded()))" : String(format: "%.2f", root)
        let content = "Σ qᵢ⊙kⱼ = \(f(v.dot)) × \(f(v.scale)) (1/√\(under)) = \(f(v.scaled))"
        let hidden = v.rotary?.window.map { "outside the ±\($0) window" } ?? "padding"
        let mask = v.masked ? " + mask −∞ (\(hidden))" : " + mask 0"
        if let r = v.rotary {
            // Rotary positions: the strips above are q and k after the rotation; the content alone gives q̃·k̃,
            // the rest is what the positions add (a function of i − j). Short enough for 80 columns.
            let kind = r.window.map { "window ±\($0)" } ?? "global"
            p.line(
                "rotary θ \(Int(r.theta)), \(kind): q̃·k̃ \(f(r.unrotatedDot)) + positions \(f(v.dot - r.unrotatedDot))"
                    + " (i − j = \(r.distance))", text, &c)
        }
        if v.c2p != nil || v.p2c != nil {
            p.line(content + " content → content", text, &c)
            var terms = v.c2p.map { "+ c2p \(f($0))" } ?? ""
            terms += v.p2c.map { " + p2c \(f($0))" } ?? ""
            if let dist = v.distance, let bucket = v.bucket { terms += " (distance \(dist), bucket \(bucket))" }
            p.line(terms + mask + " = score \(f(v.score))", text, &c)
        } else {
            p.line(content + mask + " = score \(f(v.score))", text, &c)
        }
        p.line(
            "softmax: exp(\(f(v.score)) − \(f(v.rowMax)) row max) ÷ \(f(v.rowSum)) Σ over \(v.row.count) keys = p "
                + String(format: "%.6f", v.probability), bold, &c)
        p.line(
            "the model's p \(String(format: "%.6f", v.model)); the row recomputed differs by at most "
                + String(format: "%.1e", v.difference), muted, &c)
        rowStrip(v, y: &p.y, r, &c)
        strip("context Σⱼpⱼvⱼ", v.context, mark: d, y: &p.y, r, &c)
        let pct = v.heads > 0 ? String(format: " (%.0f%%)", v.share / v.heads * 100) : ""
        p.line("‖context‖ \(f(v.contextNorm)) · through W_O: this head's share ‖W_Oʰ c‖ \(f(v.share))", text, &c)
        let after = v.rotary == nil ? "before the bias, the residual and LayerNorm" : "before the bias and the residual"
        p.line("of all heads' ‖Σₕ W_Oʰ cₕ‖ \(f(v.heads))\(pct), \(after)", muted, &c)
        p.keys(
            ["←→ key", " · ↑↓ query", " · [ ] layer", " · , . head", " · { } dimension", " · x closes", " · z zooms"],
            &c)
    }

    /// A masked score is the float32 minimum added: shown as the −∞ it stands for.
    static func f(_ v: Float) -> String { v < -1e30 ? "−∞" : String(format: "%.3f", v) }

    /// Where strips start, after their names.
    static let label = 16

    /// Columns per value: up to 3 when the pane is wide enough, so short vectors read as bars.
    static func cellWidth(_ count: Int, _ r: Rect) -> Int { max(1, min(3, (r.width - label) / max(1, count))) }

    /// A vector as one coloured cell per value (diverging: negative purple,
    /// positive orange), scaled by its largest |value|; the dimension under
    /// the cursor is marked. What does not fit ends in `…`.
    static func strip(_ name: String, _ values: [Float], mark: Int, y: inout Int, _ r: Rect, _ c: inout Canvas) {
        guard y < r.maxY else { return }
        let top = max(values.map(abs).max() ?? 1, 1e-9)
        c.put(name, x: r.x, y: y, c.theme.style(.muted), clip: Rect(x: r.x, y: y, width: label - 1, height: 1))
        let w = cellWidth(values.count, r), fits = (r.width - label) / w
        for (i, v) in values.enumerated() {
            let x = r.x + label + i * w
            guard i < fits - 1 || (i == fits - 1 && values.count == fits) else {
                c.put("…", x: x, y: y, c.theme.style(.muted))
                break
            }
            let level = HeatRamp.level(abs(v), of: top)
            let glyph = i == mark ? "▲" : (c.ramp ? " " : HeatRamp.glyph(level))
            let (bg, fg) = c.diverging(v / top)
            let style = c.ramp ? Style(fg: fg, bg: bg) : c.theme.style(.foreground)
            c.put(String(repeating: " ", count: w - 1) + glyph, x: x, y: y, style)
        }
        y += 1
    }

    /// The row's probabilities over the keys (heat ramp), the key marked,
    /// then the strongest keys by name.
    static func rowStrip(_ v: ArithmeticView, y: inout Int, _ r: Rect, _ c: inout Canvas) {
        guard y < r.maxY else { return }
        let top = max(v.row.max() ?? 1, 1e-9)
        c.put("row pᵢ", x: r.x, y: y, c.theme.style(.muted))
        let w = cellWidth(v.row.count, r)
        for (j, p) in v.row.enumerated() where label + (j + 1) * w <= r.width {
            let level = HeatRamp.level(p, of: top)
            let glyph = j == v.keyIndex ? "▲" : (c.ramp ? "█" : HeatRamp.glyph(level))
            let cell = String(repeating: c.ramp ? "█" : glyph, count: w - 1) + glyph
            c.put(cell, x: r.x + label + j * w, y: y, c.ramp ? c.heat(level) : c.theme.style(.foreground))
        }
        y += 1
        guard y < r.maxY else { return }
        let strongest = v.row.indices.sorted { v.row[$0] > v.row[$1] }.prefix(6)
        c.segments(
            ["strongest keys:"] + strongest.map { " \(v.labels[$0]) " + String(format: "%.3f", v.row[$0]) },
            x: r.x, y: y, c.theme.style(.muted), clip: r)
        y += 1
    }
}
