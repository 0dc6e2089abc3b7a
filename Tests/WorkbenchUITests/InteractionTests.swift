import Analysis
import Encoder
import Foundation
import Session
import Testing
import TestSupport
import Tokenizers
@testable import WorkbenchUI

@Suite struct InteractionTests {
    @Test func typingReencodesAndEscapeLeavesTheInput() {
        let w = makeWorkbench("")
        w.type("the cat")
        #expect(w.snapshot.result?.encoding.tokens == ["[CLS]", "the", "[UNK]", "[SEP]"])
        #expect(w.state.focus == .inputA)
        w.press(.char("q"))  // text while typing, not quit
        #expect(w.state.editorA.text == "the catq" && !w.shouldQuit)
        w.press(.backspace, .escape)
        #expect(w.state.focus == .tokens)
        w.press(.char("q"))
        #expect(w.shouldQuit)
    }

    @Test func tokensPaneSelectionAndXRay() {
        let w = makeWorkbench("The Café")
        w.press(.escape, .left, .right)
        #expect(w.state.tokens.selected == 1)
        var g = w.render(width: 120, height: 40)
        #expect(g.contains("x-ray"))
        #expect(g.contains("word 1 in A (id 0)"), "words count from 1, as layers and heads do")
        #expect(g.contains("lowercase") && g.contains("strip accents"))
        let pre = try! #require(g.row(containing: "pre-tokens"))
        #expect(g.line(pre).contains("the"))
        w.press(.right)
        g = w.render(width: 120, height: 40)
        #expect(g.contains("cafe"))
        #expect(g.contains("← \"fe\" not in vocab"))
        #expect(g.text.contains("✗ no") && g.text.contains("piece matches"))  // the x-ray wraps at word boundaries
        w.press(.end)
        #expect(w.state.tokens.selected == 3)
    }

    @Test func unknownBecauseTooLongIsExplained() {
        let w = makeWorkbench(String(repeating: "a", count: 120))
        w.state.focus = .tokens
        w.state.zoomed = true  // the x-ray of a 120-character word is tall
        let g = w.render(width: 120, height: 40)
        #expect(g.contains("← 120 chars"))
        #expect(g.contains("120 characters >") && g.contains("max_input_chars_per_word (100) → [UNK]"))
    }

