import Analysis
import Session

extension Workbench {
    /// Applies one key or event: overlays first, then the focused part's
    /// bindings bubbling out to the global ones; input lines take the rest
    /// as text.
    public func handle(_ key: Key) {
        defer { followViewInputs() }
        if case .resize = key { return }
        if case .paste(let text) = key { return paste(text) }
        if case .mouse(let x, let y, let button) = key { return click(x: x, y: y, button: button) }
        switch state.overlay {
        case .help: return handleHelp(key)
        case .modelInfo:
            if key == .ctrl("c") { quit() }
            state.overlay = .none
            return
        case .command(var editor): return handleCommand(key, editor: &editor)
        case .none: break
        }
        let context = state.context
        // A tour's keys come first while a pane has focus (an input line keeps Space and ← → for typing).
        let chain = (state.tour != nil && !state.focus.isInput ? [Context.tour] : []) + context.chain
        if let b = KeyMap.binding(for: key, in: chain) {
            // One snapshot for the key, as for a frame.
            let result = snapshot.result, before = state, e = extent(result)
            if let why = b.disabled(state, e) { return state.say(why) }
            apply(b.run(&state, e), result)
            state.attention.closePanelUnderOtherViews()
            linkSelections(from: context, before: before, result)
            return
        }
        if state.focus.isInput { editInput(key) }
    }

    /// The sizes bindings keep cursors within, from the current snapshot.
    func extent(_ r: EncodeResult?) -> Extent {
        var e = Extent(
            tokens: r?.encoding.count ?? 0, mapSize: currentMap(for: r)?.size ?? 0,
            masks: r?.mlm?.predictions.count ?? 0,
            probes: probes.count, layers: facts.layers, heads: facts.heads)
        e.windows = r?.windows?.count ?? 1
        e.headDim = r?.arithmetic?.head?.headDim ?? max(1, facts.hiddenSize / max(1, facts.heads))
        if let t = r?.task {
            e.labels = t.labels.count
            e.predicted = t.labels.max { $0.score < $1.score }?.id ?? 0
            e.taskTokens = (t.encoding ?? r?.encoding)?.count ?? 0
        }
        return e
    }

    /// Attention flow and context mixing are part of the input (the session
    /// computes them in the background), and so are lean mode's layers: a
    /// key that opens such a view, moves its layer or (lean) shows another
    /// layer asks for it.
    func followViewInputs() {
        let want = currentInput, asked = session.snapshot.input
        let secondMoved = second.map { b in secondInput?.viewRequest != b.session.snapshot.input.viewRequest }
        if want.viewRequest != asked.viewRequest || secondMoved == true,
            !batching
        {
            submitCurrent()
        }
    }

    func apply(_ effect: Effect, _ r: EncodeResult?) {
        switch effect {
        case .none: break
        case .quit: quit()
        case .inputChanged: inputChanged()
        case .keepInHistory: keepInHistory()
        case .historyPrevious: recall(history.previous(current: state.focusedEditor.text))
        case .historyNext: recall(history.next())
        case .nextTheme: cycleTheme()
        case .nextSample: cycleSample()
        case .toggleMask(let whole): toggleMask(wholeWord: whole, r)
        case .repaint: repaintRequested = true
        case .openRankedHead: openRankedHead(r)
        case .tourStep(let delta): stepTour(by: delta)
        case .leaveTour: leaveTour()
        case .runCommand(let text): run(command: text)
        case .completeCommand:
            guard case .command(var editor) = state.overlay else { return }
            if let completed = Commands.complete(editor.text, workbench: self) { editor.text = completed }
            state.overlay = .command(editor)
        }
    }

    /// Selections are tokens, not row numbers: a query row or key column
    /// moved in the attention pane selects its first token, and every other
    /// change (a token chosen, the map regrouped by `w` or `s`, another view)
    /// puts the cursor back on the selected tokens.
    func linkSelections(from context: Context, before: WorkbenchState, _ r: EncodeResult?) {
        guard let r, let map = currentMap(for: r), map.size > 0 else { return }
        let a = state.attention
        let moves = context == .attention || context.isPanel
        if moves, a.row != before.attention.row, map.groups.indices.contains(a.row) {
            state.tokens.selected = map.groups[a.row][0]
        }
        if moves, a.column != before.attention.column, map.groups.indices.contains(a.column) {
            state.attention.keyToken = map.groups[a.column][0]
        }
        followSelectedTokens(map)
    }

    /// The cursor on the rows and columns that show the selected tokens.
    func followSelectedTokens(_ map: AttentionMap) {
        state.attention.row = map.group(holding: state.tokens.selected)
        state.attention.column = map.group(holding: state.attention.keyToken)
    }

