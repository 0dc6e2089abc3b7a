import Checkpoint
import Encoder
import Foundation
import Testing
import TestSupport

/// The FFN lens: one token's FFN update per layer (kept by the layer anatomy,
/// their norms its ‖FFN‖) and the words its dot product with the
/// word embeddings ranks first, checked against a plain loop.
@Suite struct FFNLensTests {
    @Test(arguments: ["tiny-bert", "tiny-roberta-mlm", "tiny-deberta-v3-mlm", "tiny-electra"])
    func updatesAreTheAnatomysAndTheTopWordsAreExact(_ name: String) throws {
        let enc = try BertEncoder(directory: Fixtures.model(name))
        let ids = (0..<7).map { ($0 * 41 + 3) % enc.config.vocabSize }
        let t = try enc.forward(ids: ids)
        let a = try enc.layerAnatomy(t, ids: ids, typeIds: nil)
        let token = 3
        let updates = try (0..<a.layers).map { try #require(a.ffnUpdate(layer: $0, token: token)) }
        #expect(updates.count == enc.config.numLayers && a.ffnUpdate(layer: 0, token: 99) == nil)
        for (l, u) in updates.enumerated() {
            let want = try #require(a.step(layer: l, token: token)).ffn
            let got = u.reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(abs(got - want) < 1e-3 * max(1, want), "\(name) layer \(l + 1): ‖FFN‖ \(got) vs \(want)")
        }
        let u = updates.last!
        let top = try #require(enc.promotedTokens(u, k: 3))
        // The same ranking by a plain loop over the embedding rows.
        let store = try WeightStore(directory: Fixtures.model(name))
        let names = [
            "embeddings.word_embeddings.weight", "bert.embeddings.word_embeddings.weight",
            "roberta.embeddings.word_embeddings.weight", "deberta.embeddings.word_embeddings.weight",
            "electra.embeddings.word_embeddings.weight", "discriminator.embeddings.word_embeddings.weight",
        ]
        let e = try #require(names.lazy.compactMap { try? store.tensor($0) }.first, "word embeddings of \(name)")
        let d = u.count
        let scores = (0..<enc.config.vocabSize).map { v in
            (0..<d).reduce(Float(0)) { $0 + e.pointer[v * d + $1] * u[$1] }
        }
        let best = scores.indices.sorted { scores[$0] > scores[$1] }.prefix(3)
        #expect(top.map(\.id) == Array(best), "\(name)")
        for (x, id) in zip(top, best) { #expect(abs(x.score - scores[id]) < 1e-3) }
    }

    @Test func albertsNarrowEmbeddingsSayNothing() throws {
        let enc = try BertEncoder(directory: Fixtures.model("tiny-albert-pretraining"))
        let ids = [2, 10, 11, 3]
        let a = try enc.layerAnatomy(try enc.forward(ids: ids), ids: ids, typeIds: nil)
        let u = try #require(a.ffnUpdate(layer: 0, token: 1))
        #expect(enc.config.embeddingSize == enc.config.hiddenSize || enc.promotedTokens(u, k: 3) == nil)
    }
}