    /// Keys arriving together (a batch) still ask the session for attention flow when the batch ends.
    @Test func flowIsAskedForAfterABatchOfKeys() {
        let w = makeWorkbench("the cat sat")
        w.beginBatch()
        w.press(.tab, .tab, .tab, .char("v"), .char("v"), .char("v"))
        #expect(w.state.attention.view == .flow && w.snapshot.input.flowLayer == nil)
        w.endBatch()
        #expect(w.snapshot.input.flowLayer == 0)
        w.session.waitUntilIdle()
        #expect(
            w.snapshot.result?.flow?.map != nil
                && !w.render(width: 120, height: 40).contains("computing attention flow"))
    }

    @Test func attentionKeysChangeLayerHeadAndView() throws {
        let w = makeWorkbench("the cat sat on the mat")
        w.press(.tab, .tab, .tab)
        #expect(w.state.focus == .attention)
        w.press(.char("."), .char("."), .char("]"))
        #expect(w.state.attention.head == 2 && w.state.attention.layer == 1)
        var g = w.render(width: 120, height: 40)
        #expect(g.contains("Attention · layer 2/3 · head 3/4"))
        w.press(.char(","), .char(","), .char(","))  // wraps around
        #expect(w.state.attention.head == 3)
        w.press(.char("v"))
        #expect(w.render(width: 120, height: 40).contains("mean of 4 heads"))
        w.press(.char("v"))
        #expect(w.render(width: 120, height: 40).contains("rollout through layer 2"))
        // Attention flow beside it: computed by the session after the trace, then shown.
        w.press(.char("v"))
        #expect(w.currentInput.flowLayer == 1)
        w.session.waitUntilIdle()
        #expect(w.render(width: 120, height: 40).contains("attention flow through layer 2"))
        let trace = try #require(w.snapshot.result?.trace)
        #expect(w.currentMap(for: w.snapshot.result)?.values == AttentionFlow.map(trace, throughLayer: 1).values)
        w.press(.char("]"))  // a layer up: the flow follows
        #expect(w.snapshot.input.flowLayer == 2)
        w.session.waitUntilIdle()
        #expect(w.currentMap(for: w.snapshot.result)?.values == AttentionFlow.map(trace, throughLayer: 2).values)
        w.press(.char("["))
        // Then the context-mixing views, and back to the head.
        w.press(.char("v"))
        #expect(w.currentInput.flowLayer == nil)
        #expect(w.render(width: 120, height: 40).contains("head 4/4 · ‖αf(x)‖"))
        w.press(.char("v"))
        #expect(w.render(width: 120, height: 40).contains("‖Σαf(x)‖ over heads"))
        w.press(.char("v"))
        #expect(w.render(width: 120, height: 40).contains("‖αf(x)‖ + residual, LayerNorm"))
        w.press(.char("v"))
        #expect(w.render(width: 120, height: 40).contains("· value zeroing"))
        // Rollout over value zeroing: the plain product of the layers' maps (they hold the residual already).
        w.press(.char("v"))
        #expect(w.render(width: 120, height: 40).contains("value-zeroing rollout through layer 2"))
        let zeroing = try (0...1).map { try tinyModel.encoder.valueZeroing(trace, layer: $0) }
        let n = trace.tokens
        let product = (0..<n * n).map { k in
            (0..<n).reduce(Float(0)) { $0 + zeroing[1][(k / n) * n + $1] * zeroing[0][$1 * n + k % n] }
        }
        #expect(
            zip(try #require(w.currentMap(for: w.snapshot.result)).values, product).allSatisfy { abs($0 - $1) < 1e-6 })
        w.press(.char("v"), .char("w"))
        #expect(w.render(width: 120, height: 40).contains("to a word: sum over its pieces; from a word: mean"))
        w.press(.char("s"))
        g = w.render(width: 120, height: 40)
        #expect(g.contains("head 4/4 · words · [CLS]/[SEP] hidden"))
        #expect(w.currentMap(for: w.snapshot.result)?.groups.contains([0]) == false)
        w.press(.down, .right, .char("f"))
        #expect(w.render(width: 120, height: 40).contains("ranked"))
    }

    @Test func overviewPicksAHead() {
        let w = makeWorkbench("the cat sat")
        w.state.focus = .attention
        w.press(.char("o"))
        var g = w.render(width: 120, height: 40)
        #expect(g.contains("All heads · 3 layers × 4 heads"))
        #expect(g.contains("H4") && g.contains("L3"))
        w.press(.down, .down, .right, .enter)
        #expect(!w.state.attention.overview && w.state.attention.layer == 2 && w.state.attention.head == 1)
        g = w.render(width: 120, height: 40)
        #expect(g.contains("layer 3/3 · head 2/4"))
    }

    @Test func commandLineAndCompletion() {
        let w = makeWorkbench("the cat")
        w.state.focus = .tokens
        w.press(.char(":"))
        for c in "la" { w.press(.char(c)) }
        w.press(.tab)
        guard case .command(let ed) = w.state.overlay else { Issue.record("no command line"); return }
        #expect(ed.text == "layer")
        w.press(.char(" "), .char("3"), .enter)
        #expect(w.state.attention.layer == 2 && w.state.overlay == .none)
        w.run(command: "head 9")
        #expect(w.state.notice?.isError == true && w.state.notice?.text.contains(":head takes 1…4") == true)
        w.run(command: "theme nope")
        w.finishJobs()
        #expect(w.state.notice?.isError == true && w.theme.name == "dark")
        w.run(command: "bogus")
        #expect(w.render(width: 80, height: 24).line(23).contains("unknown command :bogus"))
        w.run(command: "view rollout")
        #expect(w.state.attention.view == .rollout)
        w.run(command: "sample trophy")
        #expect(w.state.editorA.text.hasPrefix("The trophy doesn't fit"))
        w.run(command: "sample pair")
        #expect(w.state.editorB.text == "He bought a gallon of milk.")
        w.run(command: "model /no/such/model")
        w.finishJobs()
        #expect(w.state.notice?.isError == true)
        w.run(command: "quit")
        #expect(w.shouldQuit)
    }

    /// "Which head sends *it* to *animal*?" in one key: `g` ranks every head by
    /// the cursor cell, Enter opens the best.
    @Test func theHeadFinderRanksEveryHeadForTheCursorCell() throws {
        let w = makeWorkbench("the cat sat on the mat")
        w.state.focus = .attention
        // The cursor cell is the selected tokens': query 2, key 5.
        w.state.tokens.selected = 2; w.state.attention.keyToken = 5
        w.press(.char("g"))
        let g = w.render(width: 120, height: 40)
        #expect(g.contains("heads ranked by attention") && g.contains("→"))
        let t = try #require(w.snapshot.result?.trace)
        // The ranking is every head's own map at that cell, best first.
        var best = (value: Float(-1), layer: 0, head: 0)
        for l in 0..<t.layers {
            for h in 0..<t.heads where t.attention(layer: l, head: h, row: 2, column: 5) > best.value {
                best = (t.attention(layer: l, head: h, row: 2, column: 5), l, h)
            }
        }
        w.press(.enter)
        #expect(
            w.state.attention.finder == nil && w.state.attention.layer == best.layer
                && w.state.attention.head == best.head)
        #expect(w.state.notice?.text.hasPrefix("layer \(best.layer + 1) head \(best.head + 1)") == true)
        // Ranked by a statistic: entropy, lowest first.
        w.press(.char("g"), .right)
        #expect(w.state.attention.finder?.criterion == .entropy)
        let v = try #require(w.deriver.finderView(w.snapshot.result!, w.state.attention))
        #expect(
            v.entries.count == t.layers * t.heads
                && zip(v.entries, v.entries.dropFirst()).allSatisfy { $0.value <= $1.value })
        w.press(.escape)
        #expect(w.state.attention.finder == nil && w.state.focus == .attention)
    }

    /// `s` in the overview hides the special tokens in every thumbnail too.
    @Test func hidingSpecialsAppliesToTheOverview() {
        let w = makeWorkbench("the cat sat")
        w.state.focus = .attention
        w.press(.char("o"))
        _ = w.render(width: 120, height: 40)
        let all = Deriver.overviewMaps(w.snapshot.result!, hideSpecial: false)[0].size
        w.press(.char("s"))
        #expect(w.state.attention.hideSpecial && w.state.attention.overview)
        let hidden = Deriver.overviewMaps(w.snapshot.result!, hideSpecial: true)[0].size
        #expect(hidden == all - 2, "[CLS] and [SEP] gone from the thumbnails")
    }

    /// A token chosen in the tokens pane is the attention query, and back.
    @Test func selectionsAreLinked() {
        let w = makeWorkbench("the cat sat on the mat")
        w.press(.escape, .right, .right)
        #expect(w.state.tokens.selected == 3 && w.state.attention.row == 3)
        w.press(.tab, .down)
        #expect(w.state.attention.row == 4 && w.state.tokens.selected == 4)
        w.press(.char("w"))  // word rows: the query row holds the token's word
        w.state.focus = .tokens
        w.press(.left)
        let map = w.currentMap(for: w.snapshot.result)!
        #expect(map.groups[w.state.attention.row].contains(w.state.tokens.selected))
    }

    /// The status bar's p95 covers recent keys: one slow first frame does not pin it.
    @Test func recentLatencyForgetsTheFirstSlowFrame() {
        let s = FrameStats(start: 0)
        s.keyArrived(at: 0)
        s.frameDrawn(current: true, at: 900_000_000)
        for k in 1...60 {
            s.keyArrived(at: UInt64(k) * 1_000_000_000)
            s.frameDrawn(current: true, at: UInt64(k) * 1_000_000_000 + 5_000_000)
        }
        #expect(s.percentile(0.95)! > 4 && s.recentPercentile(0.95)! == 5 && s.percentile(1)! == 900)
    }

    @Test func helpIsGeneratedFromTheKeyMap() {
        let w = makeWorkbench("the")
        w.state.focus = .tokens
        w.press(.char("?"))
        let g = w.render(width: 120, height: 60)
        for b in KeyMap.bindings.prefix(12) where b.help.count < 60 { #expect(g.contains(b.help), "\(b.help)") }
        // Every binding and every command is in the help, wrapped or not.
        let text = HelpOverlay.lines(width: 60).map { $0.0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        let squeezed = text.split(separator: " ").joined(separator: " ")
        for b in KeyMap.bindings {
            #expect(squeezed.contains(b.help.split(separator: " ").joined(separator: " ")), "\(b.help)")
        }
        for c in Commands.all {
            #expect(
                squeezed.contains(c.help) && squeezed.contains(c.usage),
                "\(c.name): \(HelpOverlay.lines(width: 60).filter { $0.0.contains(c.name) })")
        }
        #expect(
            KeyMap.bindings.first { $0.keys == [.char(":")] }!.help.contains(":gold"), "the : help lists every command")
        #expect(g.contains("Attention pane") && g.contains("previous layer"))
        w.press(.char("x"))
        #expect(w.state.overlay == .none)
    }

    @Test func zoomGivesTheFocusedPaneTheScreen() {
        let w = makeWorkbench("the cat")
        w.state.focus = .attention
        w.press(.char("z"))
        let g = w.render(width: 120, height: 40)
        #expect(g.contains("┌ Attention") && !g.contains("┌ Tokens"))
        #expect(g.columns(of: "┌ Attention", row: 2) == [0])
    }

    @Test func mouseSelectsTokensCellsAndHeads() {
        let w = makeWorkbench("the cat sat")
        var g = w.render(width: 120, height: 40)
        let row = try! #require(g.row(containing: "  2 [UNK]"))
        w.press(.mouse(x: 5, y: row, button: .left))
        #expect(w.state.focus == .tokens && w.state.tokens.selected == 2)
        // A heatmap cell: the second query's third key, clicked in its middle.
        g = w.render(width: 120, height: 40)
        var target: (Int, Int)? = nil
        outer: for y in 0..<40 {
            for x in 44..<120 where w.hitAreas.hit(x: x, y: y) == .cell(row: 1, column: 2) {
                target = (x, y); break outer
            }
        }
        let (cx, cy) = try! #require(target)
        if case .rgb = g[cx, cy].style.bg {} else { Issue.record("the cell is not heat-coloured") }
        w.press(.mouse(x: cx + 1, y: cy, button: .left))
        #expect(w.state.focus == .attention && w.state.attention.row == 1 && w.state.attention.column == 2)
        w.press(.char("o"))
        g = w.render(width: 120, height: 40)
        let h3 = try! #require(g.row(containing: "H3"))
        let x3 = try! #require(g.columns(of: "H3", row: h3).first)
        w.press(.mouse(x: x3 + 1, y: h3 + 1, button: .left))
        #expect(w.state.attention.head == 2 && w.state.attention.layer == 0 && !w.state.attention.overview)
    }

    @Test func staleFramesSaySo() {
        let w = makeWorkbench("the")
        w.handle(.char("x"))  // no wait: the session may still be working
        let g = w.render(width: 80, height: 24)
        if w.snapshot.isStale { #expect(g.line(23).contains("computing")) }
        w.session.waitUntilIdle()
        #expect(!w.render(width: 80, height: 24).line(23).contains("computing"))
    }
}

