import Analysis
import Session
import Testing
import TestSupport
@testable import WorkbenchUI

/// `x` in the attention pane: the session computes the head's arithmetic
/// in the background and the panel shows the selected tokens' cell.
@Suite struct ArithmeticPanelTests {
    @Test func theCellsNumbersAreTheModelsAndFollowTheSelection() throws {
        let w = makeWorkbench("the cat sat on the mat")
        w.state.focus = .attention
        w.press(.char("x"))
        #expect(w.state.attention.panel == .arithmetic && w.state.context == .arithmetic)
        w.press(.down); w.press(.down); w.press(.right)
        w.session.waitUntilIdle()
        let r = try #require(w.snapshot.result)
        let out = try #require(r.arithmetic)
        #expect(out.request == ArithmeticRequest(layer: 0, head: 0))
        let g = w.render(width: 160, height: 48)
        let q = w.state.tokens.selected, k = w.state.attention.keyToken
        let p = try #require(r.trace).attention(layer: 0, head: 0, row: q, column: k)
        #expect(g.contains("query \"\(r.encoding.tokens[q])\" → key \"\(r.encoding.tokens[k])\""))
        #expect(g.contains("the model's p " + String(format: "%.6f", p)))
        // Another layer is another request: computed again, on the same trace.
        w.press(.char("]"))
        w.session.waitUntilIdle()
        #expect(w.snapshot.result?.arithmetic?.request == ArithmeticRequest(layer: 1, head: 0))
        #expect(w.render(width: 160, height: 48).contains("layer 2, head 1"))
        // Another of the pane's views takes its place; Esc closes it.
        w.press(.char("g"))
        #expect(w.state.attention.panel == nil && w.state.attention.finder != nil)
        w.press(.escape)
        w.press(.char("x"))
        w.press(.escape)
        #expect(w.state.attention.panel == nil && w.state.context == .attention)
    }

    /// The panel's keys are in the help, under its own heading.
    @Test func itsKeysAreInTheHelp() {
        let lines = KeyMap.helpLines.filter { $0.context == .arithmetic }
        #expect(lines.contains { $0.keys == "{" } && lines.contains { $0.keys.contains("x") })
        #expect(KeyMap.helpLines.contains { $0.context == .attention && $0.keys == "x" })
    }
}

/// `A` in the attention pane: the session recomputes every layer for every
/// token, and the panel shows the tokens pane's token; its numbers are the trace's.
@Suite struct AnatomyPanelTests {
    @Test func theSelectedTokensLayersAreTheTraces() throws {
        let w = makeWorkbench("the cat sat on the mat")
        w.press(.escape, .char("l"), .char("l"))
        w.state.focus = .attention
        w.press(.char("A"))
        #expect(w.state.attention.panel == .anatomy && w.state.context == .anatomy)
        w.session.waitUntilIdle()
        let r = try #require(w.snapshot.result)
        let a = try #require(r.anatomy?.anatomy)
        let i = w.state.tokens.selected
        let g = w.render(width: 160, height: 48)
        #expect(g.contains("token \"\(r.encoding.tokens[i])\" (#\(i)) through the layers"))
        let last = try #require(a.step(layer: a.layers - 1, token: i))
        #expect(g.contains(String(format: "%6.2f", last.output)) && last.difference < 1e-4)
        // The FFN lens of this token: each layer's update's top words, the encoder's own ranking.
        let lens = try #require(r.ffnLens)
        #expect(lens.token == i && lens.layers.count == a.layers)
        let enc = tinyModel.encoder
        let update = try #require(a.ffnUpdate(layer: a.layers - 1, token: i))
        let ids = try #require(enc.promotedTokens(update, k: 3))
        #expect(lens.layers[a.layers - 1].map(\.token) == ids.map { tinyModel.tokenizer.token(for: $0.id) ?? "?" })
        #expect(g.contains("→ " + lens.layers[0].map(\.token).joined(separator: " ")), "\(g)")
        #expect(g.contains("L1 LayerNorms · x + attention: mean "), "\(g)")
        #expect(g.contains("→ LayerNorm (mean ") && (a.embedding(token: i)?.moments.variance ?? 0) > 0, "\(g)")
        // Only the selected token's rows are computed (the workbench asks for that one).
        #expect(a.computed == [i] && a.step(layer: 0, token: i + 1) == nil)
        // Another token in the tokens pane: the analysis runs for it, with its own lens.
        w.state.focus = .tokens
        w.press(.char("l"))
        w.session.waitUntilIdle()
        #expect(w.render(width: 160, height: 48).contains("(#\(i + 1)) through the layers"))
        #expect(w.snapshot.result?.ffnLens?.token == i + 1 && w.snapshot.result?.anatomy?.anatomy?.computed == [i + 1])
        w.state.focus = .attention
        w.press(.char("A"))
        #expect(w.state.attention.panel == nil)
    }
}
