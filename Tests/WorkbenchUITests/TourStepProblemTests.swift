import Foundation
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