@Suite struct LineEditorTests {
    @Test func readlineEditing() {
        var e = LineEditor("hello big world")
        e.handle(.ctrl("w"))
        #expect(e.text == "hello big " && e.cursor == 10)
        e.handle(.ctrlLeft)
        #expect(e.cursor == 6)
        e.handle(.ctrl("k"))
        #expect(e.text == "hello ")
        e.handle(.home)
        e.insert("» ")
        #expect(e.text == "» hello ")
        e.handle(.ctrl("e"))
        e.handle(.backspace)
        e.handle(.left)
        e.handle(.delete)
        #expect(e.text == "» hell")
        e.handle(.left)
        e.handle(.ctrl("u"))
        #expect(e.text == "l" && e.cursor == 0)
        e.handle(.alt("f"))
        #expect(e.cursor == 1)
        var wide = LineEditor("中文")
        wide.handle(.left)
        #expect(wide.cursorColumn == 2)
        let consumed = wide.handle(.tab)
        #expect(!consumed)
    }

    @Test func historyPersistsAndBrowses() throws {
        let file = try temporaryDirectory().appendingPathComponent("state/bertscope/history")
        var h = History(file: file)
        try h.add("first")
        try h.add("second\nline")
        try h.add("second\nline")
        try h.add("   ")
        var again = History(file: file)
        #expect(again.entries == ["first", "second\nline"])
        #expect(again.previous(current: "draft") == "second\nline")
        #expect(again.previous(current: "x") == "first")
        #expect(again.previous(current: "x") == "first")
        #expect(again.next() == "second\nline")
        #expect(again.next() == "draft")
        #expect(History.defaultFile(environment: ["XDG_STATE_HOME": "/s"]).path == "/s/bertscope/history")
        #expect(History.defaultFile(environment: ["HOME": "/h"]).path == "/h/.local/state/bertscope/history")
    }

