import Analysis
import SafeIO
import Session
import TextCells

extension Workbench {
    /// Draws the whole frame for a terminal of `width` × `height`: one
    /// snapshot, cursors settled to it, the view derived from it, then
    /// pure panes.
    /// The frame at `width` × `height`; a `figure` leaves out the keys' hints.
    public func render(width: Int, height: Int, figure: Bool = false) -> CellGrid {
        // One snapshot for the whole frame: results arriving meanwhile wait for the next.
        let snap = snapshot
        let layout = frameLayout(width: width, height: height, snap.result)
        let selected = state.tokens.selected
        settle(on: snap.result, fresh: !snap.isStale, layout)
        // A selection the result moved (a pending one applied, a shorter sentence) asks anew
        // for what follows the selected token (the corpus search, a panel's token).
        if state.tokens.selected != selected { followViewInputs() }
        // A long input's result without the layers now read (a layer key pressed while it encoded) asks for them.
        if !snap.isStale, let r = snap.result, r.mapsLimited != nil, let read = leanLayers,
            r.trace?.keepsAttention(read) == false
        {
            followViewInputs()
        }
        let scrolled = secondScroll
        let view = derive(snap, layout)
        // The second model's half scrolled: its rows are asked for (they draw a frame later).
        if secondScroll != scrolled { followViewInputs() }
        let canvas = FrameRenderer.render(
            view, state, layout, theme: theme, colorMode: colorMode, width: width, height: height,
            modelInfo: state.overlay == .modelInfo ? modelInfoTable : nil, figure: figure)
        hitAreas = canvas.hits
        lastFrameSize = (width, height)
        return canvas.grid
    }

    /// The second model's attention (the first's settings, clamped to its shape) and predictions.
    func secondView(_ b: SecondModel, pane: Rect? = nil) -> SecondView {
        let f = b.facts
        var s = state.attention
        s.layer = min(s.layer, f.layers - 1)
        s.head = min(s.head, f.heads - 1)
        s.overview = false; s.importance = false; s.patching = false; s.comparing = false; s.finder = nil
        s.pooled = false
        s.focusMode = false; s.scrollRow = 0; s.scrollColumn = 0
        let snap = b.session.snapshot
        let r = snap.result
        var marks: [String] = []
        if snap.isStale && r != nil { marks.append("⟳ previous input") }
        if let w = r?.windows { marks.append("window \(w.index + 1)/\(w.count)") }
        if let m = r.flatMap({ b.deriver.map($0, s.spec) }) {
            s.row = min(s.row, m.size - 1)
            s.column = min(s.column, m.size - 1)
        }
        var predictions = b.deriver.predictionsView(r)
        predictions.headNote = SecondView.heading(f.name, marks) + (predictions.headNote.map { " · " + $0 } ?? "")
        var view = SecondView(
            name: f.name, layers: f.layers, heads: f.heads, attention: r.flatMap { b.deriver.attentionView($0, s) },
            attentionState: s, predictions: predictions, marks: marks)
        if let r, readsBands(in: b.session) {
            // Its own scroll around the cursor, and the rows it shows asked for (a frame later).
            let n = r.encoding.count
            s.row = clamped(s.row, n); s.column = clamped(s.column, n)
            if let pane,
                let scroll = bandScroll(
                    LongMapGrid.body(pane.inset(by: 1)), tokens: n, labels: b.deriver.tokenLabels(r.encoding),
                    cursor: (s.row, s.column), from: (secondScroll.row, secondScroll.column))
            {
                secondScroll = scroll
                (s.scrollRow, s.scrollColumn) = (scroll.row, scroll.column)
            }
            view.attentionState = s
            view.attention = nil
            view.longMap = b.deriver.longMapView(r, s, .band, grid: pooledGrid, limited: true, progress: nil)
        } else if view.attention == nil, r != nil {
            // It computes mixing as the first model does; attention flow only the first model computes.
            if s.view.isMixing { view.waiting = "computing context mixing for this model…" }
            if s.view == .flow { view.waiting = "attention flow is computed for the first model only" }
        }
        return view
    }

