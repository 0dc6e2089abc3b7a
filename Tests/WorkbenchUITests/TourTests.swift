import Foundation
import Session
import Testing
import TestSupport
@testable import WorkbenchUI

/// The tour format, playback, recording and saved states.
@Suite(.serialized) struct TourTests {
    static let source = """
        # a comment
        title = Two steps
        [step]
        text = the cat sat
        pane = attention
        layer = 2
        head = 3
        view = rollout
        masks = 2
        ablate = 1.2,3.4
        ablate-mode = mean
        check = token 1 is the
        > First line of the caption,
        > second line.

        [step]
        text = a dog
        pair = ran off
        model = some/model
        tokenizers = toks, other
        pane = tokens
        select = 2
        lab = 7
        > Done.
        """

    @Test func parsesAndWritesBack() throws {
        let t = try TourFile.parse(Self.source, name: "two.tour")
        #expect(t.title == "Two steps" && t.steps.count == 2)
        let s = t.steps[0]
        #expect(s.pane == .attention && s.layer == 1 && s.head == 2 && s.view == .rollout && s.masks == [2])
        #expect(s.ablate.description == "1.2, 3.4" && s.meanAblation && s.checks == ["token 1 is the"])
        #expect(s.caption == ["First line of the caption,", "second line."])
        #expect(t.steps[1].pair == "ran off" && t.steps[1].select == 2 && t.steps[1].lab == 7)
        #expect(t.steps[1].model == "some/model" && t.steps[1].tokenizers == ["toks", "other"])
        #expect(try TourFile.parse(TourFile.write(t), name: "again") == t)
    }

    /// Files from Windows editors (CRLF) and other line breaks read the same.
    @Test func anyLineBreakEndsALine() throws {
        let crlf = try TourFile.parse(Self.source.replacingOccurrences(of: "\n", with: "\r\n"), name: "two.tour")
        #expect(crlf == (try TourFile.parse(Self.source, name: "two.tour")))
        let t = try TourFile.parse("[step]\ntext = a\u{2028}text = b\n> c")
        #expect(t.steps[0].text == "b")
        var odd = t
        odd.steps[0].caption = ["one\ntwo"]
        #expect(try TourFile.parse(TourFile.write(odd)).steps[0].caption == ["one two"])
    }

    @Test func badLinesNameTheirPlace() {
        for (text, message) in [
            ("title = x\n[step]\nlayer = zero", "t.tour:3: layer takes a number in 1…1024"),
            ("title = x\n[step]\ncolour = red", "t.tour:3: unknown key \"colour\""),
            ("title = x\n> early", "t.tour:2: a caption line before the first [step]"),
            ("title = x", "t.tour: no [step] in the tour"),
            ("[step]\npane = sideways", "t.tour:2: pane is one of"),
            ("[step]\nview = upside-down", "t.tour:2: view is one of"),
            ("[step]\nmasks = 1,x", "t.tour:2: masks are token positions"),
            ("text = early\n[step]", "t.tour:1: \"text\" before the first [step]"),
            ("[step]\njust words", "t.tour:2: expected `key = value`"),
        ] {
            #expect(throws: TourError.self) { try TourFile.parse(text, name: "t.tour") }
            do { _ = try TourFile.parse(text, name: "t.tour") } catch {
                #expect("\(error)".hasPrefix(message), "\(error)")
            }
        }
        let long = "[step]\n" + String(repeating: "> x\n", count: TourFile.captionLimit + 1)
        #expect(throws: TourError.self) { try TourFile.parse(long) }
    }