    @Test func historyKeysInTheWorkbench() {
        let w = makeWorkbench("")
        w.type("one")
        w.press(.enter)
        w.press(.ctrl("u"))
        w.type("two")
        w.press(.up)
        #expect(w.state.editorA.text == "one")
        w.press(.down)
        #expect(w.state.editorA.text == "two")
    }
}

@Suite struct ThemeAndGridTests {
    @Test func brokenThemesNameTheLine() {
        let cases = [
            ("foreground = 300", "t.theme:1: bad colour"), ("# c\nnonsense", "t.theme:2: expected `key = value`"),
            ("colour = 1", "t.theme:1: unknown key \"colour\""), ("accent = #12345", "bad colour"),
        ]
        for (text, expected) in cases {
            do { _ = try Theme.parse(text, source: "t.theme"); Issue.record("accepted \(text)") } catch {
                #expect("\(error)".contains(expected), "\(error)")
            }
        }
        let t = try! Theme.parse("name = mine\naccent = #102030\nmuted = 7\nborder = default", source: "x.theme")
        #expect(
            t.name == "mine" && t.color(.accent) == .rgb(16, 32, 48) && t.color(.muted) == .indexed(7)
                && t.color(.border) == .terminalDefault)
        #expect(t.heat(0) == .rgb(0x0B, 0x10, 0x26) && t.heat(1) == .rgb(0xFF, 0xD1, 0x66))
        #expect(ThemeKey.allCases.allSatisfy { Theme.defaults[$0] != nil }, "every key has a built-in default")
    }

    /// `t` never lands on a theme made for the other kind of background.
    @Test func themeCycleFollowsTheTerminalBackground() throws {
        let w = makeWorkbench("the")
        w.state.focus = .tokens
        var seen: [String] = []
        for _ in 0..<6 { w.press(.char("t")); seen.append(w.theme.name) }
        #expect(
            !seen.contains("light") && Set(seen).isSuperset(of: ["dark", "high-contrast", "colorblind"]), "\(seen)")
        w.lightTerminal = true
        w.press(.char("t"))
        #expect(w.theme.name == "light" && w.theme.isLight)
        #expect(terminalHasLightBackground(["COLORFGBG": "0;15"]) && !terminalHasLightBackground(["COLORFGBG": "15;0"]))
        #expect(!terminalHasLightBackground([:]))
        w.run(command: "theme light")
        w.finishJobs()
        #expect(w.theme.name == "light", ":theme loads any theme")
    }

    /// `:theme light` on a dark terminal was nearly unreadable without a
    /// word: the terminal's OSC 11 answer (or COLORFGBG) decides, and a theme
    /// made for the other background says so; without an answer a light theme says that too.
    @Test func aThemeForTheOtherBackgroundSaysSo() {
        #expect(oscBackgroundIsLight("\u{1b}]11;rgb:ffff/ffff/ffff\u{1b}\\") == true)
        #expect(oscBackgroundIsLight("\u{1b}]11;rgb:0000/0000/0000\u{7}\u{1b}[?62;22c") == false)
        #expect(oscBackgroundIsLight("\u{1b}]11;rgb:fd/f6/e3\u{7}") == true, "2-digit channels (Solarized light)")
        #expect(oscBackgroundIsLight("\u{1b}]11;rgb:1e1e/1e1e/2e2e\u{7}") == false)
        #expect(oscBackgroundIsLight("\u{1b}[?62;22c") == nil && oscBackgroundIsLight("]11;rgb:zz/00/00") == nil)
        let w = makeWorkbench("a")
        w.run(command: "theme light")
        w.finishJobs()
        #expect(w.state.notice?.text.contains("this terminal did not say its own") == true)
        w.backgroundSource = "OSC 11"
        w.run(command: "theme light")
        w.finishJobs()
        #expect(
            w.state.notice?.text
                == "theme light is for light backgrounds; this terminal's is dark (OSC 11): t cycles the dark themes")
        w.run(command: "theme dark")
        w.finishJobs()
        #expect(w.state.notice?.text == "theme dark")
        w.lightTerminal = true
        #expect(w.themeFitNote(w.theme)?.contains("this terminal's is light") == true)
    }

    @Test func colourDownsampling() {
        #expect(ColorMath.xterm256(255, 0, 0) == 196)
        #expect(ColorMath.xterm256(128, 128, 128) == 244)
        #expect(ColorMath.ansi8(250, 10, 10) == 1)
        // The heatmap's dark end keeps its hue on 256 colours: past the darkest steps (near black)
        // no step of it is a grey (232…255), as 237 and 239 were.
        let dark = try! shippedThemes.load("dark")
        for k in 2...20 {
            guard case .rgb(let r, let g, let b) = dark.heat(Float(k) / 20) else { continue }
            #expect(!(232...255).contains(ColorMath.xterm256(r, g, b)), "heat \(Float(k) / 20): (\(r), \(g), \(b))")
        }
    }

    @Test func gridClipsWideGlyphsAndDiffs() {
        var g = CellGrid(width: 5, height: 2)
        let end0 = g.put("ab中", x: 0, y: 0)
        #expect(end0 == 4)
        #expect(g[3, 0].isContinuation && g.line(0) == "ab中 ")
        var h = g
        let end = h.put("x中", x: 3, y: 1)
        #expect(end == 5)  // the wide glyph does not fit: a blank instead
        #expect(h.line(1) == "   x ")
        #expect(h.changes(since: g).count == 1)
        #expect(g.changes(since: nil).count == 10)
        g.put("é", x: 0, y: 1)  // combining sequence stays one cell
        #expect(g.line(1).hasPrefix("é"))
    }
}

