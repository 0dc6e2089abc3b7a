import Figures
import Foundation
import Testing
import TestSupport
@testable import WorkbenchUI

/// `:export FORMAT [PATH]` writes the focused pane, `:export screen FORMAT` the whole screen.
@Suite struct ExportTests {
    @Test func figuresOfThePaneAndTheScreen() throws {
        let w = makeWorkbench("the cat sat on the mat")
        let dir = try temporaryDirectory()
        w.state.focus = .attention
        _ = w.render(width: 120, height: 40)
        w.run(command: "export svg \(dir.appendingPathComponent("a.svg").path)")
        #expect(
            w.state.notice?.text == "wrote \(dir.appendingPathComponent("a.svg").path)",
            "\(String(describing: w.state.notice))")
        let svg = try String(contentsOf: dir.appendingPathComponent("a.svg"), encoding: .utf8)
        let n = try #require(w.snapshot.result?.encoding.count)
        #expect(svg.components(separatedBy: "<title>").count - 1 == n * n, "the heatmap as a matrix figure")
        // The tokens pane as drawn, as PNG: decodes, at 2 px per point of a 120 × 40 frame's pane.
        w.state.focus = .tokens
        w.run(command: "export png \(dir.appendingPathComponent("t.png").path)")
        let png = try PNGFile.read(dir.appendingPathComponent("t.png").path)
        let pane = try #require(FrameLayout.compute(width: 120, height: 40, focus: .tokens, zoomed: false).tokens)
        #expect(png.width == Int((Double(pane.width) * GridFigure.cellWidth * 2).rounded(.up)))
        #expect(png.height == Int((Double(pane.height) * GridFigure.cellHeight * 2).rounded(.up)))
        // The screen as text equals the frame (the notice line aside).
        w.run(command: "export screen txt \(dir.appendingPathComponent("s.txt").path)")
        let text = try String(contentsOf: dir.appendingPathComponent("s.txt"), encoding: .utf8)
        #expect(text.contains("┌ Tokens (8)") && text.contains("┌ Attention · layer 1/3 · head 1/4"))
        #expect(text.split(separator: "\n", omittingEmptySubsequences: false).count == 41)
        // A default path under the export directory.
        w.exportDirectory = dir.path
        w.run(command: "export html")
        let written = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".html") }
        #expect(written.count == 1 && written[0].hasPrefix("bertscope-tokens-"))
        w.run(command: "export screen bmp")
        #expect(w.state.notice?.isError == true && w.state.notice?.text.contains("svg, png, html, txt or ansi") == true)
    }
}
