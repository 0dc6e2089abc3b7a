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
    var readsBands: Bool { !lean && mapsLimited && bandableView }

    /// The second model reads its map by bands when its own session's budget says so.
    func secondReadsBands(_ b: SecondModel) -> Bool { !lean && b.session.mapsLimited && bandableView }

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
        let a = state.attention
        let layer = min(a.layer, facts.layers - 1), head = a.view == .head ? min(a.head, facts.heads - 1) : nil
        switch mode {
        case .band:
            let start = a.scrollRow / 32 * 32, end = start + (a.scrollRow - start + bandRows + 31) / 32 * 32
            input.requests[.attentionBand] = AnalysisRequest(
                AttentionBandRequest(layer: layer, head: head, rows: start..<end))
        case .pooled:
            input.requests[.attentionBand] = AnalysisRequest(
                AttentionBandRequest(layer: layer, head: head, rows: a.row..<(a.row + 1)))
            input.requests[.attentionPool] = AnalysisRequest(
                AttentionPoolRequest(layer: layer, head: head, rows: pooledGrid.rows, columns: pooledGrid.columns))
        }
    }

    /// The cursor on the selected tokens, and the grid or the scroll fitted
    /// to the pane; a band or pool the screen now needs is asked for.
    func settleLongMap(_ r: EncodeResult, _ mode: LongMapView.Mode, _ layout: FrameLayout) {
        let n = r.encoding.count
        state.attention.keyToken = clamped(state.attention.keyToken, n)
        state.attention.row = state.tokens.selected
        state.attention.column = state.attention.keyToken
        guard let pane = layout.attention else { return }
        let body = LongMapGrid.body(pane.inset(by: 1))
        switch mode {
        case .pooled:
            if let g = LongMapGrid.pooledSize(body, tokens: n) { pooledGrid = (g.rows, g.columns) }
        case .band:
            let labels = deriver.tokenLabels(r.encoding)
            guard let geo = HeatmapGeometry(body, size: n, labels: labels, ramp: colorMode.hasColorRamp) else { return }
            bandRows = geo.visibleRows
            state.attention.scrollRow = HeatmapGeometry.scroll(
                state.attention.scrollRow, cursor: state.attention.row, visible: geo.visibleRows, total: n)
            state.attention.scrollColumn = HeatmapGeometry.scroll(
                state.attention.scrollColumn, cursor: state.attention.column, visible: geo.visibleColumns, total: n)
        }
        followViewInputs()
    }
}
