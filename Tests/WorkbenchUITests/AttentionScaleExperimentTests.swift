import Analysis
import Encoder
import Foundation
import Session
import Testing
import TestSupport
import Tokenizers
@testable import WorkbenchUI

/// `S` / `:scale`: the attention-scale experiment runs the whole model with
/// q·k × S instead of ÷√dₕ, and every pane that shows its numbers says so.
@Suite struct AttentionScaleExperimentTests {
    @Test func sRunsTheModelWithoutScalingAndSaysSo() throws {
        let w = makeWorkbench("the cat sat on the [MASK] .")
        w.press(.escape, .tab)
        #expect(w.state.focus == .attention)
        w.press(.char("S"))
        let r = try #require(w.snapshot.result)
        #expect(r.input.attentionScale == 1)
        var none = HeadSet()
        none.attentionScale = 1
        let e = r.encoding
        let want = try tinyModel.encoder.forward(ids: e.ids, typeIds: e.typeIds, ablate: none)
        #expect(r.trace == want)
        let g = w.render(width: 160, height: 48)
        #expect(g.contains("head 1/4 · experiment: q·k × 1 (no ÷√8)"), "\(g)")
        #expect(g.contains("experiment: q·k × 1"))
        // The guesses are the experiment's model's too.
        let lm = try MaskedLanguageModel(encoder: tinyModel.encoder, tokenizer: tinyModel.tokenizer)
        let p = try #require(r.mlm?.predictions.first)
        let top = try lm.predict(e, trace: want, k: 1)[0].predictions[0]
        #expect(p.predictions[0].id == top.id && abs(p.predictions[0].probability - top.probability) < 1e-6)
        w.run(command: "scale 0.5")
        w.session.waitUntilIdle()
        #expect(w.snapshot.result?.input.attentionScale == 0.5)
        w.run(command: "scale model")
        w.session.waitUntilIdle()
        #expect(
            w.snapshot.result?.input.attentionScale == nil && !w.render(width: 160, height: 48).contains("experiment:"))
        w.run(command: "scale 1e9")
        #expect(w.state.notice?.isError == true)
    }

    @Test func debertaSaysWhyNot() throws {
        let dir = Fixtures.model("tiny-deberta-v3-mlm")
        let model = LoadedModel(
            directory: dir, encoder: try BertEncoder(directory: dir), tokenizer: try Tokenizer.load(directory: dir))
        let w = makeWorkbench("the cat", model: model)
        w.press(.escape, .tab, .char("S"))
        #expect(w.state.notice?.text.contains("not q·k/√dₕ alone") == true)
        #expect(w.snapshot.result?.input.attentionScale == nil)
    }
}

/// docs/workbench.md's example of the scale experiment on the default model.
@Suite struct AttentionScaleDocsExampleTests {
    @Test func theDocumentedFigures() throws {
        let w = makeWorkbench(
            "The man went to the [MASK] to buy some milk.", model: try ShownLayersPaneTests.defaultWithHeads())
        func figures() throws -> (entropy: String, guess: String) {
            let r = try #require(w.snapshot.result)
            // The statistics line of layer 1, head 1 (what the pane's "H … bits" says).
            let h = try #require(w.deriver.attentionView(r, w.state.attention)).statistics.entropy
            let top = try #require(r.mlm?.predictions.first?.predictions.first)
            return (String(format: "%.2f", h), top.token + String(format: " %.2f%%", top.probability * 100))
        }
        let before = try figures()
        #expect(before == ("3.32", "store 13.38%"), "\(before)")
        w.run(command: "scale none")
        w.session.waitUntilIdle()
        let after = try figures()
        #expect(after == ("0.91", "store 21.86%"), "\(after)")
    }
}
