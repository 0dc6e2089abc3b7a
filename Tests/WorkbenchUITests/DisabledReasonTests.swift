import Dispatch
import Session
import Testing
import TestSupport
@testable import WorkbenchUI

/// A binding that cannot act says why on the status line (lazygit's
/// disabled reason) instead of doing nothing; the overlays' keys and the
/// mouse are records in the generated help.
@Suite struct DisabledReasonTests {
    @Test func aKeyThatCannotActSaysWhy() {
        let w = makeWorkbench("the cat sat on the mat")
        w.press(.escape)
        let before = w.state.window
        w.press(.char(">"))
        #expect(w.state.window == before)
        #expect(w.state.notice?.text == "no other window: this text fits in one")
        #expect(w.render(width: 120, height: 40).contains("no other window: this text fits in one"))
        w.state.focus = .predictions
        w.press(.char("j"))
        #expect(w.state.notice?.text.hasPrefix("no masks: m on a token") == true)
        w.press(.char("x"))
        #expect(w.state.notice?.text == "no masking lab is running (b starts one)")
        w.press(.char("c"))
        #expect(w.state.notice?.text.hasPrefix("no classes to explain") == true)
    }

    /// The help overlay scrolls with its records and closes on any other key;
    /// the command line runs and completes through its records.
    @Test func overlaysAnswerThroughTheirRecords() {
        let w = makeWorkbench("the cat sat")
        w.press(.escape, .char("?"), .down, .down)
        #expect(w.state.overlay == .help(scroll: 2))
        w.press(.up)
        #expect(w.state.overlay == .help(scroll: 1))
        w.press(.char("w"))
        #expect(w.state.overlay == .none)
        w.press(.char(":"), .char("t"), .char("h"), .char("e"), .char("m"))
        w.press(.tab)
        guard case .command(let editor) = w.state.overlay else {
            Issue.record("the command line closed")
            return
        }
        #expect(editor.text.hasPrefix("theme"))
        w.press(.escape)
        #expect(w.state.overlay == .none)
        let contexts = Set(KeyMap.helpLines.map(\.context))
        #expect(contexts.isSuperset(of: [.helpOverlay, .commandLine, .mouse]))
    }
}

/// `:model`, `:compare-model` and `:tokenizers` load in the background: the
/// command returns at once with a "loading" line, keys are answered, and the
/// model arrives on a later tick.
@Suite struct LoadingOffTheKeyPathTests {
    @Test func aModelLoadsWhileKeysAreAnswered() {
        let w = makeWorkbench("the cat sat")
        let gate = DispatchSemaphore(value: 0)
        let dir = Fixtures.model("tiny-roberta-mlm")
        w.loadModel = { path in
            gate.wait()
            return try LoadedModel.load(path)
        }
        w.run(command: "model \(dir.path)")
        #expect(w.state.notice?.text == "loading \(dir.path)…")
        #expect(w.session.model.name == tinyModel.name)
        w.press(.escape, .tab)  // the keys are answered while it loads
        #expect(w.state.focus == .attention)
        gate.signal()
        w.finishJobs()
        #expect(w.session.model.directory.standardized == dir.standardized)
        #expect(w.state.notice?.text.hasPrefix("loaded ") == true)
    }
}

/// Head importance that cannot rank (a token classifier has no class to
/// rank by) says why where the grid would be, instead of "computing…" for ever.
@Suite struct ImportanceFailureTests {
    @Test func aTokenClassifierSaysWhyItHasNoRanking() throws {
        let dir = Fixtures.model("heads/bert-token")
        let model = try LoadedModel.load(dir.path)
        let w = makeWorkbench("the cat sat on the mat", model: model)
        w.state.focus = .attention
        w.press(.char("H"))
        w.session.waitUntilIdle()
        let g = w.render(width: 160, height: 48)
        #expect(w.snapshot.result?.importanceError != nil)
        #expect(g.contains("head importance: this task head has no class to rank the heads by"))
        #expect(!g.contains("computing head importance"))
    }
}
