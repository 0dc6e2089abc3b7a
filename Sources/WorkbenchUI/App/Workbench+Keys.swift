import Session

extension Workbench {
    /// Applies one key or event. Input lines take printable keys as text;
    /// everything else goes through the key map.
    public func handle(_ key: Key) {
        if case .resize = key { return }
        if case .paste(let text) = key { return paste(text) }
        if case .mouse(let x, let y, let button) = key { return click(x: x, y: y, button: button) }
        switch overlay {
        case .help(let scroll): return handleHelp(key, scroll: scroll)
        case .modelInfo:
            if key == .ctrl("c") { quit() }
            overlay = .none
            return
        case .command(var editor): return handleCommand(key, editor: &editor)
        case .none: break
        }
        var contexts: [Context] = []
        if focus.isInput {
            contexts = [.input, .global]
        } else {
            let pane: Context
            switch focus {
            case .tokens: pane = .tokens
            case .predictions: pane = .predictions
            case .probing: pane = .probing
            default: pane = attention.overview ? .overview : .attention
            }
            contexts = [pane, .panes, .global]
        }
        if let action = KeyMap.action(for: key, in: contexts) { return perform(action) }
        if focus.isInput { editInput(key) }
    }

    private func editInput(_ key: Key) {
        let before = focusedEditor.revision
        let changed = focus == .inputA ? editorA.handle(key) : editorB.handle(key)
        // An edit makes the line the user's own again: ↓ must not drop it for the old draft.
        if changed, focusedEditor.revision != before { history.stopBrowsing(); textChanged() }
    }

    /// The input line with focus (line A when a pane has it).
    var focusedEditor: LineEditor {
        get { focus == .inputB ? editorB : editorA }
        set { if focus == .inputB { editorB = newValue } else { editorA = newValue } }
    }

    /// History recall replaces the focused line only, never the other one.
    private func recall(_ entry: String?) {
        guard let entry else { return }
        focusedEditor.text = entry
        textChanged()
    }

    func perform(_ action: Action) {
        switch action {
        case .quit: quit()
        case .help: overlay = .help(scroll: 0)
        case .modelInfo: overlay = .modelInfo
        case .commandLine: overlay = .command(LineEditor())
        case .focusNext: focus = Focus(rawValue: (focus.rawValue + 1) % Focus.allCases.count)!
        case .focusPrevious: focus = Focus(rawValue: (focus.rawValue + Focus.allCases.count - 1) % Focus.allCases.count)!
        case .leaveInput: focus = focus.isInput ? .tokens : .inputA
        case .zoom: zoomed.toggle()
        case .submit: keepInHistory()
        case .historyPrevious: recall(history.previous(current: focusedEditor.text))
        case .historyNext: recall(history.next())
        case .nextTheme: cycleTheme()
        case .nextSample: cycleSample()
        case .maskToken, .maskWord: toggleMask(wholeWord: action == .maskWord)
        case .toggleFillOrder: predictions.mostConfidentFirst.toggle()
        case .toggleRepresentation: probing.representation.toggle()
        case .newLab: labSeed = (labSeed ?? 0) &+ 1; inputChanged()
        case .leaveLab: labSeed = nil; inputChanged()
        default:
            switch focus {
            case .tokens: moveTokenSelection(action)
            case .predictions: movePredictionSelection(action)
            case .probing:
                if action == .moveLeft { probing.task = max(0, probing.task - 1) }
                if action == .moveRight { probing.task = min(max(0, probes.count - 1), probing.task + 1) }
            default: performAttention(action)
            }
        }
    }

    private func toggleMask(wholeWord: Bool) {
        guard let e = snapshot.result?.encoding, e.count > 0 else { return }
        let i = max(0, min(e.count - 1, selectedToken))
        guard e.specialTokensMask[i] == 0 else { notice = Notice(text: "special tokens cannot be masked", isError: true); return }
        let positions = wholeWord ? e.wordMembers(of: i) : [i]
        if positions.allSatisfy(masked.contains) { masked.subtract(positions) } else { masked.formUnion(positions) }
        inputChanged()
    }

    private func movePredictionSelection(_ action: Action) {
        let count = snapshot.result?.mlm?.predictions.count ?? 0
        switch action {
        case .moveUp, .moveLeft: predictions.selectedMask -= 1
        case .moveDown, .moveRight: predictions.selectedMask += 1
        default: break
        }
        predictions.selectedMask = max(0, min(max(0, count - 1), predictions.selectedMask))
    }

    private func moveTokenSelection(_ action: Action) {
        let count = snapshot.result?.encoding.count ?? 0
        switch action {
        case .moveLeft, .moveUp: selectedToken -= 1
        case .moveRight, .moveDown: selectedToken += 1
        case .first: selectedToken = 0
        case .last: selectedToken = count - 1
        default: break
        }
        selectedToken = max(0, min(count - 1, selectedToken))
    }

