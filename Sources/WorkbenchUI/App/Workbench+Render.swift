import Session

extension Workbench {
    /// Draws the whole frame for a terminal of `width` × `height`.
    public func render(width: Int, height: Int) -> CellGrid {
        var g = CellGrid(width: width, height: height)
        hitAreas.reset()
        let base = theme.style("foreground")
        g.fill(Rect(x: 0, y: 0, width: width, height: height), style: base)
        // One snapshot for the whole frame: results arriving meanwhile wait for the next.
        let snap = snapshot
        settleCursors(on: snap.result)
        let wantsPredictions = !masked.isEmpty || labSeed != nil || snap.result?.mlm != nil || snap.result?.replaced != nil
        let layout = FrameLayout.compute(width: width, height: height, focus: focus, zoomed: zoomed, predictions: wantsPredictions)
        if layout.tooSmall {
            drawTooSmall(&g)
            return g
        }
        InputLine.render(&g, layout.inputA, label: "A", editor: editorA, focused: focus == .inputA,
                         placeholder: "type a sentence (Esc: panes, ? help)", theme: theme)
        hitAreas.add(layout.inputA, .inputA)
        InputLine.render(&g, layout.inputB, label: "B", editor: editorB, focused: focus == .inputB,
                         placeholder: "optional second sentence: type here for a pair (type ids 1)", theme: theme)
        hitAreas.add(layout.inputB, .inputB)
        if let tabs = layout.tabs { drawTabs(&g, tabs) }
        if let r = layout.tokens {
            hitAreas.add(r, .pane(.tokens))
            TokensPane(workbench: self, snapshot: snap).render(&g, r, focused: focus == .tokens || focus.isInput)
        }
        if let r = layout.attention {
            hitAreas.add(r, .pane(.attention))
            AttentionPane(workbench: self, snapshot: snap).render(&g, r, focused: focus == .attention)
        }
        if let r = layout.probing {
            hitAreas.add(r, .pane(.probing))
            ProbingPane(workbench: self, snapshot: snap).render(&g, r, focused: focus == .probing)
        }
        if let r = layout.predictions {
            hitAreas.add(r, .pane(.predictions))
            PredictionsPane(workbench: self, snapshot: snap).render(&g, r, focused: focus == .predictions)
        }
        StatusBar.render(&g, layout.status, workbench: self, snapshot: snap)
        drawOverlay(&g, layout)
        return g
    }

    private func drawTooSmall(_ g: inout CellGrid) {
        let msg = ["Terminal too small", "need at least \(FrameLayout.minimum.width)×\(FrameLayout.minimum.height),",
                   "now \(g.width)×\(g.height)", "(Ctrl-C quits)"]
        for (i, line) in msg.enumerated() {
            let y = max(0, g.height / 2 - 2 + i)
            g.put(line, x: max(0, (g.width - displayWidth(line)) / 2), y: y, style: theme.style(i == 0 ? "error" : "foreground", [.bold]))
        }
    }

    private func drawTabs(_ g: inout CellGrid, _ r: Rect) {
        var x = r.x
        for (name, f) in [("Tokens", Focus.tokens), ("Attention", Focus.attention), ("Predictions", Focus.predictions), ("Probing", Focus.probing)] {
            let on = (focus == f) || (f == .tokens && focus.isInput)
            let label = " \(name) "
            let end = g.put(label, x: x, y: r.y, style: on ? theme.style("background", bg: "accent", [.bold]) : theme.style("muted"))
            hitAreas.add(Rect(x: x, y: r.y, width: end - x, height: 1), .pane(f))
            x = end + 1
        }
        g.put("Tab switches", x: x + 1, y: r.y, style: theme.style("muted"), clip: r)
    }

    private func drawOverlay(_ g: inout CellGrid, _ layout: FrameLayout) {
        switch overlay {
        case .none: break
        case .help(let scroll): HelpOverlay.render(&g, theme: theme, scroll: scroll)
        case .modelInfo: InfoOverlay.render(&g, theme: theme, info: ModelInfo(session.model))
        case .command(let editor):
            let r = layout.status
            g.fill(r, style: theme.style("foreground", bg: "status_bar_bg"))
            let end = g.put(":" + editor.text, x: r.x, y: r.y, style: theme.style("foreground", bg: "status_bar_bg", [.bold]), clip: r)
            let cursorX = r.x + 1 + editor.cursorColumn
            if cursorX < r.maxX { g.restyle(Rect(x: cursorX, y: r.y, width: 1, height: 1)) { $0.attributes.insert(.reverse) } }
            let hint = "Tab completes · Enter runs · Esc cancels"
            if end + displayWidth(hint) + 2 < r.maxX {
                g.put(hint, x: r.maxX - displayWidth(hint) - 1, y: r.y, style: theme.style("muted", bg: "status_bar_bg"))
            }
        }
    }
}