    @Test func playbackStepsAndLeavesWithTheStateKept() throws {
        let w = makeWorkbench("")
        // Without step 2's model and tokenizers, which do not exist (a step whose model does not load is not shown).
        let playable = Self.source.replacingOccurrences(of: "model = some/model\n", with: "")
            .replacingOccurrences(of: "tokenizers = toks, other\n", with: "")
        w.startTour(try TourFile.parse(playable))
        w.session.waitUntilIdle()
        #expect(w.state.editorA.text == "the cat sat" && w.state.focus == .attention && w.state.attention.layer == 1)
        #expect(
            w.state.attention.view == .rollout && w.state.masked == [2] && w.state.ablated.description == "1.2, 3.4")
        #expect(w.snapshot.result?.encoding.tokens[2] == "[MASK]")
        var g = w.render(width: 80, height: 24)
        #expect(g.contains("Tour · Two steps · step 1/2") && g.contains("First line of the caption,"))
        #expect(g.contains("→ Space next"))
        // The banner takes its own rows: the attention pane ends above it.
        let bannerTop = try #require(g.lines.firstIndex { $0.contains("Tour · Two steps") })
        #expect(g.lines[bannerTop - 1].hasPrefix("└"))
        w.press(.right)
        w.session.waitUntilIdle()
        #expect(w.state.tour?.index == 1 && w.state.editorB.text == "ran off" && w.state.focus == .tokens)
        #expect(w.state.labSeed == 7 && w.state.ablated.isEmpty && w.snapshot.result?.mlm?.lab != nil)
        g = w.render(width: 80, height: 24)
        #expect(g.contains("step 2/2") && g.contains("end of the tour"))
        w.press(.char(" "))
        #expect(w.state.tour?.index == 1 && w.state.notice?.text.contains("the last step") == true)
        w.press(.backspace)
        #expect(w.state.tour?.index == 0)
        w.press(.escape)
        #expect(
            w.state.tour == nil && w.state.editorA.text == "the cat sat"
                && w.state.notice?.text.contains("left the tour") == true)
        #expect(!w.render(width: 80, height: 24).contains("Tour ·"))
        // Unknown heads for this model are left out, with an error naming the step.
        w.startTour(try TourFile.parse("[step]\ntext = a\nablate = 9.9\n> x"))
        #expect(
            w.state.ablated.isEmpty && w.state.notice?.text == "step 1: ablate 9.9: this model has 3 layers × 4 heads")
    }

    /// A step that asks: its pane is veiled and its caption held back until
    /// the learner answers (typing, even `q`, is the answer); Enter judges it;
    /// a step moved to asks again.
    @Test func aQuestionWaitsForTheLearner() throws {
        let w = makeWorkbench("")
        let tour = try TourFile.parse(
            """
            title = Guess
            [step]
            text = the cat sat
            pane = tokens
            ask = How many tokens, with the specials?
            answer = 5, five
            > Five: [CLS] the cat sat [SEP].
            [step]
            text = the cat
            pane = tokens
            ask = And now?
            > Four.
            """)
        #expect(try TourFile.parse(TourFile.write(tour)) == tour)
        #expect(
            tour.steps[0].question == "How many tokens, with the specials?" && tour.steps[0].answers == ["5", "five"])
        w.startTour(tour)
        w.session.waitUntilIdle()
        var g = w.render(width: 100, height: 30)
        #expect(g.contains("? How many tokens, with the specials?") && g.contains("your answer: ▏"))
        #expect(
            g.contains("hidden until you answer") && !g.contains("Five: [CLS]"), "\(g.lines.joined(separator: "\n"))")
        for ch in "fiveq" { w.press(.char(ch)) }
        w.press(.backspace)
        #expect(w.state.tour?.guess == "five" && w.state.tour?.asking == true, "q is part of the answer, not quit")
        w.press(.enter)
        g = w.render(width: 100, height: 30)
        #expect(g.contains("✓ you said \"five\": right — the answer: 5") && g.contains("Five: [CLS]"))
        #expect(!g.contains("hidden until you answer") && g.contains("→ Space next"))
        w.press(.right)
        w.session.waitUntilIdle()
        #expect(w.state.tour?.index == 1 && w.state.tour?.asking == true && w.state.tour?.guess == "")
        for ch in "3" { w.press(.char(ch)) }
        w.press(.enter)
        g = w.render(width: 100, height: 30)
        #expect(g.contains("you said \"3\"") && g.contains("Four."), "no answers listed: the guess is kept, not judged")
        w.press(.left)
        #expect(w.state.tour?.index == 0 && w.state.tour?.asking == true)
        w.press(.right)  // → answers with nothing typed: the answer is shown
        g = w.render(width: 100, height: 30)
        #expect(g.contains("the answer: 5") && !g.contains("you said"))
        w.press(.escape)
        #expect(w.state.tour == nil)
    }

    @Test func recordingWritesATourThatPlaysBack() throws {
        let data = try temporaryDirectory()
        setenv("XDG_DATA_HOME", data.path, 1)
        defer { unsetenv("XDG_DATA_HOME") }
        let w = makeWorkbench("the cat")
        w.run(command: "step")
        #expect(w.state.notice?.isError == true)
        w.run(command: "record lesson")
        #expect(w.state.recording?.name == "lesson")
        w.state.focus = .attention
        w.state.attention.layer = 2
        w.run(command: "step")
        w.run(command: "caption Look at layer 3.")
        w.state.focus = .inputA
        w.type(" sat")
        w.press(.enter)  // Enter also keeps a step
        w.run(command: "caption The sentence grew.")
        w.run(command: "stop")
        let file = data.appendingPathComponent("bertscope/tours/lesson.tour")
        #expect(
            w.state.notice?.text.contains("wrote 2 steps to \(file.path)") == true,
            "\(String(describing: w.state.notice))")
        let t = try TourFile.parse(try String(contentsOf: file, encoding: .utf8))
        #expect(
            t.steps.map(\.text) == ["the cat", "the cat sat"] && t.steps[0].layer == 2 && t.steps[0].pane == .attention)
        #expect(t.steps.map(\.caption) == [["Look at layer 3."], ["The sentence grew."]])
        // :tour finds it in the user's directory.
        w.tours = TourLibrary(directories: [TourLibrary.userDirectory])
        w.run(command: "tour lesson")
        #expect(w.state.tour?.tour.steps.count == 2 && w.state.attention.layer == 2)
        w.run(command: "tour nothing-here")
        #expect(w.state.notice?.text.contains("no tour \"nothing-here\" (tours: lesson)") == true)
    }

    /// Start-up (`bertscope tour wordpiece`): the first frame shows the
    /// previous, empty input; the step's `select` must survive it and apply
    /// once the step's sentence is on screen (it was clamped to that frame's 2 tokens).
    @Test func aStepsSelectSurvivesAStaleFirstFrame() throws {
        let (w, scheduler) = manualWorkbench("")
        w.startTour(try TourFile.parse("[step]\ntext = The gardener was unaffable.\nselect = 5\n> x"))
        _ = w.render(width: 160, height: 48)  // drawn from the empty input's result
        scheduler.waitUntilIdle()
        let frame = w.render(width: 160, height: 48)
        #expect(w.state.tokens.selected == 5)
        #expect(frame.contains("original      gardener"), "\(frame)")
        w.press(.char("h"))
        #expect(w.state.pendingSelect == nil)
    }

    /// A step's model and tokenizers: relative paths are the tour file's; the arena follows each step.
    @Test func stepTokenizersResolveBesideTheTourFile() throws {
        let dir = try temporaryDirectory()
        let toks = dir.appendingPathComponent("toks")
        try Fixtures.copyTokenizer(of: "tiny-albert-pretraining", to: toks)
        try Data("[step]\ntext = he said\ntokenizers = toks\n> x\n[step]\ntext = he\n> y\n".utf8).write(
            to: dir.appendingPathComponent("t.tour"))
        let tour = try TourLibrary(directories: [dir]).load("t")
        #expect(tour.steps[0].tokenizers == [toks.path])
        let w = makeWorkbench("")
        w.startTour(tour)
        w.finishJobs()
        #expect(w.arena.entries.map(\.name) == ["toks"])
        w.press(.right)
        #expect(w.arena.entries.isEmpty, "a step without tokenizers closes the arena")
    }

    @Test func savedStatesReopen() throws {
        let w = makeWorkbench("the [MASK] sat")
        w.state.focus = .attention
        w.state.attention.head = 3
        w.state.attention.words = true
        w.run(command: "ablate 2.2")
        let file = try temporaryDirectory().appendingPathComponent("state.tour")
        w.run(command: "save \(file.path)")
        w.finishJobs()
        #expect(w.state.notice?.text.hasPrefix("saved to") == true)
        let saved = try TourFile.parse(try String(contentsOf: file, encoding: .utf8))
        #expect(saved.model == tinyModel.directory.path)
        let other = makeWorkbench("")
        other.open(saved)
        #expect(
            other.state.editorA.text == "the [MASK] sat" && other.state.attention.head == 3
                && other.state.attention.words)
        #expect(other.state.ablated.description == "2.2" && other.state.focus == .attention && other.state.tour == nil)
    }
}
