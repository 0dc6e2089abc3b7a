import Testing
@testable import WorkbenchUI

/// The focused pane's few keys on its bottom border: from the binding
/// records, changing with focus and context, never a key that cannot act.
@Suite struct HintLineTests {
    func line(_ s: WorkbenchState, _ e: Extent = Extent(tokens: 8, mapSize: 8, layers: 2, heads: 3)) -> String {
        KeyHints.hints(s, e).map { $0.keys + " " + $0.label }.joined(separator: "  ")
    }

    func state(_ focus: Focus) -> WorkbenchState {
        var s = WorkbenchState(text: "the bank of the river")
        s.focus = focus
        return s
    }

    @Test func hintsFollowFocusAndContext() {
        #expect(line(state(.inputA)) == "Esc panes  Enter keep  ↑ ↓ history  Ctrl-P all keys")
        #expect(line(state(.tokens)) == "← → token  m mask  M whole word  Ctrl-P all keys")
        // Five of its own: no room for the palette's.
        #expect(line(state(.attention)) == "[ ] layer  , . head  o overview  P patch  g find head")
        var s = state(.attention)
        s.attention.overview = true
        #expect(line(s).contains("Enter open") && line(s).contains("↑ ↓ layer") && !line(s).contains("overview"))
        s.attention.overview = false
        s.attention.finder = HeadFinderState()
        #expect(line(s) == "↑ ↓ head  ← → measure  Enter open  Esc close  Ctrl-P all keys")
        #expect(line(state(.probing)) == "r representation  c corpus  Ctrl-P all keys")
        // The teaching panels say how to leave them (and the arithmetic how to step through dₕ).
        s.attention.finder = nil
        s.attention.panel = .arithmetic
        #expect(line(s).hasPrefix("x close  { } dimension  "), "\(line(s))")
        s.attention.panel = .anatomy
        #expect(line(s).hasPrefix("A close  "), "\(line(s))")
        #expect(KeyHints.hints(state(.attention), Extent()).count <= KeyHints.limit)
    }

    /// A key that would only say why it cannot act is not offered.
    @Test func disabledBindingsAreNotHinted() {
        var e = Extent(tokens: 8)
        #expect(line(state(.predictions), e) == "b masking lab  Ctrl-P all keys")
        e.masks = 2
        #expect(line(state(.predictions), e) == "↑ ↓ mask  T temperature  b masking lab  Ctrl-P all keys")
        e.masks = 0; e.taskTokens = 8; e.labels = 2
        #expect(line(state(.predictions), e) == "b masking lab  e method  c class  ← → token  Ctrl-P all keys")
        var lab = state(.predictions)
        lab.labSeed = 1
        #expect(line(lab, e).contains("x leave lab"))
        e.probes = 3
        #expect(line(state(.probing), e) == "← → task  r representation  c corpus  Ctrl-P all keys")
        // The corpus view's keys are offered only when they can act: an index, then matches on screen.
        var corpus = state(.probing)
        corpus.probing.corpus = true
        #expect(!line(corpus, e).contains("[ ] layer"))
        e.corpusLayers = [0, 6]
        #expect(line(corpus, e).contains("[ ] layer") && !line(corpus, e).contains("Enter open"))
        e.corpusMatches = 5
        #expect(line(corpus, e).contains("↓ match") && line(corpus, e).contains("Enter open"))
    }

    /// During a tour ← → step the tour: the tokens pane does not offer them.
    @Test func keysAnotherContextTakesAreNotHinted() {
        var s = state(.tokens)
        s.tour = TourPlayback(tour: Tour(title: "t", steps: [Tour.Step()]))
        #expect(line(s) == "m mask  M whole word  Ctrl-P all keys")
    }

    /// At 80×24, 160×48 and 250×70 the hints sit on the focused pane's
    /// bottom border, the tabs and the status line as they were.
    @Test func theHintLineFitsBesideWhatIsShown() {
        let w = makeWorkbench("The bank of the river")
        for (width, height) in [(80, 24), (160, 48), (250, 70)] {
            for (focus, hint) in [(Focus.tokens, "m mask"), (.attention, "o overview"), (.inputA, "Esc panes")] {
                w.state.focus = focus
                let g = w.render(width: width, height: height)
                let pane = FrameLayout.compute(width: width, height: height, w.state, predictions: false)
                    .rect(of: focus.isInput ? .tokens : focus)!
                let border = g.line(pane.maxY - 1)
                #expect(border.contains(hint), "\(width)×\(height) \(focus): \(border)")
                let status = g.line(height - 1)
                // (At 80 columns this model's long name leaves no room for "? help", with or without hints.)
                #expect(status.contains("tiny-bert") && (width == 80 || status.contains("? help  q quit")), "\(status)")
                if width == 80 { #expect(border.contains(focus == .attention ? "Attention ─ Probing" : "Tokens ─")) }
            }
        }
        w.state.focus = .attention
        #expect(w.render(width: 80, height: 24).contains("g find head"), "all five attention keys fit at 80×24")
    }
}