    private func openRankedHead(_ r: EncodeResult?) {
        guard let r, let f = state.attention.finder, let v = deriver.finderView(r, state.attention),
            let e = v.entries[safe: f.selected]
        else { return }
        state.attention.layer = e.layer
        state.attention.head = e.head
        state.attention.view = .head
        state.attention.finder = nil
        state.say(String(format: "layer %d head %d: ", e.layer + 1, e.head + 1) + v.criterion.rawValue)
    }

    private func editInput(_ key: Key) {
        let before = state.focusedEditor.revision
        let changed = state.focusedEditor.handle(key)
        // An edit makes the line the user's own again: ↓ must not drop it for the old draft.
        if changed, state.focusedEditor.revision != before { history.stopBrowsing(); textChanged() }
    }

    private func toggleMask(wholeWord: Bool, _ r: EncodeResult?) {
        guard let e = r?.encoding, e.count > 0 else { return }
        let i = clamped(state.tokens.selected, e.count)
        guard !e.isSpecial(i) else { return state.say("special tokens cannot be masked", error: true) }
        let positions = wholeWord ? e.wordMembers(of: i) : [i]
        if positions.allSatisfy(state.masked.contains) {
            state.masked.subtract(positions)
        } else {
            state.masked.formUnion(positions)
        }
        inputChanged()
    }

    /// The help overlay takes the keys it binds; any other key closes it (Ctrl-C still quits).
    private func handleHelp(_ key: Key) {
        if let b = KeyMap.binding(for: key, in: [.helpOverlay, .global]), b.context == .helpOverlay || key == .ctrl("c")
        {
            return apply(b.run(&state, extent(nil)), nil)
        }
        state.overlay = .none
    }

    /// The command line takes the keys it binds; the others edit its text.
    private func handleCommand(_ key: Key, editor: inout LineEditor) {
        if let b = KeyMap.binding(for: key, in: [.commandLine, .global]), b.context == .commandLine || key == .ctrl("c")
        {
            return apply(b.run(&state, extent(nil)), nil)
        }
        editor.handle(key)
        state.overlay = .command(editor)
    }

    /// The wheel moves the token selection in the tokens pane, else the layer.
    private func wheel(_ delta: Int) {
        let r = snapshot.result, e = extent(r), before = state
        if state.focus == .tokens {
            state.tokens.selected = clamped(state.tokens.selected + delta, e.tokens)
            linkSelections(from: .tokens, before: before, r)
        } else {
            state.attention.layer = wrapped(state.attention.layer, delta, e.layers)
        }
    }

    private func click(x: Int, y: Int, button: Key.MouseButton) {
        if case .help = state.overlay { state.overlay = .none; return }
        switch button {
        case .wheelUp, .wheelDown: return wheel(button == .wheelUp ? -1 : 1)
        case .left: break
        }
        guard let hit = hitAreas.hit(x: x, y: y) else { return }
        let before = state, r = snapshot.result
        switch hit {
        case .inputA: state.focus = .inputA
        case .inputB: state.focus = .inputB
        case .token(let i): state.focus = .tokens; state.tokens.selected = i
        case .cell(let r, let c): state.focus = .attention; state.attention.row = r; state.attention.column = c
        case .head(let l, let h):
            state.focus = .attention
            state.attention.layer = l; state.attention.head = h; state.attention.overview = false;
            state.attention.view = .head
            state.attention.finder = nil
        case .pane(let f): state.focus = f
        case .mask(let i): state.focus = .predictions; state.predictions.selectedMask = i
        }
        if case .token = hit { linkSelections(from: .tokens, before: before, r) }
        if case .cell = hit { linkSelections(from: .attention, before: before, r) }
    }
}

extension Workbench {
    /// A paste is text, whatever it contains: one edit of the focused input
    /// line (line A when a pane has focus), newlines and tabs as spaces,
    /// other control characters dropped. One edit means one encoding.
    func paste(_ text: String) {
        let clean = String(
            String.UnicodeScalarView(
                text.unicodeScalars.compactMap { s -> Unicode.Scalar? in
                    if s == "\n" || s == "\r" || s == "\t" { return " " }
                    return s.value < 0x20 || s.value == 0x7F ? nil : s
                }))
        if case .command(var editor) = state.overlay {
            editor.insert(clean)
            state.overlay = .command(editor)
            return
        }
        state.overlay = .none
        if !state.focus.isInput { state.focus = .inputA }
        state.focusedEditor.insert(clean)
        history.stopBrowsing()
        textChanged()
    }
}
