import Session

/// Bindings that apply anywhere, on the input lines, and in every pane.
enum GlobalBindings {
    static let all: [Binding] = [
        .effect([.ctrl("c")], .global, "quit", .quit),
        .state([.tab], .global, "next part (input A, input B, tokens, attention, predictions, probing)") { s, _ in
            s.focus = s.focus.next
        },
        .state([.backTab], .global, "previous part") { s, _ in s.focus = s.focus.previous },
        .state([.function(1)], .global, "help") { s, _ in s.overlay = .help(scroll: 0) },
        .effect([.ctrl("l")], .global, "redraw the whole screen", .repaint),
        .state([.ctrl("p")], .global, "command palette: every command and key, filtered as you type; Enter runs one") {
            s, _ in s.overlay = .palette(PaletteState())
        }.hint("all keys"),
        .state([.escape], .input, "leave the input line for the panes (then q quits)") { s, _ in s.focus = .tokens }
            .hint("panes"),
        .effect([.enter], .input, "keep the sentence in history", .keepInHistory).hint("keep"),
        .effect([.up], .input, "previous sentence from history", .historyPrevious).hint("history"),
        .effect([.down], .input, "next sentence from history", .historyNext).hint("history"),
        .effect([.char("q")], .panes, "quit", .quit),
        .state([.char("?")], .panes, "this help") { s, _ in s.overlay = .help(scroll: 0) },
        .state([.char(":")], .panes, "command line (" + Commands.all.map { ":" + $0.name }.joined(separator: " ") + ")")
        { s, _ in
            s.overlay = .command(LineEditor())
        },
        .state([.char("z")], .panes, "zoom the focused pane to full screen and back") { s, _ in s.zoomed.toggle() },
        Binding([.char("<")], .panes, "a long text: the previous window (every pane shows the window)") { s, e in
            s.window = max(0, min(e.windows - 1, s.window) - 1)
            return .inputChanged
        }.unless { s, e in
            e.windows > 1
                ? (s.window == 0 ? "window 1 is the first" : nil) : "no other window: this text fits in one"
        },
        Binding([.char(">")], .panes, "a long text: the next window") { s, e in
            s.window = min(e.windows - 1, s.window + 1)
            return .inputChanged
        }.unless { s, e in
            e.windows > 1
                ? (s.window >= e.windows - 1 ? "window \(e.windows) is the last" : nil)
                : "no other window: this text fits in one"
        },
        .state([.char("i"), .char("/")], .panes, "edit the sentence") { s, _ in s.focus = .inputA },
        .effect([.char("t")], .panes, "next theme", .nextTheme),
        .state([.char("I")], .panes, "model info: family, parameters, tokenizer, heads, dtype, size") { s, _ in
            s.overlay = .modelInfo
        },
        .effect([.char("n")], .panes, "next sample sentence", .nextSample),
        Binding(
            [.char("L")], .panes,
            "whose layers the attention (its arithmetic and anatomy) and probing show, in turn: published → each head's retrained ones"
        ) { s, e in
            s.layers = e.layerChoices[wrapped((e.layerChoices.firstIndex(of: s.layers) ?? 0), 1, e.layerChoices.count)]
            return .inputChanged
        }.unless { _, e in
            e.layerChoices.count > 1 ? nil : "this model's heads all run on its published layers"
        },
    ]
}

extension Focus {
    var next: Focus { Focus(rawValue: (rawValue + 1) % Focus.allCases.count)! }
    var previous: Focus { Focus(rawValue: (rawValue + Focus.allCases.count - 1) % Focus.allCases.count)! }
}

/// Keeps `v` in 0..<count (0 when empty).
func clamped(_ v: Int, _ count: Int) -> Int { max(0, min(count - 1, v)) }

/// Steps `v` by `delta` around 0..<count.
func wrapped(_ v: Int, _ delta: Int, _ count: Int) -> Int { count > 0 ? ((v + delta) % count + count) % count : 0 }