@Suite struct FrameStatsTests {
    @Test func measuresKeyToCurrentFrame() {
        let s = FrameStats(start: 1_000_000)
        s.frameDrawn(current: false, at: 151_000_000)
        #expect(s.firstFrameMilliseconds == 150)
        s.keyArrived(at: 200_000_000)
        s.keyArrived(at: 201_000_000)  // a second key before the answer: timed from the first
        s.frameDrawn(current: false, at: 202_000_000)  // stale frame: not the answer yet
        s.frameDrawn(current: true, at: 210_000_000)
        #expect(s.latencies == [10])
        for ms in 1...19 {
            s.keyArrived(at: UInt64(300 + ms) * 1_000_000);
            s.frameDrawn(current: true, at: UInt64(300 + 2 * ms) * 1_000_000)
        }
        #expect(s.percentile(0.5) == 10 && s.percentile(0.95) == 18)
        #expect(s.summary.contains("start-up to first frame 150 ms") && s.summary.contains("over 20 keys"))
    }
}

@Suite struct ModelInfoOverlayTests {
    @Test func showsTheSameFactsAsInfo() {
        let w = makeWorkbench("the")
        w.state.focus = .tokens
        w.press(.char("I"))
        let g = w.render(width: 120, height: 40)
        #expect(g.contains("Model · any key closes"))
        #expect(g.contains("family     bert") && g.contains("3 layers × 4 heads, hidden 32, vocabulary 1106"))
        #expect(g.contains("masked-LM, next-sentence, pooler"))
        w.press(.char("x"))
        #expect(w.state.overlay == .none)
    }
}

