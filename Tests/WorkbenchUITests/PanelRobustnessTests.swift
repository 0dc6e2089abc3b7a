import Encoder
import Session
import Testing
import TestSupport
import Tokenizers
@testable import WorkbenchUI

/// The arithmetic and anatomy panels stay drawable (no index out of range)
/// whatever happens under them: the input shrinks, words or hidden
/// specials, masks, another model, a second model, a long text's windows,
/// an empty input, a tiny terminal.
@Suite struct PanelRobustnessTests {
    static func renderAll(_ w: Workbench) {
        for (width, height) in [(160, 48), (80, 24), (40, 12), (24, 8), (12, 5), (200, 10)] {
            _ = w.render(width: width, height: height)
        }
    }

    @Test(arguments: ["x", "A"]) func panelsSurviveWhatHappensUnderThem(_ key: String) throws {
        let k = Key.char(Character(key))
        let w = makeWorkbench("the cat sat on the mat and the dog sat on the rug")
        w.press(.escape, .end)
        w.state.focus = .attention
        w.press(k, .end, .down, .down, .down)
        Self.renderAll(w)
        // The input shrinks under the selection.
        w.state.focus = .inputA
        for _ in 0..<40 { w.press(.backspace) }
        Self.renderAll(w)
        for _ in 0..<20 { w.press(.backspace) }
        Self.renderAll(w)
        w.type("a b")
        w.state.focus = .attention
        w.press(.char("w"))
        Self.renderAll(w)
        w.press(.char("s"))
        Self.renderAll(w)
        w.state.focus = .tokens
        w.press(.char("m"), .end, .char("m"))
        w.state.focus = .attention
        if w.state.attention.panel == nil { w.press(k) }
        for _ in 0..<12 { w.press(.char("}")) }
        Self.renderAll(w)
        // Another model, with other shapes.
        let roberta = Fixtures.model("tiny-roberta-mlm")
        w.loadModel = { _ in try LoadedModel.load(roberta.path) }
        w.run(command: "model roberta")
        w.finishJobs()
        w.session.waitUntilIdle()
        Self.renderAll(w)
        w.run(command: "compare-model tiny")
        w.loadModel = { _ in tinyModel }
        w.run(command: "compare-model tiny")
        w.finishJobs()
        w.waitUntilIdle()
        Self.renderAll(w)
        // A long text, another window.
        w.setText((0..<60).map { "sentence \($0) is unaffable" }.joined(separator: " "), pair: nil)
        w.waitUntilIdle()
        w.state.focus = .attention
        w.press(.char(">"))
        w.waitUntilIdle()
        Self.renderAll(w)
        w.setText("", pair: nil)
        w.waitUntilIdle()
        Self.renderAll(w)
    }
}
