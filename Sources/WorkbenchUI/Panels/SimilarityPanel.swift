import Foundation
import Session
import TextCells

extension Context {
    static let similarity = Context("Sentence similarity")
}

/// A typed pair on a sentence-transformers model, as its authors meant it
/// (`=` in the attention pane, #30): the cosine of the two sentence vectors,
/// then the token-to-token cosine matrix (A's tokens in rows, B's in
/// columns) with BERTScore's greedy match of each row marked, and the
/// matches with their exact values. The session compares the pair
/// (`SentenceSimilarityAnalysis`); this file is the view model, its
/// derivation, its drawing and its keys.
struct SimilarityView: Hashable, Sendable {
    var waiting: String? = nil
    var cosine: Float = 0, precision: Float = 0, recall: Float = 0, f1: Float = 0
    var rows: [String] = [], columns: [String] = []
    /// (rows, columns) cosines, and each row's greedy match.
    var matrix: [Float] = []
    var best: [Int] = []

    func value(_ i: Int, _ j: Int) -> Float { matrix[i * columns.count + j] }
}

enum SimilarityPanel {
    static let panel = AttentionPanel.of(
        .similarity, opens: .char("="),
        "sentence similarity of lines A and B (sentence-transformers models): the cosine, the token-to-token matrix, BERTScore's matches",
        request: { _, _ in [:] }, derive: derive, render: render)

    static func derive(_ snap: SessionSnapshot, _ sel: TokenSelection, _ s: AttentionState) -> SimilarityView {
        var v = SimilarityView()
        guard let r = snap.result, r.input.pair != nil else {
            v.waiting = "type a second sentence on line B: this compares it with line A"
            return v
        }
        guard let out = r.sentenceSimilarity else {
            // The session compares a pair only for a model with sentence-transformers files.
            v.waiting = "comparing A and B… (a model with sentence-transformers files, modules.json, only)"
            return v
        }
        guard let sim = out.similarity, !sim.tokensA.isEmpty, !sim.tokensB.isEmpty else {
            v.waiting = "sentence similarity: " + (out.error ?? "no tokens to compare")
            return v
        }
        v.cosine = sim.cosine; v.precision = sim.precision; v.recall = sim.recall; v.f1 = sim.f1
        v.rows = sim.tokensA.map(visibleText); v.columns = sim.tokensB.map(visibleText)
        v.matrix = sim.matrix
        v.best = sim.bestForA
        return v
    }
}

extension SimilarityPanel {
    /// Row labels' width.
    static let label = 12

    static func render(_ v: SimilarityView, _ pane: Rect, _ c: inout Canvas) {
        guard var p = PanelLines(pane, waiting: v.waiting, &c) else { return }
        let r = p.area, text = c.theme.style(.foreground), muted = c.theme.style(.muted)
        p.line(
            String(
                format: "sentence cosine %.3f · BERTScore P %.2f R %.2f F1 %.2f", v.cosine, v.precision, v.recall, v.f1),
            c.theme.style(.foreground, [.bold]), &c)
        // The matrix: what fits of it, cells 2–7 columns wide, ◆ on each row's greedy match.
        let w = cellWidth(v.columns.count, r), shownColumns = min(v.columns.count, max(0, (r.width - label) / w))
        let matrixRows = min(v.rows.count, max(0, r.maxY - p.y - 3))
        header(v, shownColumns, w, y: &p.y, r, &c)
        for i in 0..<matrixRows {
            c.put(fit(v.rows[i], label - 1), x: r.x, y: p.y, muted, clip: r)
            for j in 0..<shownColumns {
                let level = HeatRamp.level(max(0, v.value(i, j)), of: 1)
                let best = v.best.indices.contains(i) && v.best[i] == j
                // A block in the heat colour (the glyph ramp without colours), the match marked.
                let fill = c.ramp ? "█" : HeatRamp.glyph(level)
                let cell = String(repeating: fill, count: w - 2) + (best ? "◆" : fill) + " "
                c.put(cell, x: r.x + label + w * j, y: p.y, c.ramp ? c.heat(level) : text, clip: r)
            }
            p.y += 1
        }
        if matrixRows < v.rows.count || shownColumns < v.columns.count {
            p.line(
                "… \(v.rows.count) × \(v.columns.count) tokens, \(matrixRows) × \(shownColumns) shown (z zooms)", muted,
                &c)
        }
        let matches = v.rows.indices.filter { v.best.indices.contains($0) && v.columns.indices.contains(v.best[$0]) }
            .map { "\(v.rows[$0])→\(v.columns[v.best[$0]]) " + String(format: "%.2f", v.value($0, v.best[$0])) }
        c.segments(["greedy matches:"] + matches.map { " " + $0 }, x: r.x, y: p.y, muted, clip: r)
        p.y += 1
        p.keys(["= closes", " · rows: line A, columns: line B, ◆ each row's best match", " · z zooms"], &c)
    }

    /// Columns a cell: as wide as the pane allows for B's tokens, 2 to 7.
    static func cellWidth(_ columns: Int, _ r: Rect) -> Int { max(2, min(7, (r.width - label) / max(1, columns))) }

    /// B's tokens over the matrix's columns, each cut to its cell.
    private static func header(_ v: SimilarityView, _ shown: Int, _ w: Int, y: inout Int, _ r: Rect, _ c: inout Canvas)
    {
        guard y < r.maxY else { return }
        c.put(fit("A ↓  B →", label - 1), x: r.x, y: y, c.theme.style(.muted), clip: r)
        for j in 0..<shown {
            c.put(fit(v.columns[j], w - 1), x: r.x + label + w * j, y: y, c.theme.style(.muted), clip: r)
        }
        y += 1
    }
}
