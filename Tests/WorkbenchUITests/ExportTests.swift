import Figures
import Foundation
import Session
import Testing
import TestSupport
@testable import WorkbenchUI

#if canImport(Glibc)
    import Glibc
#endif

/// `:export FORMAT [PATH]` writes the focused pane, `:export screen FORMAT` the whole screen.
@Suite struct ExportTests {
    @Test func figuresOfThePaneAndTheScreen() throws {
        let w = makeWorkbench("the cat sat on the mat")
        let dir = try temporaryDirectory()
        w.state.focus = .attention
        _ = w.render(width: 120, height: 40)
        w.run(command: "export svg \(dir.appendingPathComponent("a.svg").path)")
        w.finishBackgroundWork()
        #expect(
            w.state.notice?.text == "wrote \(dir.appendingPathComponent("a.svg").path)",
            "\(String(describing: w.state.notice))")
        let svg = try String(contentsOf: dir.appendingPathComponent("a.svg"), encoding: .utf8)
        let n = try #require(w.snapshot.result?.encoding.count)
        #expect(svg.components(separatedBy: "<title>").count - 1 == n * n, "the heatmap as a matrix figure")
        // The tokens pane as drawn, as PNG: decodes, at 2 px per point of a 120 × 40 frame's pane
        // cropped to what it holds (whole cells, no larger than the pane).
        w.state.focus = .tokens
        w.run(command: "export png \(dir.appendingPathComponent("t.png").path)")
        w.finishBackgroundWork()
        let png = try PNGFile.read(dir.appendingPathComponent("t.png").path)
        let pane = try #require(FrameLayout.compute(width: 120, height: 40, focus: .tokens, zoomed: false).tokens)
        #expect((20...pane.width).contains { png.width == Int((Double($0) * GridFigure.cellWidth * 2).rounded(.up)) })
        #expect(
            (10...pane.height).contains { png.height == Int((Double($0) * GridFigure.cellHeight * 2).rounded(.up)) })
        // The screen as text equals the frame (the notice line aside).
        w.run(command: "export screen txt \(dir.appendingPathComponent("s.txt").path)")
        w.finishBackgroundWork()
        let text = try String(contentsOf: dir.appendingPathComponent("s.txt"), encoding: .utf8)
        #expect(text.contains("┌ Tokens (8)") && text.contains("┌ Attention · layer 1/3 · head 1/4"))
        #expect(text.split(separator: "\n", omittingEmptySubsequences: false).count == 41)
        // A default path under the export directory.
        w.exportDirectory = dir.path
        w.run(command: "export html")
        w.finishBackgroundWork()
        let written = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".html") }
        #expect(written.count == 1 && written[0].hasPrefix("bertscope-tokens-"))
        w.run(command: "export screen bmp")
        w.finishBackgroundWork()
        #expect(w.state.notice?.isError == true && w.state.notice?.text.contains("svg, png, html, txt or ansi") == true)
    }
}

/// `:export` never waits on the key path: a sentence still being computed is
/// exported once its result is on screen, and the writing runs in the background.
@Suite struct ExportWaitsOffTheKeyPathTests {
    @Test func anExportOfASentenceNotYetComputedStartsWhenItIs() throws {
        let (w, scheduler) = manualWorkbench("the cat")
        let dir = try temporaryDirectory().appendingPathComponent("numbers")
        w.handle(.char("s"))
        #expect(w.snapshot.isStale)
        w.run(command: "export \(dir.path)")
        // Returned at once: the session has not run, nothing is written yet.
        #expect(w.state.notice?.text == "export waits for this sentence's numbers…")
        #expect(!FileManager.default.fileExists(atPath: dir.path))
        scheduler.waitUntilIdle()
        w.finishBackgroundWork()
        #expect(
            w.state.notice?.text.hasPrefix("exported hidden_states.npy") == true,
            "\(String(describing: w.state.notice))")
        let tokens = try String(contentsOf: dir.appendingPathComponent("tokens.json"), encoding: .utf8)
        #expect(tokens.contains("\(w.snapshot.result!.encoding.count)") && w.snapshot.result?.input.text == "the cats")
        #expect(tokens.contains("[4,8]"), "the second word spans \"cats\": \(tokens)")
    }

    @Test func aPendingExportIsDroppedWhenTheSentenceChanges() throws {
        let (w, scheduler) = manualWorkbench("the cat")
        let dir = try temporaryDirectory().appendingPathComponent("numbers")
        w.handle(.char("s"))
        w.run(command: "export \(dir.path)")
        w.handle(.char("x"))
        w.tick()
        #expect(w.state.notice?.text.contains("dropped: the sentence changed") == true)
        scheduler.waitUntilIdle()
        w.finishBackgroundWork()
        #expect(!FileManager.default.fileExists(atPath: dir.path))
    }
}

/// The workbench's writers (`:save`, `:export` of a figure, of the numbers)
/// against a device, a FIFO nobody reads and a symlink: written through or
/// refused in one line, never replaced.
@Suite struct WorkbenchWriteTargetTests {
    func kind(_ path: String) -> mode_t {
        var st = stat()
        return lstat(path, &st) == 0 ? st.st_mode & S_IFMT : 0
    }

    @Test func everyWriterLeavesDevicesFIFOsAndLinksInPlace() throws {
        let dir = try temporaryDirectory()
        let null = dir.appendingPathComponent("null").path, fifo = dir.appendingPathComponent("fifo").path
        let target = dir.appendingPathComponent("target").path, link = dir.appendingPathComponent("link").path
        guard mknod(null, S_IFCHR | 0o666, dev_t((1 << 8) | 3)) == 0 else { return #expect(getuid() != 0) }
        #expect(mkfifo(fifo, 0o600) == 0 && symlink(target, link) == 0)
        try Data("old".utf8).write(to: URL(fileURLWithPath: target))
        let w = makeWorkbench("the cat sat")
        _ = w.render(width: 120, height: 40)
        for command in ["save", "export svg", "export txt"] {
            w.run(command: "\(command) \(null)")
            w.finishBackgroundWork()
            #expect(w.state.notice?.isError == false, "\(command): \(String(describing: w.state.notice))")
            #expect(kind(null) == S_IFCHR, "\(command) replaced the device")
            w.run(command: "\(command) \(fifo)")
            w.finishBackgroundWork()
            #expect(
                w.state.notice?.text.contains("nothing is reading") == true,
                "\(command): \(String(describing: w.state.notice))")
            #expect(kind(fifo) == S_IFIFO)
            w.run(command: "\(command) \(link)")
            w.finishBackgroundWork()
            let through = try String(contentsOfFile: target, encoding: .utf8)
            #expect(kind(link) == S_IFLNK && through != "old", "\(command)")
            try Data("old".utf8).write(to: URL(fileURLWithPath: target))
        }
        // The numbers go into a folder: a device where it belongs is refused.
        w.run(command: "export \(null)")
        w.finishBackgroundWork()
        #expect(w.state.notice?.isError == true && kind(null) == S_IFCHR, "\(String(describing: w.state.notice))")
    }
}