@Suite struct DraftTests {
    @Test func everyEditIsSavedAndRestorable() throws {
        let dir = try temporaryDirectory().appendingPathComponent("state/bertscope/drafts")
        let w = makeWorkbench("")
        w.drafts = DraftStore(directory: dir)
        w.type("half a sen")
        #expect(DraftStore.load(w.drafts!.file)?.a == "half a sen")
        w.state.focus = .inputB
        w.type("B")
        #expect(DraftStore.load(w.drafts!.file)?.a == "half a sen" && DraftStore.load(w.drafts!.file)?.b == "B")
        #expect(DraftStore.defaultDirectory(environment: ["XDG_STATE_HOME": "/s"]).path == "/s/bertscope/drafts")
    }

    @Test func twoInstancesKeepTheirOwnDraftsAndAnEndedOneIsAdopted() throws {
        let dir = try temporaryDirectory().appendingPathComponent("drafts")
        var first: DraftStore? = DraftStore(directory: dir)
        let second = DraftStore(directory: dir)
        try first!.save(a: "first window", b: "")
        try second.save(a: "second window", b: "b")
        // Both are running: neither draft is anyone else's to take.
        #expect(second.orphans().isEmpty && first!.orphans().isEmpty)
        first = nil  // the first window ends
        #expect(second.orphans().count == 1)
        let third = DraftStore(directory: dir)
        #expect(third.adoptNewest()?.a == "first window")
        #expect(DraftStore.load(second.file)?.a == "second window", "a running instance's draft is never taken")
        #expect(third.orphans().isEmpty && second.orphans().isEmpty)
    }

