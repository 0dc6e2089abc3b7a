import Foundation
import Session
import Testing
import TestSupport
@testable import WorkbenchUI

/// A step that cannot be shown as written (its model does not load, it
/// ablates heads the model lacks) says so, naming the step, and the error
/// stays on screen: playback never goes on silently on another model.
@Suite(.serialized) struct TourStepProblemTests {
    static let missing = "/nonexistent/bertscope-model"

    @Test func aStepWhoseModelDoesNotLoadIsNotShownOnAnotherModel() throws {
        let w = makeWorkbench("")
        let model = w.session.model.directory
        w.startTour(
            try TourFile.parse("[step]\ntext = first\n> a\n[step]\ntext = second\nmodel = \(Self.missing)\n> b"))
        w.session.waitUntilIdle()
        w.press(.right)
        w.finishJobs()
        let notice = try #require(w.state.notice)
        #expect(notice.isError && notice.text.contains("step 2") && notice.text.contains(Self.missing), "\(notice)")
        #expect(w.state.editorA.text == "first", "the step was not put on screen on the model left open")
        #expect(w.session.model.directory == model)
        _ = w.render(width: 100, height: 30)
        #expect(w.state.notice == notice, "the error stays after a frame")
    }

    @Test func headsTheModelLacksAreAnErrorNamingTheStep() throws {
        let w = makeWorkbench("")
        w.startTour(try TourFile.parse("[step]\ntext = a\n> x\n[step]\ntext = b\nablate = 1.1,9.9\n> y"))
        w.press(.right)
        let notice = try #require(w.state.notice)
        #expect(notice.isError && notice.text.contains("step 2") && notice.text.contains("9.9"), "\(notice)")
        #expect(w.state.ablated.description == "1.1", "the heads it has are still ablated")
    }

    @Test func applyReportsWhatKeptAStepFromBeingShown() throws {
        let w = makeWorkbench("")
        var s = Tour.Step()
        s.text = "a"
        s.model = Self.missing
        let bad = w.apply(s)
        #expect(!bad.shown && bad.problems.count == 1 && bad.problems[0].contains(Self.missing))
        s.model = nil
        s.ablate = try .parse("5.1", layers: 1024, heads: 1024)
        let heads = w.apply(s)
        #expect(heads.shown && heads.problems == ["ablate 5.1: this model has 3 layers × 4 heads"])
    }
}

/// A step naming another model loads it off the key path: the keys answer
/// while it loads, and a step asked for later wins over a slow load.
@Suite(.serialized) struct TourStepLoadingTests {
    /// A model loader that waits until the test opens the gate.
    final class Gate: @unchecked Sendable {
        let open = DispatchSemaphore(value: 0)
        let model = try! LoadedModel.load(Fixtures.model("tiny-bert-mlm-f16").path)
    }

    /// A workbench on step 1 of a two-step tour whose step 2 names a model only `gate` hands out.
    static func touring(_ gate: Gate) throws -> Workbench {
        let w = makeWorkbench("")
        w.loadModel = { _ in
            gate.open.wait()
            return gate.model
        }
        w.startTour(try TourFile.parse("[step]\ntext = first\n> a\n[step]\ntext = second\nmodel = /other\n> b"))
        return w
    }

    @Test func aStepsModelLoadsWhileTheKeysAnswer() throws {
        let gate = Gate()
        let w = try Self.touring(gate)
        w.press(.right)
        #expect(w.state.notice?.text.contains("step 2: loading other") == true, "\(String(describing: w.state.notice))")
        w.press(.char("?"))  // a key answered while the model loads
        #expect(w.state.editorA.text == "first" && w.session.model.name == tinyModel.name)
        gate.open.signal()
        w.finishJobs()
        #expect(w.state.editorA.text == "second" && w.session.model.name == gate.model.name)
    }

    @Test func aLaterStepWinsOverASlowLoad() throws {
        let gate = Gate()
        let w = try Self.touring(gate)
        w.press(.right)
        w.press(.left)
        gate.open.signal()
        w.finishJobs()
        #expect(w.state.editorA.text == "first" && w.session.model.name == tinyModel.name)
    }
}
