import Foundation
import Analysis
import Session
import Tokenizers
import Testing
import TestSupport
@testable import WorkbenchUI

/// Every pane on the SentencePiece families (ALBERT, DeBERTa-v2/v3): tokens
/// with their ▁ pieces and the Unigram x-ray, attention views, the model
/// overlay, and masked-token predictions from each family's own head.
@Suite struct FamilyWorkbenchTests {
    @Test(arguments: [
        ("tiny-albert-pretraining", "albert"), ("tiny-deberta-v3-mlm", "deberta-v2"),
        ("tiny-deberta-v2-mlm", "deberta-v2"),
        ("tiny-xlm-roberta-mlm", "xlm-roberta"),
    ])
    func everyPaneWorks(name: String, family: String) throws {
        let model = try LoadedModel.load(Fixtures.model(name).path)
        let mask = model.tokenizer.maskToken,
            (cls, sep) = family == "xlm-roberta" ? ("<s>", "</s>") : ("[CLS]", "[SEP]")
        let w = makeWorkbench("She read a \(mask) book, quickly.", model: model)
        w.press(.escape, .char("l"))  // tokens pane, first typed piece
        var g = w.render(width: 160, height: 48)
        #expect(g.contains(cls) && g.contains(sep) && (g.contains("▁she") || g.contains("▁She")))
        #expect(g.contains("unigram") && g.contains("the best-scoring split"), "Unigram x-ray line missing")
        #expect(g.contains("mask 1/1 at #4") && g.contains("│ \(family) 3×4 │"), "status bar shows the family")
        w.press(.char("I"))
        g = w.render(width: 160, height: 48)
        #expect(g.contains(family) && g.contains("SentencePiece Unigram (1200 pieces"))
        w.press(.escape, .tab)  // attention
        for _ in 0..<3 {
            w.press(.char("v"))
            g = w.render(width: 160, height: 48)
            #expect(g.heatCells() > 20)
        }
        w.press(.char("o"))
        #expect(w.render(width: 160, height: 48).heatCells() > 20)
        w.press(.char("o"), .tab)
        #expect(w.render(width: 80, height: 24).contains("mask"))
    }
}

@Suite struct SpanLineTests {
    /// A lone `▁` piece borrows the next piece's offsets in tokenizers; the
    /// span line shows it as itself, so "store" never reads "s·st·or·e".
    @Test(arguments: ["tiny-albert-pretraining", "tiny-deberta-v3-mlm"])
    func loneBoundaryPiecesDoNotRepeatLetters(name: String) throws {
        let model = try LoadedModel.load(Fixtures.model(name).path)
        let w = makeWorkbench("store https", model: model)
        let g = w.render(width: 160, height: 48)
        let spans = g.line(3)
        #expect(spans.contains("▁·st·or·e") && spans.contains("▁·h·t·t·p·s"), "\(spans)")
        #expect(!spans.contains("s·st") && !spans.contains("h·h") && !spans.contains("␠"))
    }
}

@Suite struct WordLabelTests {
    /// Word-level rows are labelled with the word, whatever marks the pieces carry.
    @Test(arguments: ["minilm-tokenizer", "tiny-albert-pretraining", "tiny-roberta-mlm", "tiny-deberta-v3-mlm"])
    func labelsSpellTheWord(model: String) throws {
        let word = "unforgettable"
        let tok =
            model == "minilm-tokenizer"
            ? try Tokenizer.load(directory: Fixtures.tokenizer)
            : try LoadedModel.load(Fixtures.model(model).path).tokenizer
        let e = tok.encode("an \(word) day")
        let i = try #require(
            e.offsets.indices.first {
                e.offsets[$0].start <= 3 && e.offsets[$0].end > 3 && e.specialTokensMask[$0] == 0
            })
        let members = e.wordMembers(of: i)
        try #require(members.count > 1, "\(model) keeps \(word) whole: \(e.tokens)")
        #expect(AttentionViews.label(members, e) == word, "\(e.tokens)")
    }
}

@Suite struct DisentangledScoreTests {
    /// DeBERTa's attention pane splits the cursor cell's score into its terms; BERT's has none.
    @Test func debertaShowsItsScoreTerms() throws {
        let model = try LoadedModel.load(Fixtures.model("tiny-deberta-v3-mlm").path)
        let w = makeWorkbench("She read a long book.", model: model)
        // Attention: the query starts on the first typed token (row 1); then row 2, key column 1.
        w.press(.escape, .tab, .char("j"), .char("l"))
        let g = w.render(width: 160, height: 48)
        #expect(g.contains("score = c2c ") && g.contains(" + c2p ") && g.contains(" + p2c ") && g.contains("· i−j = 1"))
        // The terms as the encoder splits them (the session's arithmetic of the head brings them).
        let trace = try #require(w.snapshot.result?.trace), a = w.state.attention
        let parts = try #require(
            model.encoder.scoreParts(
                trace, layer: a.layer, head: a.head, query: w.state.tokens.selected, key: a.keyToken))
        #expect(g.contains(parts.description), "\(parts)")
        w.press(.char("v"))  // mean over heads: no per-head terms
        #expect(!w.render(width: 160, height: 48).contains("score = c2c"))
        let bert = makeWorkbench("She read a long book.")
        bert.press(.escape, .tab)
        #expect(!bert.render(width: 160, height: 48).contains("score = "))
    }
}

@Suite struct ReplacedTokenPaneTests {
    /// An ELECTRA discriminator fills the predictions pane with its own task.
    @Test func discriminatorShowsReplacedTokenProbabilities() throws {
        let model = try LoadedModel.load(Fixtures.model("tiny-electra-discriminator").path)
        let w = makeWorkbench("the cat sat on the mat", model: model)
        w.press(.escape)
        let g = w.render(width: 160, height: 48)
        #expect(g.contains("Replaced-token detection (ELECTRA)") && g.contains("P(replaced) per token"))
        let p = try #require(w.snapshot.result?.replaced)
        #expect(p.count == w.snapshot.result?.encoding.count && p.allSatisfy { $0 > 0 && $0 < 1 })
        #expect(g.contains(String(format: "%5.1f%%", p[1] * 100)))
        #expect(!g.contains("has no masked-LM head"))
    }
}
