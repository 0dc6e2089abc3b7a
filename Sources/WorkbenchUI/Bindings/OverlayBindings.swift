/// The help overlay's and the command line's keys as records, so the help
/// and docs/workbench.md list them with the panes' (helix: overlays are
/// layers that take the keys they bind and close or pass on the rest).
enum OverlayBindings {
    static let all: [Binding] = [
        .state([.down, .char("j")], .helpOverlay, "scroll the help down") { s, _ in scrollHelp(&s, 1) },
        .state([.up, .char("k")], .helpOverlay, "scroll the help up") { s, _ in scrollHelp(&s, -1) },
        .state([.pageDown], .helpOverlay, "scroll the help down a page") { s, _ in scrollHelp(&s, 10) },
        .state([.pageUp], .helpOverlay, "scroll the help up a page") { s, _ in scrollHelp(&s, -10) },
        .state([.escape, .char("q"), .char("?")], .helpOverlay, "close the help (so does any other key)") { s, _ in
            s.overlay = .none
        },
        .state([.escape], .commandLine, "cancel the command") { s, _ in s.overlay = .none },
        Binding([.enter], .commandLine, "run the command") { s, _ in
            guard case .command(let editor) = s.overlay else { return .none }
            s.overlay = .none
            return .runCommand(editor.text)
        },
        .effect([.tab], .commandLine, "complete the command's name or its argument", .completeCommand),
        .state([.ctrl("p")], .helpOverlay, "search the commands and keys instead (the palette)") { s, _ in
            s.overlay = .palette(PaletteState())
        },
        .state([.down, .ctrl("n")], .palette, "next entry") { s, _ in movePalette(&s, 1) },
        .state([.up, .ctrl("p")], .palette, "previous entry") { s, _ in movePalette(&s, -1) },
        .state([.pageDown], .palette, "ten entries down") { s, _ in movePalette(&s, 10) },
        .state([.pageUp], .palette, "ten entries up") { s, _ in movePalette(&s, -10) },
        Binding(
            [.enter], .palette,
            "run the highlighted key where it applies, or the command (one that takes an argument opens the command line with its name)"
        ) { s, _ in
            guard case .palette(let p) = s.overlay, let e = CommandPalette.matches(p.query.text, s)[safe: p.selected]
            else { return .none }
            return CommandPalette.pick(e, &s)
        },
        .state([.escape], .palette, "close the palette (typing filters the list)") { s, _ in s.overlay = .none },
    ]

    private static func movePalette(_ s: inout WorkbenchState, _ delta: Int) {
        guard case .palette(var p) = s.overlay else { return }
        p.selected = clamped(p.selected + delta, CommandPalette.matches(p.query.text, s).count)
        s.overlay = .palette(p)
    }

    private static func scrollHelp(_ s: inout WorkbenchState, _ delta: Int) {
        guard case .help(let scroll) = s.overlay else { return }
        s.overlay = .help(scroll: max(0, scroll + delta))
    }
}

/// What the mouse does, by gesture, as the help lists it; `Workbench.click`
/// resolves the target under the pointer from the last frame's hit areas.
enum MouseBindings {
    struct Gesture: Sendable {
        let gesture: String, help: String
    }

    static let all: [Gesture] = [
        Gesture(
            gesture: "click", help: "a token, a heatmap cell, a head, a mask or a pane selects it and focuses its pane"),
        Gesture(gesture: "click", help: "an input line edits it; anywhere on the help or the palette closes it"),
        Gesture(gesture: "wheel", help: "in the tokens pane: the previous or next token; elsewhere: the layer"),
    ]
}