    @Test func recoverLoadsAnotherWindowsDraftAndKeepsTheCurrentLineInHistory() throws {
        let dir = try temporaryDirectory().appendingPathComponent("drafts")
        do { let gone = DraftStore(directory: dir); try gone.save(a: "left behind", b: "") }
        let w = makeWorkbench("")
        w.drafts = DraftStore(directory: dir)
        w.type("typing now")
        w.run(command: "recover")
        #expect(w.state.editorA.text == "left behind")
        #expect(w.history.entries.last == "typing now")
        w.run(command: "recover")
        #expect(w.state.notice?.text == "no other drafts to recover")
    }

    @Test func aFailedSaveIsSaidNotClaimed() throws {
        let root = try temporaryDirectory()
        let blocker = root.appendingPathComponent("state")
        try Data("a file where the state directory belongs".utf8).write(to: blocker)
        let w = makeWorkbench("", history: History(file: blocker.appendingPathComponent("bertscope/history")))
        w.drafts = DraftStore(directory: blocker.appendingPathComponent("bertscope/drafts"))
        w.type("x")
        #expect(
            w.state.notice?.isError == true && w.state.notice!.text.hasPrefix("draft not saved: "),
            "\(String(describing: w.state.notice))")
        #expect(!w.state.notice!.text.contains("NSCocoaErrorDomain"))
        w.press(.enter)
        #expect(
            w.state.notice?.isError == true && w.state.notice!.text.hasPrefix("history not saved: "),
            "\(String(describing: w.state.notice))")
        #expect(w.state.notice!.text.contains(blocker.path) && !w.state.notice!.text.contains("NSCocoaErrorDomain"))
    }
}

@Suite struct HistoryMergeTests {
    /// Two instances appending in turn: all 40 lines survive (was: last writer wins, 20 lost).
    @Test func twoInstancesLoseNoLines() throws {
        let file = try temporaryDirectory().appendingPathComponent("history")
        var a = History(file: file), b = History(file: file)
        for i in 0..<20 {
            try a.add("a\(i)")
            try b.add("b\(i)")
        }
        let merged = History(file: file).entries
        #expect(merged.count == 40)
        #expect(Set(merged) == Set((0..<20).flatMap { ["a\($0)", "b\($0)"] }))
    }
}

@Suite struct PasteAndAltTests {
    @Test func altQAndTerminalRepliesNeverQuit() {
        let w = makeWorkbench("")
        var d = KeyDecoder()
        for s in "hi\u{1B}q\u{1B}P1$r0m\u{1B}\\".unicodeScalars { for k in d.feed(.scalar(s.value)) { w.press(k) } }
        #expect(!w.shouldQuit && w.state.focus == .inputA && w.state.editorA.text == "hi")
    }

    @Test func aPasteIsOneEditAndOneEncoding() {
        let w = makeWorkbench("")
        let before = w.session.snapshot.input
        w.press(.paste("The quick brown fox.\nIt jumps q\tover"))
        #expect(w.state.editorA.text == "The quick brown fox. It jumps q over")
        #expect(w.session.snapshot.input != before && !w.shouldQuit)
        w.state.focus = .attention
        w.press(.paste(" more"))
        #expect(w.state.focus == .inputA && w.state.editorA.text.hasSuffix("over more"))
    }
}

