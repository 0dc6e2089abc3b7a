import Analysis
import Encoder
import Foundation
@testable import Session
import Testing
import TestSupport
import Tokenizers
@testable import WorkbenchUI

/// A text longer than the model's window (tiny BERT: 64 positions): HF's
/// overflowing windows, one shown at a time, chosen with < > or :window.
@Suite struct LongTextTests {
    static let text = Array(repeating: "he said that it was here and the one was there", count: 12).joined(
        separator: " ")

    /// The tiny BERT sequence classifier (64 positions, three labels).
    static func classifier() throws -> LoadedModel {
        let dir = Fixtures.model("heads/bert-sequence")
        return LoadedModel(
            directory: dir, encoder: try BertEncoder(directory: dir), tokenizer: try Tokenizer.load(directory: dir))
    }

    /// A mask two windows hold: the shown window's guesses, and the other's named beside them.
    @Test func aMaskInTwoWindowsIsPredictedInBoth() throws {
        // 60 words, the mask at word 52: inside windows 1 and 2's overlap (62 tokens each, stride 16).
        var words = Array(repeating: "he said that it was here".split(separator: " ").map(String.init), count: 10)
            .flatMap { $0 }
        words[52] = "[MASK]"
        let text = words.joined(separator: " ")
        let w = makeWorkbench(text)
        let r = try #require(w.snapshot.result), win = try #require(r.windows)
        let doc = try tinyModel.tokenizer.windowed(text, maxLength: 64, stride: 16)
        let holders = doc.windows.indices.filter { doc.windows[$0].ids.contains(4) }
        #expect(holders == [0, 1] && win.index == 0)
        let p = try #require(r.mlm?.predictions.first?.position)
        let other = try #require(r.elsewhere[p]?.first)
        #expect(other.window == 1)
        // Window 2's own guesses at that token, as the session shows them when window 2 is chosen.
        w.state.focus = .predictions
        w.run(command: "window 2")
        w.session.waitUntilIdle()
        let r2 = try #require(w.snapshot.result)
        #expect(r2.mlm?.predictions.first?.predictions.prefix(3).map(\.id) == other.guesses.map(\.id))
        let p2 = try #require(r2.mlm?.predictions.first?.position)
        let back = try #require(r2.elsewhere[p2]?.first)
        #expect(back.window == 0 && back.guesses.map(\.id) == r.mlm?.predictions.first?.predictions.prefix(3).map(\.id))
        let g = w.render(width: 160, height: 48)
        #expect(g.contains("of window 2/\(win.count)") && g.contains("in window 1: "))
    }

    /// A classifier on a long text answers for every window; the panel lists them, the shown one bracketed.
    @Test func theTaskHeadAnswersForEveryWindow() throws {
        let model = try Self.classifier()
        let w = makeWorkbench(Self.text, model: model)
        w.session.waitUntilIdle()
        let r = try #require(w.snapshot.result), t = try #require(r.task), win = try #require(r.windows)
        let task = try TaskModel(encoder: model.encoder, tokenizer: model.tokenizer)
        let doc = try model.tokenizer.windowed(Self.text, maxLength: win.size, stride: win.stride)
        #expect(t.windowLabels.map(\.window) == Array(doc.windows.indices))
        for (k, e) in doc.windows.enumerated() {
            let best = try #require(try task.classify(e).max { $0.score < $1.score })
            #expect(t.windowLabels[k].label == best.label && abs(t.windowLabels[k].score - best.score) < 1e-6)
        }
        w.state.focus = .predictions
        let g = w.render(width: 160, height: 48)
        #expect(g.contains("by window: [1 \(t.windowLabels[0].label)"))
    }