    /// Where everything goes; a tour's caption banner takes rows above the
    /// status bar, and the panes fit above it (nothing hides under it).
    func frameLayout(width: Int, height: Int, _ r: EncodeResult?) -> FrameLayout {
        var layout = FrameLayout.compute(width: width, height: height, state, predictions: wantsPredictions(r))
        if second != nil, !state.attention.overview { layout.splitForSecondModel() }
        return layout
    }

    /// Masks, a lab run or a discriminator's answer give the predictions pane a place in wide layouts.
    func wantsPredictions(_ r: EncodeResult?) -> Bool {
        // Not a task head's answer: it is there for every sentence, and the stacked layouts would
        // then never show the tokens first.
        !state.masked.isEmpty || state.labSeed != nil || r?.mlm != nil || r?.replaced != nil || r?.input.pair != nil
    }

    /// Brings every cursor inside the frame's result, and the heatmap's
    /// scroll around its cursor, before anything is drawn: a shorter
    /// sentence (or another model) arriving shrinks the lists under cursors
    /// that were valid a moment ago.
    func settle(on r: EncodeResult?, fresh: Bool, _ layout: FrameLayout) {
        let f = facts
        state.attention.layer = clamped(state.attention.layer, f.layers)
        state.attention.head = clamped(state.attention.head, f.heads)
        guard let r else { return }
        if fresh, let p = state.pendingSelect {
            state.tokens.selected = p
            state.pendingSelect = nil
        }
        state.tokens.selected = clamped(state.tokens.selected, r.encoding.count)
        state.predictions.selectedMask = clamped(state.predictions.selectedMask, r.mlm?.predictions.count ?? 1)
        if let t = r.task {
            state.predictions.explainCursor = clamped(
                state.predictions.explainCursor, (t.encoding ?? r.encoding).count)
        }
        state.probing.task = clamped(state.probing.task, probes.count)
        if state.attention.finder != nil {
            state.attention.finder!.selected = clamped(state.attention.finder!.selected, f.layers * f.heads)
        }
        if let mode = longMapMode(r) { return settleLongMap(r, mode, layout) }
        guard let map = currentMap(for: r), map.size > 0 else { return }
        state.attention.keyToken = clamped(state.attention.keyToken, r.encoding.count)
        Update.followSelectedTokens(&state, map)
        guard let pane = layout.attention, !state.attention.overview, !state.attention.focusMode,
            let v = deriver.attentionView(r, state.attention)
        else { return }
        let area = AttentionPane.body(pane, v, state.attention)
        guard let geo = HeatmapGeometry(area, size: map.size, labels: v.labels, ramp: colorMode.hasColorRamp) else {
            return
        }
        state.attention.scrollRow = HeatmapGeometry.scroll(
            state.attention.scrollRow, cursor: state.attention.row,
            visible: geo.visibleRows, total: map.size)
        state.attention.scrollColumn = HeatmapGeometry.scroll(
            state.attention.scrollColumn, cursor: state.attention.column,
            visible: geo.visibleColumns, total: map.size)
    }

    /// "experiment: q·k × 1 (no ÷√32)" or "experiment: q·k × 0.50 (not ÷√32)".
    static func scaleExperiment(_ s: Float, headDim: Int) -> String {
        s == 1
            ? "experiment: q·k × 1 (no ÷√\(headDim))"
            : String(format: "experiment: q·k × %g (not ÷√%d)", s, headDim)
    }

