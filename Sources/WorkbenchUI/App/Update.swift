import Analysis
import Session

/// What key handling reads besides the state: the sizes cursors stay
/// within, the last frame's hit areas (clicks), and the attention map on
/// screen (selections follow tokens, not rows).
struct FrameFacts {
    var extent: Extent
    var hits = HitAreas()
    var map: AttentionMap?
}

/// One event applied to the state, purely: keys through the binding
/// records (overlays first, then the focused part's context bubbling out),
/// clicks through the hit areas, text into the input line. What needs I/O
/// or the session comes back as effects for the controller to run.
enum Update {
    static func update(_ state: WorkbenchState, _ event: Key, _ f: FrameFacts) -> (WorkbenchState, [Effect]) {
        var s = state
        let effects = apply(event, to: &s, f)
        // A token the user picks wins over a tour step's pending one.
        if s.tokens.selected != state.tokens.selected { s.pendingSelect = nil }
        return (s, effects)
    }

    private static func apply(_ event: Key, to s: inout WorkbenchState, _ f: FrameFacts) -> [Effect] {
        switch event {
        case .resize: return []
        case .paste(let text): return paste(text, into: &s)
        case .mouse(let x, let y, let button): return click(x: x, y: y, button, &s, f)
        default: break
        }
        switch s.overlay {
        case .help: return overlay(event, .helpOverlay, &s, f) ?? close(&s)
        case .modelInfo: return event == .ctrl("c") ? [.quit] : close(&s)
        case .command(var editor):
            if let effects = overlay(event, .commandLine, &s, f) { return effects }
            editor.handle(event)
            s.overlay = .command(editor)
            return []
        case .palette(var p):
            if let effects = overlay(event, .palette, &s, f) { return effects }
            let revision = p.query.revision
            p.query.handle(event)
            // A new filter starts at its best match.
            if p.query.revision != revision { p.selected = 0 }
            s.overlay = .palette(p)
            return []
        case .none: break
        }
        // A tour step that asks takes typing as the learner's answer.
        if let effects = TourBanner.answer(event, &s, f.extent) { return effects }
        if let b = KeyMap.binding(for: event, in: s.keyChain) { return run(b, &s, f) }
        guard s.focus.isInput else { return [] }
        let revision = s.focusedEditor.revision
        // An edit makes the line the user's own again: history browsing stops and the text is encoded.
        return s.focusedEditor.handle(event) && s.focusedEditor.revision != revision ? [.textEdited] : []
    }

    /// Runs a binding in the focused context: one that cannot act says why
    /// instead; a panel gives way to another view; selections follow tokens.
    private static func run(_ b: Binding, _ s: inout WorkbenchState, _ f: FrameFacts) -> [Effect] {
        if let why = b.disabled(s, f.extent) {
            s.say(why)
            return []
        }
        let before = s, context = s.context
        let effect = b.run(&s, f.extent)
        s.attention.closePanelUnderOtherViews()
        linkSelections(&s, from: context, before: before, f.map, tokenMap: f.extent.tokenMap)
        return effect == .none ? [] : [effect]
    }

    /// The palette's pick: the binding at `index` runs as if its key were
    /// pressed in the part it belongs to (focused first), or says why not.
    static func runPicked(_ index: Int, _ state: WorkbenchState, _ f: FrameFacts) -> (WorkbenchState, [Effect]) {
        var s = state
        guard let b = KeyMap.bindings[safe: index] else { return (s, []) }
        CommandPalette.focusHome(of: b.context, &s)
        if let why = CommandPalette.closedView(b, s) {
            s.say(why)
            return (s, [])
        }
        let effects = run(b, &s, f)
        return (s, effects)
    }

    /// An overlay's own keys (and Ctrl-C); nil when it does not bind `key`.
    private static func overlay(_ key: Key, _ context: Context, _ s: inout WorkbenchState, _ f: FrameFacts) -> [Effect]?
    {
        guard let b = KeyMap.binding(for: key, in: [context, .global]), b.context == context || key == .ctrl("c")
        else { return nil }
        let effect = b.run(&s, f.extent)
        return effect == .none ? [] : [effect]
    }

    private static func close(_ s: inout WorkbenchState) -> [Effect] {
        s.overlay = .none
        return []
    }