    /// The shown window's class explained in every other window: each window's
    /// strongest token, and an overlap token's attribution in the windows that hold it.
    @Test func explanationsRunInEveryWindow() throws {
        let model = try Self.classifier()
        let w = makeWorkbench(Self.text, model: model)
        w.session.waitUntilIdle()
        w.state.focus = .predictions
        w.run(command: "window 2")
        w.session.waitUntilIdle()
        let r = try #require(w.snapshot.result), t = try #require(r.task), win = try #require(r.windows)
        let target = try #require(t.target)
        #expect(win.index == 1 && !t.explainingWindows)
        let doc = try model.tokenizer.windowed(Self.text, maxLength: win.size, stride: win.stride)
        #expect(t.windowExplanations.map(\.window) == doc.windows.indices.filter { $0 != 1 })
        let explainer = Explainer(encoder: model.encoder, tokenizer: model.tokenizer)
        var overlaps = 0
        for x in t.windowExplanations {
            let e = doc.windows[x.window]
            let a = try explainer.explain(
                e, target: .taskLogit(label: target), method: r.input.explainMethod, steps: Explainer.interactiveSteps)
            #expect(abs(a.logit - x.logit) < 1e-5)
            let typed = e.tokens.indices.filter { !e.isSpecial($0) }
            let top = try #require(typed.max { abs(a.scores[$0]) < abs(a.scores[$1]) })
            #expect(x.strongest == e.tokens[top] && abs(x.strongestValue - a.scores[top]) < 1e-5)
            // Shared positions: the same character span in both windows, and window x's own score there.
            for (p, v) in x.shared {
                let q = try #require(
                    e.offsets.indices.first { !e.isSpecial($0) && e.offsets[$0] == r.encoding.offsets[p] })
                #expect(e.tokens[q] == r.encoding.tokens[p] && abs(a.scores[q] - v) < 1e-5)
                overlaps += 1
            }
        }
        // Windows 1 and 3 each share the stride's tokens with window 2.
        #expect(overlaps == 2 * win.stride)
        // The cursor on the first token window 1 also holds: its value there is said under the cursor.
        let first = try #require(t.windowExplanations.first { $0.window == 0 }?.shared.keys.min())
        w.state.predictions.explainCursor = first
        let g = w.render(width: 160, height: 48)
        #expect(g.contains("strongest by window: 1 \"") && g.contains(" · [2 \""))
        let there = try #require(t.windowExplanations.first { $0.window == 0 }?.shared[first])
        #expect(g.contains("also in window 1 " + String(format: "%+.4f", there)))
        // Back to window 1: every window was explained already (as shown or as another), so nothing runs again
        // and window 2's explanation there is the one it had when shown.
        let explained = w.session.windowsExplained
        w.run(command: "window 1")
        w.session.waitUntilIdle()
        let back = try #require(w.snapshot.result?.task)
        #expect(w.session.windowsExplained == explained && !back.explainingWindows)
        let two = try #require(back.windowExplanations.first { $0.window == 1 })
        let a2 = try #require(t.attribution)
        #expect(two.logit == a2.logit && abs(two.strongestValue) == a2.scores.map(abs).max())
        let one = try #require(t.windowExplanations.first { $0.window == 0 })
        #expect(back.attribution?.logit == one.logit)
    }

    @Test func windowsAreShownOneAtATime() throws {
        let w = makeWorkbench(Self.text)
        let r = try #require(w.snapshot.result), win = try #require(r.windows)
        let doc = try tinyModel.tokenizer.windowed(Self.text, maxLength: 64, stride: ModelSession.windowStride(64))
        #expect(win.count == doc.windows.count && win.count >= 3 && win.stride == 16 && win.size == 64)
        #expect(r.encoding == doc.windows[0] && r.trace?.tokens == doc.windows[0].count)
        var g = w.render(width: 120, height: 40)
        #expect(g.contains("window 1/\(win.count) of 64, stride 16") && !g.contains("cut)"))
        #expect(g.contains("window 1/\(win.count): tokens 1–62/\(doc.document.count)"))
        w.state.focus = .attention
        w.press(.char(">"))
        w.session.waitUntilIdle()
        let r2 = try #require(w.snapshot.result)
        #expect(r2.windows?.index == 1 && r2.encoding == doc.windows[1])
        g = w.render(width: 120, height: 40)
        #expect(g.contains("window 2/\(win.count) of 64") && g.contains(", 16 shared with 1"))
        w.run(command: "window \(win.count)")
        w.session.waitUntilIdle()
        #expect(w.snapshot.result?.encoding == doc.windows.last)
        w.press(.char(">"))
        #expect(w.state.window == win.count - 1, "the last window stays")
        w.run(command: "window 99")
        #expect(w.state.notice?.isError == true && w.state.notice?.text == ":window takes 1…\(win.count)")
        // :open reads a file into line A (line breaks become spaces) and starts at its first window.
        let file = try temporaryDirectory().appendingPathComponent("doc.txt")
        try Data((Self.text.replacingOccurrences(of: " and ", with: "\nand ") + "\n").utf8).write(to: file)
        w.run(command: "open \(file.path)")
        w.finishJobs()
        w.session.waitUntilIdle()
        #expect(w.state.editorA.text == Self.text && w.state.window == 0 && w.snapshot.result?.windows?.index == 0)
        #expect(w.state.notice?.text == "opened doc.txt: \(Self.text.unicodeScalars.count) characters")
        w.run(command: "open /nonexistent/doc.txt")
        w.finishJobs()
        #expect(w.state.notice?.isError == true && w.state.editorA.text == Self.text, "a failed open keeps the text")
        // A short text is one window: no strip, the keys do nothing.
        let short = makeWorkbench("he said")
        short.state.focus = .tokens
        short.press(.char(">"))
        #expect(short.state.window == 0 && short.snapshot.result?.windows == nil)
        short.run(command: "window 2")
        #expect(short.state.notice?.text.contains("fits the model's window") == true)
    }
}