    /// The views of the panes `layout` shows, from `snap` alone.
    func derive(_ snap: SessionSnapshot, _ layout: FrameLayout) -> FrameView {
        let r = snap.result, f = facts
        let status = StatusView(
            model: f.name, family: f.modelType, layers: f.layers, heads: f.heads, tokens: r?.encoding.count,
            truncated: r?.encoding.truncated ?? 0, milliseconds: r?.milliseconds, theme: theme.name,
            stale: snap.isStale,
            error: r?.error, p95: stats?.recentPercentile(0.95), notice: state.notice)
        var v = FrameView(status: status)
        v.extent = extent(r, mapSize: currentMap(for: r)?.size ?? 0)
        v.status.lean = session.lean
        if !state.ablated.isEmpty {
            v.status.ablated = state.ablated.description + (state.meanAblation ? " (mean)" : "")
        }
        guard let r else { return v }
        // Named from the result drawn, not the state: a frame never titles other layers than it shows.
        if f.layerChoices.count > 1 { v.layersShown = f.layersTitle(r.input.layers) }
        v.experiment = r.input.attentionScale.map { Self.scaleExperiment($0, headDim: f.hiddenSize / max(1, f.heads)) }
        if let w = r.windows {
            v.status.windows = "window \(w.index + 1)/\(w.count) of \(w.size), stride \(w.stride)"
        }
        if layout.tokens != nil {
            v.tokens = deriver.tokensView(r, selected: state.tokens.selected)
            if let w = r.windows { v.tokens?.windows = w }
            if !arena.entries.isEmpty {
                v.tokens?.arena = arena.rows(r)
            }
            if let b = second, let rb = b.session.snapshot.result {
                // The second model's own tokenization first, against the first model's cuts.
                let row = TokenizerArena.row(
                    "B: " + b.model.name, rb.encoding, unkId: b.model.tokenizer.unkId,
                    TokenizerArena.boundaries(r.encoding))
                v.tokens?.arena.insert(row, at: 0)
            }
        }
        if layout.attention != nil {
            v.error = r.error
            if state.attention.overview {
                let area = layout.attention.map { $0.inset(by: 1) }  // where OverviewGrid draws
                v.overview = deriver.overviewView(
                    r, hideSpecial: state.attention.hideSpecial, area: area, ramp: colorMode.hasColorRamp)
            } else if let mode = longMapMode(r) {
                v.longMap = deriver.longMapView(
                    r, state.attention, mode, grid: pooledGrid, limited: r.mapsLimited != nil,
                    progress: snap.progress(of: .attentionPool))
            } else {
                v.attention = deriver.attentionView(r, state.attention)
                v.finder = deriver.finderView(r, state.attention)
                if let p = AttentionPanels.panel(state.attention.panel) {
                    v.panel = p.derive(snap, selection, state.attention)
                }
                if state.attention.importance {
                    let passes = f.layers * f.heads
                    let waiting =
                        !snap.isStale && r.importanceError != nil
                        ? r.importanceError!
                        : snap.isStale || session.facts.importanceTarget(r) != nil
                            ? "computing head importance: "
                                + (snap.progress(of: .importance).map { "\($0.done) of \($0.total) passes…" }
                                    ?? "one pass per head (\(passes) passes)…")
                            : "head importance needs a [MASK] (m on a token)"
                                + (f.pairHead != nil
                                    ? ", a classifier or a pair (line B)" : " or a classification head")
                    v.importance = ImportanceView(
                        importance: snap.isStale ? nil : r.importance, waiting: waiting)
                }
                if v.attention == nil, let t = r.trace, let limit = r.mapsLimited, t.attentionLayers.isEmpty,
                    limit.readBytes > limit.budget
                {
                    // Not even the layers read fit in the session's budget for maps.
                    v.flowWaiting =
                        "\(r.encoding.count) tokens: the maps this view reads take \(ByteCount(limit.readBytes).oneDecimal), "
                        + "over the \(ByteCount(limit.budget).oneDecimal) a pass keeps; the other panes work"
                } else if v.attention == nil, let t = r.trace,
                    !t.keepsAttention(AttentionViews.layersRead(state.attention.spec))
                {
                    // Lean mode (or a long input): this result holds other layers' maps; the one asked for is on its way.
                    v.flowWaiting =
                        (r.mapsLimited == nil ? "lean mode" : "a long input")
                        + ": encoding again for layer \(state.attention.layer + 1)'s maps…"
                } else if state.attention.view.isMixing, v.attention == nil {
                    let layers = AttentionViews.mixingLayersRead(state.attention.spec) ?? 0...0
                    v.flowWaiting =
                        "computing context mixing (\(state.attention.view.rawValue)) of layer"
                        + (layers.count > 1 ? "s 1–\(layers.upperBound + 1): " : " \(layers.lowerBound + 1): ")
                        + (snap.progress(of: .mixing).map { "\($0.done) of \($0.total) layers…" }
                            ?? "the head outputs' norms…")
                } else if state.attention.view == .flow, v.attention == nil {
                    v.flowWaiting =
                        r.flow?.error ?? ModelSession.flowRefusal(tokens: r.encoding.count)
                        ?? "computing attention flow through layer \(state.attention.layer + 1): "
                        + (snap.progress(of: .flow).map { "\($0.done) of \($0.total) rows…" } ?? "n² maximum flows…")
                }
                if state.attention.comparing {
                    v.comparison = snap.isStale ? nil : deriver.comparisonView(r, state.attention)
                    v.comparisonWaiting =
                        state.comparison.isEmpty
                        ? "type :compare TEXT (or C: line A to edit as A′) to compare the sentence with another"
                        : r.comparison?.error ?? "encoding A′ and comparing…"
                }
                if state.attention.patching {
                    let waiting =
                        state.counterfactual.isEmpty
                        ? "type :counterfactual TEXT (best with the same token count; else patched by words) to patch from"
                        : "patching every layer × position and head from the counterfactual…"
                    v.patching = PatchingView(
                        outcome: snap.isStale ? nil : r.patching, waiting: waiting, counterfactual: state.counterfactual
                    )
                }
            }
        }
        if layout.predictions != nil {
            v.predictions = deriver.predictionsView(
                r, progress: snap.progress(of: .windowExplanations).map { ($0.done, $0.total) },
                temperature: state.predictions.temperature)
            if let e = v.experiment {
                let temperature = v.predictions?.experiment
                v.predictions?.experiment = [e, temperature].compactMap { $0 }.joined(separator: " · ")
            }
        }
        if let b = second { v.second = secondView(b, pane: layout.secondAttention) }
        if layout.probing != nil {
            let gold = gold.current.flatMap {
                $0.text.0.unicodeScalars.elementsEqual(r.input.text.unicodeScalars) ? $0 : nil
            }
            v.probing = deriver.probingView(
                r, state.probing, probes: probes(for: r.input.layers), gold: gold, corpus: session.corpus,
                selected: state.tokens.selected)
        }
        return v
    }
}

