import Analysis
import Figures
import Session
import TextCells

/// How large a matrix figure may grow before it is pooled: past these, a
/// long input's entries are averaged into blocks and the subtitle says so.
enum MatrixFigures {
    /// A heatmap's rows and columns: 256 cells of 18 pt (a PNG at scale 2 stays under its limit).
    static let heatmapRows = 256
    /// An overview's panels: at most 96 rows each (thumbnails "about 96 px across"), and
    /// about a million cells in all (a bigger model's panels pool further).
    static let panelRows = 96, overviewCells = 1_000_000

    /// The pooling factor for an overview of `panels` maps of `n` tokens.
    static func overviewFactor(_ n: Int, panels: Int) -> Int {
        let side = min(panelRows, Int((Double(overviewCells) / Double(max(1, panels))).squareRoot()))
        return PooledMatrix.factor(n, limit: max(8, side))
    }

    /// The start of a long text, for titles (a document would make a figure thousands of points wide).
    static func excerpt(_ text: String, characters: Int = 80) -> String {
        text.count > characters ? String(text.prefix(characters - 1)) + "…" : text
    }
}

extension Workbench {
    /// The attention pane's matrix as a publication figure, when it shows a heatmap or the overview.
    func matrixFigure() -> Figure? {
        let a = state.attention
        guard !a.importance, !a.patching, a.finder == nil, let r = snapshot.result else { return nil }
        let input =
            "\"\(MatrixFigures.excerpt(r.input.text))\""
            + (r.input.pair.map { " / \"\(MatrixFigures.excerpt($0))\"" } ?? "")
        return a.overview ? overviewFigure(r, input: input) : heatmapFigure(r, input: input)
    }

    /// Every head as small multiples, each on its own scale as the overview draws it.
    private func overviewFigure(_ r: EncodeResult, input: String) -> Figure? {
        let layers = facts.layers, heads = facts.heads
        let maps = Deriver.overviewMaps(r, hideSpecial: state.attention.hideSpecial)
        guard let n = maps.first?.size, n > 0, maps.count == layers * heads else { return nil }
        let factor = MatrixFigures.overviewFactor(n, panels: maps.count)
        let pooled = maps.map { PooledMatrix($0.values, size: n, factor: factor) }
        let maxima = pooled.map { max($0.values.max() ?? 1, 1e-9) }
        var f = SmallMultiplesFigure(
            panels: pooled.map(\.values), panelRows: layers, panelColumns: heads, size: pooled[0].size,
            panelLabels: (0..<(layers * heads)).map { "layer \($0 / heads + 1) head \($0 % heads + 1)" },
            rowHeadings: (1...layers).map { "L\($0)" }, columnHeadings: (1...heads).map { "H\($0)" },
            title: "\(session.model.name) · every head, \(n) tokens"
        ) { panel, v in self.heatRGB(HeatRamp.level(v, of: maxima[panel])) }
        f.subtitle = input + " · colour √(p / max p) per head" + (factor > 1 ? " · " + pooled[0].note : "")
        if factor > 1 {
            f.indexNames = pooled[0].indexNames
            f.valueName = "mean"
        }
        f.foreground = theme.rgb(theme.color(.foreground), background: false)
        f.muted = theme.rgb(theme.color(.muted), background: false)
        f.background = theme.figureBackground
        return f.figure
    }

    /// One head (or mean, rollout, a mixing measure) as a heatmap with the tokens as labels.
    private func heatmapFigure(_ r: EncodeResult, input: String) -> Figure? {
        let a = state.attention
        guard let m = currentMap(for: r), m.size > 0, let v = deriver.attentionView(r, a) else { return nil }
        let pooled = PooledMatrix(
            m.values, size: m.size, factor: PooledMatrix.factor(m.size, limit: MatrixFigures.heatmapRows))
        let labels = pooled.isPooled ? pooled.labels(v.labels) : v.labels
        let top = max(pooled.values.max() ?? 1, 1e-9)
        var h = HeatmapFigure(
            values: pooled.values, rows: pooled.size, columns: pooled.size, rowLabels: labels, columnLabels: labels,
            title: "\(session.model.name) · "
                + AttentionPane.title(a, layers: facts.layers, heads: facts.heads, specials: v.specialNames)
                .replacingOccurrences(of: "Attention · ", with: ""),
            colour: { self.heatRGB(HeatRamp.level($0, of: top)) }, scaled: { HeatRamp.level($0, of: top) })
        h.subtitle =
            input + " · rows: queries, columns: keys · colour √(value / max)"
            + (pooled.isPooled ? " · " + pooled.note : "")
        h.valueName = (pooled.isPooled ? "mean " : "") + a.view.valueName
        h.ticks = [0, top / 4, top]
        h.foreground = theme.rgb(theme.color(.foreground), background: false)
        h.muted = theme.rgb(theme.color(.muted), background: false)
        h.background = theme.figureBackground
        return h.figure
    }
}
