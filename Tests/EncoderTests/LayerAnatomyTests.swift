import Checkpoint
import Encoder
import Foundation
import Testing
import TestSupport

/// The layer anatomy recomputes every layer from the trace's input and
/// attention: its output must be the trace's next hidden state, for every
/// family (DeBERTa-v2's ConvLayer adds to layer 1's output, so that layer
/// is checked from layer 2 on).
@Suite struct LayerAnatomyTests {
    static let families = [
        "tiny-bert", "tiny-bert-pretraining", "tiny-bert-wide-heads", "tiny-roberta-mlm", "tiny-xlm-roberta-mlm",
        "tiny-camembert-mlm", "tiny-albert-pretraining", "tiny-albert-groups", "tiny-distilbert-mlm", "tiny-electra",
        "tiny-deberta-v2-mlm", "tiny-deberta-v2-conv", "tiny-deberta-v3-mlm",
    ]

    @Test(arguments: families) func everyLayerIsRecomputedExactly(_ name: String) throws {
        let enc = try BertEncoder(directory: Fixtures.model(name))
        let n = 9
        let ids = (0..<n).map { ($0 * 37 + 5) % enc.config.vocabSize }
        let types = (0..<n).map { $0 < 5 || enc.config.typeVocabSize < 2 ? 0 : 1 }
        let t = try enc.forward(ids: ids, typeIds: types)
        let a = try enc.layerAnatomy(t, ids: ids, typeIds: types)
        #expect(a.tokens == n && a.layers == enc.config.numLayers && a.steps.count == n * a.layers)
        let first = name.hasSuffix("-conv") ? 1 : 0
        for l in first..<a.layers {
            for i in 0..<n {
                let s = try #require(a.step(layer: l, token: i))
                #expect(s.difference < 1e-4, "\(name) layer \(l + 1) token \(i): \(s.difference)")
                // The step's input is the trace's hidden state, its output the next one.
                #expect(abs(s.input - norm(t.hiddenState(layer: l, token: i))) < 1e-3)
                #expect(abs(s.output - norm(t.hiddenState(layer: l + 1, token: i))) < 1e-3)
                #expect((-1.0001...1.0001).contains(s.attentionCosine) && (-1.0001...1.0001).contains(s.ffnCosine))
                #expect(s.neurons.count == LayerAnatomy.neuronsKept && s.activations == s.activations.sorted(by: >))
            }
        }
        for (i, e) in a.embeddings.enumerated() {
            #expect(abs(e.output - norm(t.hiddenState(layer: 0, token: i))) < 1e-4)
            #expect(e.word > 0 && e.sum > 0)
        }
    }

    /// A wrong trace or wrong ids is a one-line error, not a crash.
    @Test func aTraceOfAnotherShapeIsRefused() throws {
        let enc = try BertEncoder(directory: Fixtures.model("tiny-bert"))
        let t = try enc.forward(ids: [1, 2, 3])
        #expect(throws: EncoderError.self) { try enc.layerAnatomy(t, ids: [1, 2], typeIds: nil) }
        #expect(throws: EncoderError.self) { try enc.layerAnatomy(t, ids: [1, 2, -4], typeIds: nil) }
        let other = try BertEncoder(directory: Fixtures.model("tiny-bert-wide-heads"))
        if other.config.hiddenSize != enc.config.hiddenSize || other.config.numHeads != enc.config.numHeads {
            #expect(throws: EncoderError.self) { try other.layerAnatomy(t, ids: [1, 2, 3], typeIds: nil) }
        }
    }

    func norm(_ v: ArraySlice<Float>) -> Float { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }
}

/// The LayerNorms in the anatomy: their inputs' moments and the learnt γ, β.
@Suite struct LayerAnatomyNormTests {
    @Test func momentsAndWeightsAreTheModels() throws {
        let m = LayerAnatomy.Moments([1, 2, 3, 6])
        #expect(m.mean == 3 && m.variance == 3.5)
        let dir = Fixtures.model("tiny-bert")
        let enc = try BertEncoder(directory: dir)
        let ids = [2, 7, 11, 13, 3]
        let t = try enc.forward(ids: ids)
        let a = try enc.layerAnatomy(t, ids: ids, typeIds: nil)
        #expect(a.norms.count == enc.config.numLayers)
        let store = try WeightStore(directory: dir)
        let names = [
            "encoder.layer.0.attention.output.LayerNorm.weight",
            "bert.encoder.layer.0.attention.output.LayerNorm.weight",
        ]
        let gamma = try #require(names.lazy.compactMap { try? store.tensor($0) }.first)
        let d = enc.config.hiddenSize
        let mean = (0..<d).reduce(Float(0)) { $0 + gamma.pointer[$1] } / Float(d)
        #expect(abs(a.norms[0].attention.gammaMean - mean) < 1e-6)
        for i in 0..<ids.count {
            let s = try #require(a.step(layer: 0, token: i))
            #expect(s.attentionLN.variance > 0 && s.outputLN.variance > 0)
        }
    }
}