@Suite struct ModelFilesTests {
    /// A weights file replaced on disk is noticed within a second and `:reload` reads it again.
    @Test func aChangedModelFileIsNoticedAndReloadable() throws {
        let dir = try temporaryDirectory().appendingPathComponent("m")
        try FileManager.default.copyItem(at: Fixtures.model("tiny-bert-pretraining"), to: dir)
        let model = LoadedModel(
            directory: dir, encoder: try BertEncoder(directory: dir), tokenizer: try Tokenizer.load(directory: dir))
        let w = makeWorkbench("the cat", model: model)
        w.checkModelFiles(now: UInt64.max / 2)
        #expect(w.state.notice == nil)
        let weights = dir.appendingPathComponent("model.safetensors")
        let bytes = try Data(contentsOf: weights)
        try FileManager.default.removeItem(at: weights)
        try bytes.write(to: weights)  // same bytes, a new file: its time changed
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSinceNow: 5)], ofItemAtPath: weights.path)
        w.checkModelFiles(now: UInt64.max / 2 + 2_000_000_000)
        #expect(w.state.notice?.text == "model.safetensors changed on disk: :reload loads the model again")
        w.run(command: "reload")
        w.finishJobs()
        #expect(w.state.notice?.text.hasPrefix("loaded") == true, "\(String(describing: w.state.notice))")
        w.checkModelFiles(now: UInt64.max / 2 + 4_000_000_000)
        #expect(w.state.notice?.text.hasPrefix("loaded") == true)
    }
}

@Suite struct HostileModelCommandTests {
    /// `:model` on a folder with a FIFO for weights (froze the workbench, Ctrl-C did nothing) is a notice.
    @Test func modelCommandOnAFIFOFolderIsANotice() throws {
        let c = try #require(HostileFolders.all.first { $0.name == "fifo-weights" })
        let dir = try HostileFolders.build(c)
        let w = makeWorkbench("the cat")
        w.run(command: "model \(dir.path)")
        w.finishJobs()
        #expect(
            w.state.notice?.isError == true
                && w.state.notice!.text.contains("is a FIFO (named pipe), not a regular file"),
            "\(String(describing: w.state.notice))")
        #expect(w.session.model.directory == tinyModel.directory)
    }
}

@Suite struct ExportErrorTests {
    /// `:export` into a path blocked by a file: one line with the path and the cause (was NSCocoaErrorDomain Code=516 …).
    @Test func exportFailuresNameThePathAndTheCause() throws {
        let root = try temporaryDirectory()
        let blocker = root.appendingPathComponent("taken")
        try Data("x".utf8).write(to: blocker)
        let w = makeWorkbench("the cat")
        w.run(command: "export \(blocker.path)/out")
        w.finishBackgroundWork()
        let text = try #require(w.state.notice?.text)
        #expect(
            text.hasPrefix("export failed: cannot create \(blocker.path)") && !text.contains("NSCocoaErrorDomain"),
            "\(text)")
    }
}

@Suite struct BatchTests {
    /// Keys handled as one batch: one submit, and a notice set by a command in the batch survives it.
    @Test func aBatchIsOneEditAndKeepsItsNotices() throws {
        let dir = try temporaryDirectory().appendingPathComponent("drafts")
        do { let gone = DraftStore(directory: dir); try gone.save(a: "left behind", b: "") }
        let w = makeWorkbench("")
        w.drafts = DraftStore(directory: dir)
        w.beginBatch()
        for c in "typed fast" { w.handle(.char(c)) }
        #expect(w.session.snapshot.input.text == "", "nothing is submitted inside a batch")
        w.handle(.escape)
        w.handle(.char(":"))
        for c in "recover" { w.handle(.char(c)) }
        w.handle(.enter)
        w.endBatch()
        #expect(w.session.snapshot.input.text == "left behind")
        #expect(w.state.notice?.text.hasPrefix("recovered a draft") == true, "\(String(describing: w.state.notice))")
        #expect(w.history.entries.last == "typed fast")
    }
}
