import Testing
@testable import WorkbenchUI

/// Ctrl-P: every command and key from the binding records, fuzzy-filtered,
/// the highlighted one run by Enter where it applies.
@Suite struct CommandPaletteTests {
    func tokensState() -> WorkbenchState {
        var s = WorkbenchState(text: "the cat sat")
        s.focus = .tokens
        return s
    }

    @Test func fuzzyMatchingPrefersStartsAndRuns() throws {
        #expect(FuzzyMatch.score("ovw", in: "overview") != nil)
        #expect(FuzzyMatch.score("wvo", in: "overview") == nil)
        #expect(FuzzyMatch.score("", in: "anything") == 0)
        let layer = try #require(FuzzyMatch.score("lay", in: "layer"))
        let play = try #require(FuzzyMatch.score("lay", in: "play"))
        let scattered = try #require(FuzzyMatch.score("lay", in: "a long array"))
        let wordStart = try #require(FuzzyMatch.score("lay", in: "next layer"))
        #expect(layer > wordStart && wordStart > play && play > scattered)
        // Every term must match, in any order.
        #expect(FuzzyMatch.score("head next", in: "next head") != nil)
        #expect(FuzzyMatch.score("head zebra", in: "next head") == nil)
    }

    /// The list is the records: each binding but the overlays' own, each command, once.
    @Test func everyKeyAndCommandIsListedFromTheRecords() {
        let entries = CommandPalette.entries(tokensState())
        let keys = KeyMap.bindings.filter { !CommandPalette.ownKeys.contains($0.context) }
        #expect(entries.count == keys.count + Commands.all.count + Glossary.all.count)
        for b in keys {
            #expect(entries.contains { $0.help == b.help && $0.place == b.context.rawValue }, "\(b.help)")
        }
        for c in Commands.all { #expect(entries.contains { $0.keys == c.usage && $0.help == c.help }) }
        #expect(entries.first?.place == Context.tokens.rawValue, "the focused pane's keys come first")
        #expect(KeyMap.helpLines.contains { $0.context == .palette }, "the help lists the palette's keys")
    }

    @Test func typingFiltersBestFirst() {
        let s = tokensState()
        #expect(CommandPalette.matches("overv", s).first?.keys == "o")
        #expect(CommandPalette.matches("lay", s).first?.keys == ":layer N")
        #expect(CommandPalette.matches("M", s).first?.help == "mask / unmask the whole word (all its pieces)")
        #expect(CommandPalette.matches("m", s).first?.help == "mask / unmask the selected token")
        #expect(CommandPalette.matches("qqzzx", s).isEmpty)
    }

    @Test func ctrlPOpensTypingFiltersEscCloses() {
        let f = FrameFacts(extent: Extent(tokens: 5, mapSize: 5, layers: 2, heads: 2))
        for focus in [Focus.tokens, .inputA, .attention] {
            var s = tokensState()
            s.focus = focus
            (s, _) = Update.update(s, .ctrl("p"), f)
            #expect(s.overlay == .palette(PaletteState()), "\(focus)")
            for c in "q?x" { (s, _) = Update.update(s, .char(c), f) }
            guard case .palette(let p) = s.overlay else { Issue.record("closed by typing"); return }
            #expect(p.query.text == "q?x" && s.editorA.text == "the cat sat")
            (s, _) = Update.update(s, .down, f)
            (s, _) = Update.update(s, .escape, f)
            #expect(s.overlay == .none && s.focus == focus)
        }
        // From the help, Ctrl-P searches what it lists.
        var s = tokensState()
        (s, _) = Update.update(s, .char("?"), f)
        (s, _) = Update.update(s, .ctrl("p"), f)
        #expect(s.overlay == .palette(PaletteState()))
    }

    /// Enter on a key runs it where it applies (its pane focused first).
    @Test func enterRunsTheHighlightedKey() {
        let w = makeWorkbench("the cat sat on the mat")
        w.state.focus = .tokens
        w.pick("overv")
        #expect(w.state.overlay == .none && w.state.focus == .attention && w.state.attention.overview)
        // A key that cannot act says why, as pressing it would.
        w.state.focus = .tokens
        w.pick("a long text: the next window")
        #expect(w.state.notice?.text == "no other window: this text fits in one")
        // A key of a view that is not open says so.
        w.pick("close the head finder")
        #expect(w.state.notice?.text.contains("only in the head finder") == true && w.state.attention.finder == nil)
    }

    /// A command that takes an argument opens the command line with its name; one that takes none runs.
    @Test func enterOnACommand() {
        let w = makeWorkbench("the cat")
        w.state.focus = .tokens
        w.pick(":layer N")
        #expect(w.state.overlay == .command(LineEditor("layer ")))
        w.type("2")
        w.press(.enter)
        #expect(w.state.attention.layer == 1)
        w.pick(":stop")
        #expect(w.state.overlay == .none && w.state.notice?.text == "not recording")
    }

    /// Drawn at any size without a crash; at 80×24 the filter, the best match and the count show.
    @Test func drawnAtEverySize() {
        let w = makeWorkbench("the cat sat")
        w.state.focus = .tokens
        w.press(.ctrl("p"))
        w.type("mask")
        for (width, height) in [(1, 1), (20, 5), (39, 9), (40, 10), (44, 12), (80, 24), (250, 70)] {
            _ = w.render(width: width, height: height)
        }
        let g = w.render(width: 80, height: 24)
        #expect(g.contains("› mask") && g.contains("mask / unmask the selected") && g.contains(" of "))
    }
}

extension Workbench {
    /// Ctrl-P, `query` typed, Enter: the palette's best match runs.
    fileprivate func pick(_ query: String) {
        press(.ctrl("p"))
        type(query)
        press(.enter)
    }
}