    private func performAttention(_ action: Action) {
        let (layers, heads) = config
        var a = attention
        let size = currentMap(for: snapshot.result)?.size ?? 0
        if a.overview {
            switch action {
            case .moveUp: a.layer -= 1
            case .moveDown: a.layer += 1
            case .moveLeft: a.head -= 1
            case .moveRight: a.head += 1
            case .toggleOverview: a.overview = false; a.view = .head
            default: break
            }
        } else {
            switch action {
            case .moveUp: a.row -= 1
            case .moveDown: a.row += 1
            case .moveLeft: a.column -= 1
            case .moveRight: a.column += 1
            case .pageUp: a.row -= 10
            case .pageDown: a.row += 10
            case .layerPrevious: a.layer -= 1
            case .layerNext: a.layer += 1
            case .headPrevious: a.head -= 1
            case .headNext: a.head += 1
            case .cycleView:
                let all = AttentionViewKind.allCases
                a.view = all[(all.firstIndex(of: a.view)! + 1) % all.count]
            case .toggleWords: a.words.toggle()
            case .toggleSpecial: a.hideSpecial.toggle()
            case .toggleOverview: a.overview = true
            case .toggleFocusMode: a.focusMode.toggle()
            default: break
            }
        }
        a.layer = (a.layer + layers) % layers
        a.head = (a.head + heads) % heads
        a.row = max(0, min(max(0, size - 1), a.row))
        a.column = max(0, min(max(0, size - 1), a.column))
        attention = a
    }

    private func handleHelp(_ key: Key, scroll: Int) {
        switch key {
        case .down, .char("j"): overlay = .help(scroll: scroll + 1)
        case .up, .char("k"): overlay = .help(scroll: max(0, scroll - 1))
        case .pageDown: overlay = .help(scroll: scroll + 10)
        case .pageUp: overlay = .help(scroll: max(0, scroll - 10))
        case .ctrl("c"): quit()
        default: overlay = .none
        }
    }

    private func handleCommand(_ key: Key, editor: inout LineEditor) {
        switch key {
        case .escape: overlay = .none
        case .ctrl("c"): quit()
        case .enter:
            overlay = .none
            run(command: editor.text)
        case .tab:
            if let completed = Commands.complete(editor.text, workbench: self) { editor.text = completed }
            overlay = .command(editor)
        default:
            editor.handle(key)
            overlay = .command(editor)
        }
    }

    func cycleTheme() {
        let names = themes.names
        guard !names.isEmpty else { notice = Notice(text: "no themes found", isError: true); return }
        let next = names[((names.firstIndex(of: theme.name) ?? -1) + 1) % names.count]
        applyTheme(next)
    }

    func applyTheme(_ name: String) {
        do {
            theme = try themes.load(name)
            notice = Notice(text: "theme \(theme.name)", isError: false)
        } catch {
            notice = Notice(text: "\(error)", isError: true)
        }
    }

    private func click(x: Int, y: Int, button: Key.MouseButton) {
        if case .help = overlay { overlay = .none; return }
        switch button {
        case .wheelUp: return perform(focus == .tokens ? .moveUp : .layerPrevious)
        case .wheelDown: return perform(focus == .tokens ? .moveDown : .layerNext)
        case .left: break
        }
        if let hit = hitAreas.hit(x: x, y: y) {
            switch hit {
            case .inputA: focus = .inputA
            case .inputB: focus = .inputB
            case .token(let i): focus = .tokens; selectedToken = i
            case .cell(let r, let c): focus = .attention; attention.row = r; attention.column = c
            case .head(let l, let h): focus = .attention; attention.layer = l; attention.head = h; attention.overview = false; attention.view = .head
            case .pane(let f): focus = f
            case .mask(let i): focus = .predictions; predictions.selectedMask = i
            }
        }
    }
}

extension Workbench {
    /// Enter on an input line: the line joins the history, and the notice
    /// says whether it reached the history file.
    func keepInHistory() {
        do {
            try history.add(focusedEditor.text)
            notice = Notice(text: history.file == nil ? "kept in history (this session only)" : "kept in history", isError: false)
        } catch {
            notice = Notice(text: "\(error)", isError: true)
        }
    }
}

extension Workbench {
    /// A paste is text, whatever it contains: one edit of the focused input
    /// line (line A when a pane has focus), newlines and tabs as spaces,
    /// other control characters dropped. One edit means one encoding.
    func paste(_ text: String) {
        let clean = String(String.UnicodeScalarView(text.unicodeScalars.compactMap { s -> Unicode.Scalar? in
            if s == "\n" || s == "\r" || s == "\t" { return " " }
            return s.value < 0x20 || s.value == 0x7F ? nil : s
        }))
        if case .command(var editor) = overlay {
            editor.insert(clean)
            overlay = .command(editor)
            return
        }
        overlay = .none
        if !focus.isInput { focus = .inputA }
        focusedEditor.insert(clean)
        history.stopBrowsing()
        textChanged()
    }
}