/// Draws a whole frame from a view and the state; pure, so frame tests can
/// build both by hand.
public enum FrameRenderer {
    public static func render(
        _ v: FrameView, _ s: WorkbenchState, _ layout: FrameLayout, theme: Theme, colorMode: ColorMode,
        width: Int, height: Int, modelInfo: String? = nil, figure: Bool = false
    ) -> Canvas {
        var c = Canvas(width: width, height: height, theme: theme, colorMode: colorMode)
        c.figure = figure
        c.grid.fill(Rect(x: 0, y: 0, width: width, height: height), style: theme.style(.foreground))
        if layout.tooSmall {
            drawTooSmall(&c)
            return c
        }
        InputLine.render(
            s.editorA, label: "A", placeholder: "type a sentence (Esc: panes, ? help)", layout.inputA,
            focused: s.focus == .inputA, into: &c)
        c.hits.add(layout.inputA, .inputA)
        InputLine.render(
            s.editorB, label: "B", placeholder: "optional second sentence: type here for a pair",
            layout.inputB,
            focused: s.focus == .inputB, into: &c)
        c.hits.add(layout.inputB, .inputB)
        if let tabs = layout.tabs { drawTabs(s.focus, tabs, names: paneNames(v), &c) }
        if let r = layout.tokens {
            c.hits.add(r, .pane(.tokens))
            TokensPane.render(v.tokens, s.tokens, r, focused: s.focus == .tokens || s.focus.isInput, into: &c)
        }
        if let b = v.second, let right = layout.secondAttention {
            // Side by side: the first model on the left, the second on the right.
            var input = AttentionPane.Input(view: b.attention, layers: b.layers, heads: b.heads)
            input.longMap = b.longMap
            input.titlePrefix = b.titlePrefix
            input.flowWaiting = b.waiting
            AttentionPane.render(input, b.attentionState, right, focused: false, into: &c)
        }
        if let b = v.second, let right = layout.secondPredictions {
            PredictionsPane.render(b.predictions, s.predictions, right, focused: false, into: &c)
        }
        if let r = layout.attention {
            c.hits.add(r, .pane(.attention))
            let input = AttentionPane.Input(
                view: v.attention, overview: v.overview, longMap: v.longMap, finder: v.finder, importance: v.importance,
                patching: v.patching, panel: v.panel, flowWaiting: v.flowWaiting, comparison: v.comparison,
                comparisonWaiting: v.comparisonWaiting, error: v.error,
                layers: v.status.layers, heads: v.status.heads, ablated: s.ablated,
                layersShown: v.layersShown.map { s in v.experiment.map { s + " · " + $0 } ?? s } ?? v.experiment)
            AttentionPane.render(input, s.attention, r, focused: s.focus == .attention, into: &c)
        }
        if let r = layout.probing {
            c.hits.add(r, .pane(.probing))
            ProbingPane.render(v.probing, s.probing, r, focused: s.focus == .probing, layers: v.layersShown, into: &c)
        }
        if let r = layout.predictions {
            c.hits.add(r, .pane(.predictions))
            PredictionsPane.render(v.predictions, s.predictions, r, focused: s.focus == .predictions, into: &c)
        }
        for slot in layout.shared { drawSlotTabs(slot, names: paneNames(v), &c) }
        drawHints(v, s, layout, &c)
        StatusBar.render(v.status, layout.status, into: &c)
        if let tour = s.tour {
            // Every pane (titles too): the answer may show anywhere (the pieces in the attention labels).
            if tour.asking {
                let panes = [
                    layout.tokens, layout.attention, layout.predictions, layout.probing, layout.secondAttention,
                    layout.secondPredictions, layout.tabs,
                ].compactMap { $0 }
                for r in panes { TourBanner.veil(tour, r, &c) }
            }
            TourBanner.render(tour, above: layout.status, &c)
        }
        drawOverlay(s, v.extent, layout, modelInfo: modelInfo, &c)
        return c
    }

