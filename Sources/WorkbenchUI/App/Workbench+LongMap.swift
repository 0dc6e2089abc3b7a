import Analysis
import Session
import TextCells

extension Workbench {
    /// One head's map or the mean of heads, token by token, in the heatmap:
    /// what a band or a pool can show.
    var bandableView: Bool { state.attention.poolable }

    /// A long input's maps pass the session's budget: the heatmap reads its
    /// rows a band at a time (rebuilt from the hidden states), no pass keeps
    /// maps for it, and a layer or head change encodes nothing.
    var readsBands: Bool { readsBands(in: session) }

    /// Whether the map of `s` (this model's session or the second model's) is read by bands: its own budget says.
    func readsBands(in s: ModelSession) -> Bool { !lean && s.mapsLimited && bandableView }

    /// How the pane shows the map of `r`: pooled (`O`), by bands, or from the trace's map (nil).
    func longMapMode(_ r: EncodeResult?) -> LongMapView.Mode? {
        guard bandableView else { return nil }
        if state.attention.pooled { return .pooled }
        return readsBands ? .band : nil
    }

    /// The rows on screen (in blocks of 32, so a line's scroll asks nothing
    /// new), or the cursor's row and the pooled map.
    func askLongMap(_ input: inout SessionInput) {
        input.readsBands = readsBands
        guard let mode = longMapMode(nil) else { return }
        let a = state.attention, (layer, head) = Self.mapShown(a, of: facts)
        switch mode {
        case .band:
            input.requests[.attentionBand] = AnalysisRequest(
                Self.band(a, of: facts, top: a.scrollRow, visible: bandRows))
        case .pooled:
            input.requests[.attentionBand] = AnalysisRequest(
                AttentionBandRequest(layer: layer, head: head, rows: a.row..<(a.row + 1)))
            guard longMapOnScreen else { return }
            input.requests[.attentionPool] = AnalysisRequest(
                AttentionPoolRequest(layer: layer, head: head, rows: pooledGrid.rows, columns: pooledGrid.columns))
        }
    }

    /// The layer and head (nil: the mean of heads) `a` shows, within a model of `f`'s shape.
    static func mapShown(_ a: AttentionState, of f: ModelFacts) -> (layer: Int, head: Int?) {
        (min(a.layer, f.layers - 1), a.view == .head ? min(a.head, f.heads - 1) : nil)
    }

    /// The rows a heatmap scrolled to `top` with `visible` rows on screen reads,
    /// in blocks of 32 so a line's scroll asks nothing new.
    static func band(_ a: AttentionState, of f: ModelFacts, top: Int, visible: Int) -> AttentionBandRequest {
        let (layer, head) = mapShown(a, of: f)
        let start = top / 32 * 32, end = start + (top - start + visible + 31) / 32 * 32
        return AttentionBandRequest(layer: layer, head: head, rows: start..<end)
    }

    /// The scroll keeping `cursor` on a band-read heatmap of `n` tokens drawn
    /// in `body`, from `scroll`, and its rows on screen; nil when it does not fit.
    func bandScroll(
        _ body: Rect, tokens n: Int, labels: [String], cursor: (row: Int, column: Int),
        from scroll: (row: Int, column: Int)
    ) -> (row: Int, column: Int, rows: Int)? {
        guard let geo = HeatmapGeometry(body, size: n, labels: labels, ramp: colorMode.hasColorRamp) else { return nil }
        return (
            HeatmapGeometry.scroll(scroll.row, cursor: cursor.row, visible: geo.visibleRows, total: n),
            HeatmapGeometry.scroll(scroll.column, cursor: cursor.column, visible: geo.visibleColumns, total: n),
            geo.visibleRows
        )
    }

    /// The cursor on the selected tokens, and the grid or the scroll fitted
    /// to the pane; a band or pool the screen now needs is asked for.
    func settleLongMap(_ r: EncodeResult, _ mode: LongMapView.Mode, _ layout: FrameLayout) {
        let n = r.encoding.count
        state.attention.keyToken = clamped(state.attention.keyToken, n)
        state.attention.row = state.tokens.selected
        state.attention.column = state.attention.keyToken
        longMapOnScreen = layout.attention != nil
        defer { followViewInputs() }
        guard let pane = layout.attention else { return }
        let body = LongMapGrid.body(pane.inset(by: 1))
        switch mode {
        case .pooled:
            if let g = LongMapGrid.pooledSize(body, tokens: n) { pooledGrid = (g.rows, g.columns) }
        case .band:
            let a = state.attention
            guard
                let s = bandScroll(
                    body, tokens: n, labels: deriver.tokenLabels(r.encoding), cursor: (a.row, a.column),
                    from: (a.scrollRow, a.scrollColumn))
            else { return }
            (state.attention.scrollRow, state.attention.scrollColumn, bandRows) = s
        }
    }
}
