import Analysis
import Encoder
import Foundation
import Session
import Testing
import TestSupport
import Tokenizers

@testable import WorkbenchUI

/// `--lean`: each trace keeps only the attention maps the screen reads.
@Suite struct LeanModeTests {
    /// The encoder keeps the asked-for layers' maps, equal to a full pass's; the rest are not held.
    @Test func aLeanTraceHoldsOnlyTheAskedLayers() throws {
        let enc = tinyModel.encoder, e = tinyModel.tokenizer.encode("he said that it was here", maxLength: 64)
        let full = try enc.forward(ids: e.ids, typeIds: e.typeIds)
        let L = enc.config.numLayers, H = enc.config.numHeads, n = e.count
        try #require(L >= 2)
        var lean = Trace()
        try enc.forward(
            ids: e.ids, typeIds: e.typeIds, attentionMask: nil, workspace: enc.makeWorkspace(), into: &lean,
            keepAttention: 1..<2)
        #expect(lean.hiddenStates == full.hiddenStates && lean.attentionLayers == 1..<2)
        #expect(lean.attentions.count == H * n * n)
        #expect(lean.attentions == Array(full.attentions[(H * n * n)..<(2 * H * n * n)]))
        #expect(
            lean.keepsAttention(1...1) && !lean.keepsAttention(0...1) && lean.attentionStart(layer: 0, head: 0) == nil)
        #expect(lean.attention(layer: 0, head: 0, row: 0, column: 0) == 0)
        #expect(AttentionViews.head(lean, layer: 1, head: 2) == AttentionViews.head(full, layer: 1, head: 2))
        #expect(AttentionViews.meanOverHeads(lean, layer: 1) == AttentionViews.meanOverHeads(full, layer: 1))
        // Rollout reads every layer up to its own.
        var spec = AttentionViewSpec(layer: 1, head: 0, kind: .rollout, words: false, hideSpecial: false)
        #expect(AttentionViews.layersRead(spec) == 0...1)
        spec.kind = .head
        #expect(AttentionViews.layersRead(spec) == 1...1)
    }

    @Test func theWorkbenchAsksForTheLayersOnScreen() throws {
        let w = makeWorkbench("he said that it was here")
        let full = try #require(w.snapshot.result?.trace)
        w.lean = true
        w.session.waitUntilIdle()
        w.state.focus = .attention
        var r = try #require(w.snapshot.result), t = try #require(r.trace)
        #expect(r.input.attentionLayers == 0...0 && t.attentionLayers == 0..<1)
        var g = w.render(width: 120, height: 40)
        let shown = try #require(w.deriver.map(r, w.state.attention.spec))
        #expect(shown == AttentionViews.map(full, r.encoding, w.state.attention.spec))
        // Another layer: asked for at once, and until it comes the pane says so (never another layer's map).
        w.press(.char("]"))
        #expect(w.state.attention.layer == 1 && w.session.snapshot.input.attentionLayers == 1...1)
        w.session.waitUntilIdle()
        r = try #require(w.snapshot.result)
        t = try #require(r.trace)
        #expect(t.attentionLayers == 1..<2)
        do { try w.session.export(to: try temporaryDirectory()) } catch {
            #expect("\(error)".contains("keeps the attention maps of layer 2 only"), "not \"layers 2–2\": \(error)")
        }
        #expect(
            w.deriver.map(r, w.state.attention.spec) == AttentionViews.map(full, r.encoding, w.state.attention.spec))
        // The overview reads every layer; rollout every layer up to the shown one.
        w.state.attention.overview = true
        w.inputChanged()
        #expect(w.session.snapshot.input.attentionLayers == nil)
        w.session.waitUntilIdle()
        #expect(w.snapshot.result?.trace?.attentionLayers == 0..<tinyModel.encoder.config.numLayers)
        w.state.attention.overview = false
        w.state.attention.view = .rollout
        w.inputChanged()
        #expect(w.session.snapshot.input.attentionLayers == 0...1)
        w.session.waitUntilIdle()
        g = w.render(width: 120, height: 40)
        #expect(!g.text.contains("lean mode: encoding again"))
        // Exporting every layer's maps is refused with the reason.
        #expect(throws: (any Error).self) { try w.session.export(to: temporaryDirectory()) }
        do { try w.session.export(to: try temporaryDirectory()) } catch {
            #expect("\(error)".contains("lean mode keeps the attention maps of layers 1–2 only"))
        }
    }

    @Test func theWaitingLineIsDrawnForAMissingLayer() throws {
        let w = makeWorkbench("he said that it was here")
        w.lean = true
        w.session.waitUntilIdle()
        w.state.focus = .attention
        // The state moves to layer 2 while the session still holds layer 1's maps (no submit yet).
        w.state.attention.layer = 1
        let g = w.render(width: 120, height: 40)
        #expect(g.text.contains("lean mode: encoding again for layer 2's maps"))
        #expect(g.text.contains(" │ lean │ theme dark"), "the status bar says lean")
    }

    /// The second model beside the first keeps only its own map's layer too, and follows layer changes.
    @Test func theSecondModelIsLeanToo() throws {
        let w = makeWorkbench("he said that it was here")
        w.lean = true
        w.compareModel(Fixtures.model("tiny-roberta-mlm").path)
        w.finishJobs()
        let b = try #require(w.second)
        w.session.waitUntilIdle()
        b.session.waitUntilIdle()
        #expect(b.session.snapshot.result?.trace?.attentionLayers == 0..<1)
        w.state.focus = .attention
        w.press(.char("]"))
        w.session.waitUntilIdle()
        b.session.waitUntilIdle()
        #expect(b.session.snapshot.input.attentionLayers == 1...1)
        let t = try #require(b.session.snapshot.result?.trace)
        #expect(t.attentionLayers == 1..<2)
        let g = w.render(width: 160, height: 48)
        #expect(g.text.contains("B: tiny-roberta-mlm"))
    }
}
