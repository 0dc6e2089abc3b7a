import Analysis
import Encoder
import Foundation
import Session
import Testing
import TestSupport
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
        w.run(command: "compare he said it")
        w.session.waitUntilIdle()
        let r3 = try #require(w.snapshot.result)
        let v3 = try #require(w.deriver.comparisonView(r3, w.state.attention))
        #expect(v3.difference == nil && v3.alignment.hasPrefix("not aligned"))
        w.press(.escape)
        #expect(!w.state.attention.comparing && w.snapshot.input.comparison == nil)
    }
}