    private static func drawTooSmall(_ c: inout Canvas) {
        let g = c.grid
        let msg = [
            "Terminal too small", "need at least \(FrameLayout.minimum.width)×\(FrameLayout.minimum.height),",
            "now \(g.width)×\(g.height)", "(Ctrl-C quits)",
        ]
        for (i, line) in msg.enumerated() {
            let y = max(0, g.height / 2 - 2 + i)
            c.put(
                line, x: max(0, (g.width - displayWidth(line)) / 2), y: y,
                c.theme.style(i == 0 ? .error : .foreground, [.bold]))
        }
    }

    /// What the tabs call each pane: the predictions pane is "Classification"
    /// while a task head's answer is in it, as its title says.
    private static func paneNames(_ v: FrameView) -> [Focus: String] {
        var predictions = "Predictions"
        if case .task = v.predictions?.content { predictions = "Classification" }
        return [.tokens: "Tokens", .attention: "Attention", .predictions: predictions, .probing: "Probing"]
    }

    private static func drawTabs(_ focus: Focus, _ r: Rect, names: [Focus: String], _ c: inout Canvas) {
        var x = r.x
        for f in [Focus.tokens, .attention, .predictions, .probing] {
            let name = names[f] ?? ""
            let on = (focus == f) || (f == .tokens && focus.isInput)
            let end = c.put(
                " \(name) ", x: x, y: r.y, on ? c.theme.style(.background, bg: .accent, [.bold]) : c.theme.style(.muted)
            )
            c.hits.add(Rect(x: x, y: r.y, width: end - x, height: 1), .pane(f))
            x = end + 1
        }
        c.put("Tab switches", x: x + 1, y: r.y, c.theme.style(.muted), clip: r)
    }