    /// A paste is text, whatever it contains: one edit of the focused input
    /// line (line A when a pane has focus), newlines and tabs as spaces,
    /// other control characters dropped. One edit means one encoding.
    private static func paste(_ text: String, into s: inout WorkbenchState) -> [Effect] {
        let clean = String(
            String.UnicodeScalarView(
                text.unicodeScalars.compactMap { u -> Unicode.Scalar? in
                    if u == "\n" || u == "\r" || u == "\t" { return " " }
                    return u.value < 0x20 || u.value == 0x7F ? nil : u
                }))
        if case .command(var editor) = s.overlay {
            editor.insert(clean)
            s.overlay = .command(editor)
            return []
        }
        if case .palette(var p) = s.overlay {
            p.query.insert(clean)
            p.selected = 0
            s.overlay = .palette(p)
            return []
        }
        s.overlay = .none
        if !s.focus.isInput { s.focus = .inputA }
        s.focusedEditor.insert(clean)
        return [.textEdited]
    }
}

extension WorkbenchState {
    /// The contexts a key tries, in order: a tour's keys first while a pane
    /// has focus (an input line keeps Space and ← → for typing), then the
    /// focused part's context bubbling out.
    var keyChain: [Context] { (tour != nil && !focus.isInput ? [Context.tour] : []) + context.chain }
}

extension Update {
    /// Selections are tokens, not row numbers: a query row or key column
    /// moved in the attention pane (or a panel over it) selects its first
    /// token, and every other change (a token chosen, the map regrouped by
    /// `w` or `s`, another view) puts the cursor back on the selected tokens.
    static func linkSelections(
        _ s: inout WorkbenchState, from context: Context, before: WorkbenchState, _ map: AttentionMap?,
        tokenMap: Bool = false
    ) {
        let moves = context == .attention || context == .pooledMap || context.isPanel
        guard let map, map.size > 0 else {
            // A long input's map read by bands: its rows and columns are the tokens.
            guard tokenMap else { return }
            if moves { s.tokens.selected = s.attention.row; s.attention.keyToken = s.attention.column }
            s.attention.row = s.tokens.selected; s.attention.column = s.attention.keyToken
            return
        }
        let a = s.attention
        if moves, a.row != before.attention.row, map.groups.indices.contains(a.row) {
            s.tokens.selected = map.groups[a.row][0]
        }
        if moves, a.column != before.attention.column, map.groups.indices.contains(a.column) {
            s.attention.keyToken = map.groups[a.column][0]
        }
        followSelectedTokens(&s, map)
    }

    /// The cursor on the rows and columns that show the selected tokens.
    static func followSelectedTokens(_ s: inout WorkbenchState, _ map: AttentionMap) {
        s.attention.row = map.group(holding: s.tokens.selected)
        s.attention.column = map.group(holding: s.attention.keyToken)
    }

    /// The mouse: the help and the palette close on any click; the wheel
    /// moves the token in the tokens pane, else the layer; a click selects
    /// what is under it.
    private static func click(x: Int, y: Int, _ button: Key.MouseButton, _ s: inout WorkbenchState, _ f: FrameFacts)
        -> [Effect]
    {
        switch s.overlay {
        case .help, .palette: return close(&s)
        default: break
        }
        let before = s
        switch button {
        case .wheelUp, .wheelDown:
            let delta = button == .wheelUp ? -1 : 1
            if s.focus == .tokens {
                s.tokens.selected = clamped(s.tokens.selected + delta, f.extent.tokens)
                linkSelections(&s, from: .tokens, before: before, f.map, tokenMap: f.extent.tokenMap)
            } else {
                s.attention.layer = wrapped(s.attention.layer, delta, f.extent.layers)
            }
            return []
        case .left: break
        }
        guard let hit = f.hits.hit(x: x, y: y) else { return [] }
        switch hit {
        case .inputA: s.focus = .inputA
        case .inputB: s.focus = .inputB
        case .token(let i):
            s.focus = .tokens; s.tokens.selected = i
            linkSelections(&s, from: .tokens, before: before, f.map, tokenMap: f.extent.tokenMap)
        case .cell(let r, let c):
            s.focus = .attention; s.attention.row = r; s.attention.column = c
            linkSelections(&s, from: .attention, before: before, f.map, tokenMap: f.extent.tokenMap)
        case .head(let l, let h):
            s.focus = .attention
            s.attention.layer = l; s.attention.head = h; s.attention.overview = false
            s.attention.view = .head
            s.attention.finder = nil
        case .pane(let p): s.focus = p
        case .mask(let i): s.focus = .predictions; s.predictions.selectedMask = i
        }
        return []
    }
}