    /// The focused pane's keys on its bottom border (an input line's on the
    /// tokens pane, which it feeds), left of a shared place's tabs.
    private static func drawHints(_ v: FrameView, _ s: WorkbenchState, _ layout: FrameLayout, _ c: inout Canvas) {
        guard let r = layout.rect(of: s.focus.isInput ? .tokens : s.focus) else { return }
        let tabs = layout.shared.first { $0.rect == r }.flatMap { slotTabsStart($0, names: paneNames(v)) }
        HintLine.render(KeyHints.hints(s, v.extent), r, end: (tabs ?? r.maxX - 1) - 1, into: &c)
    }

    private static func slotTabLabels(_ slot: FrameLayout.Slot, names: [Focus: String]) -> [String] {
        slot.panes.map { " \(names[$0] ?? "") " }
    }

    /// Where a shared place's tabs begin on its bottom border (nil: too narrow for them).
    private static func slotTabsStart(_ slot: FrameLayout.Slot, names: [Focus: String]) -> Int? {
        let labels = slotTabLabels(slot, names: names)
        let x = slot.rect.maxX - 2 - labels.reduce(0) { $0 + displayWidth($1) } - (labels.count - 1)
        return x > slot.rect.x + 12 ? x : nil
    }

    /// A shared place names its panes on its bottom border (the title keeps
    /// the top), right-aligned; the one shown is highlighted, a click or Tab
    /// shows the other.
    private static func drawSlotTabs(_ slot: FrameLayout.Slot, names: [Focus: String], _ c: inout Canvas) {
        let labels = slotTabLabels(slot, names: names)
        guard var x = slotTabsStart(slot, names: names) else { return }
        for (pane, label) in zip(slot.panes, labels) {
            let on = pane == slot.shown
            let end = c.put(
                label, x: x, y: slot.rect.maxY - 1,
                on ? c.theme.style(.accent, [.bold, .reverse]) : c.theme.style(.muted))
            c.hits.add(Rect(x: x, y: slot.rect.maxY - 1, width: end - x, height: 1), .pane(pane))
            x = end + 1
        }
    }

    private static func drawOverlay(
        _ s: WorkbenchState, _ extent: Extent, _ layout: FrameLayout, modelInfo: String?, _ c: inout Canvas
    ) {
        switch s.overlay {
        case .none: break
        case .palette(let p): PaletteOverlay.render(p, s, extent, into: &c)
        case .help(let scroll): HelpOverlay.render(&c.grid, theme: c.theme, scroll: scroll)
        case .modelInfo: InfoOverlay.render(&c.grid, theme: c.theme, table: modelInfo ?? "")
        case .command(let editor):
            let r = layout.status, t = c.theme
            c.grid.fill(r, style: t.style(.foreground, bg: .statusBarBackground))
            let end = c.put(
                ":" + editor.text, x: r.x, y: r.y, t.style(.foreground, bg: .statusBarBackground, [.bold]), clip: r)
            let cursorX = r.x + 1 + editor.cursorColumn
            if cursorX < r.maxX {
                c.grid.restyle(Rect(x: cursorX, y: r.y, width: 1, height: 1)) { $0.attributes.insert(.reverse) }
            }
            let hint = "Tab completes · Enter runs · Esc cancels"
            if end + displayWidth(hint) + 2 < r.maxX {
                c.put(hint, x: r.maxX - displayWidth(hint) - 1, y: r.y, t.style(.muted, bg: .statusBarBackground))
            }
        }
    }
}
