import Foundation
import Testing
import TestSupport

/// The real workbench on a tiny ModernBERT classifier (#30): the classifier
/// explains itself by integrated gradients, a local layer's map says its
/// window, the arithmetic of a cell outside the window shows the rotation
/// and the mask with the numbers `anatomy --json` prints, the anatomy follows
/// the pre-LN order, and the context-mixing views run.
@Suite(.serialized) struct ModernBertTmuxTests {
    static let text = "The quick brown fox jumps over the lazy dog"

    @Test func everyViewOpensOnModernBert() throws {
        let model = Fixtures.model("tiny-modernbert-cls-mean").path
        // Query 1 ("The") → key 8 ("n"): |1 − 8| > 4, outside layer 2's window.
        let r = try runProcess([
            try bertscopeBinary(), "anatomy", "--model", model, "--json", "--token", "1", "--key", "8", "--layer", "2",
            "--head", "1", Self.text,
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let cell = try #require(json["cell"] as? [String: Any])
        let rotary = try #require(cell["rotary"] as? [String: Any])
        #expect(
            json["layer_norm"] as? String == "pre" && rotary["window"] as? Int == 4 && cell["masked"] as? Bool == true)
        let unrotated = try #require(rotary["unrotated_dot"] as? Double)

        let t = try Tmux.bertscope(
            width: 160, height: 48, state: try temporaryDirectory(), "--model \(model) '\(Self.text)'")
        try t.waitFor("the classifier's explanation") {
            $0.contains("modernbert 4×4") && $0.contains("integrated-gradients of its logit")
        }
        #expect(!t.screen().contains("not available"))
        try t.leaveInputLine()
        try t.send("Tab")
        try t.send("]")
        try t.waitFor(text: "local layer ±4: 5/25 rows reach CLS")
        // The cursor starts on the selected token's row ("The") and the first key.
        for _ in 0..<8 { try t.send("Right") }
        try t.send("x")
        let arithmetic = try t.waitFor("the arithmetic of The → n") {
            $0.contains("query \"The\" → key \"n\" · layer 2, head 1") && $0.contains("rotary θ 5000, window ±4")
        }
        #expect(arithmetic.contains("+ mask −∞ (outside the ±4 window) = score −∞"), "\(arithmetic)")
        // "rotary θ 5000, window ±4: q̃·k̃ -13.215 + positions 2.215 (i − j = -7)"
        let line = try #require(arithmetic.split(separator: "\n").first { $0.contains("rotary θ 5000") })
        let shown = try #require(line.range(of: "q̃·k̃ ").map { line[$0.upperBound...].prefix { $0 != " " } })
        #expect(String(shown) == String(format: "%.3f", unrotated), "screen \(shown), anatomy --json \(unrotated)")
        #expect(line.contains("(i − j = -7)"))
        try t.send("x")
        try t.send("A")
        try t.waitFor(text: "pre-LN layers: h = x + attn(LN(x)), y = h + FFN(LN(h))")
        try t.send("A")
        for (view, title) in [("norm", "· ‖αf(x)‖"), ("value-zeroing", "· value zeroing")] {
            try t.send(":")
            try t.send("view \(view)", literal: true)
            try t.send("Enter")
            // Drawn: the title names the view and the cursor cell's value is shown (not a waiting line).
            let screen = try t.waitFor("the \(view) view") { $0.contains(title) && $0.contains("The → n ") }
            #expect(!screen.contains("not available") && !screen.contains("error"), "\(screen)")
        }
        try t.send("q")
    }
}

/// `dump` of an input whose maps do not fit is refused in one line naming
/// `--no-attentions`, which writes the hidden states alone.
@Suite struct LongDumpTests {
    @Test func aDumpWhoseMapsDoNotFitNamesTheFlag() throws {
        let model = Fixtures.model("tiny-modernbert-mlm").path
        let text = Array(repeating: "the quick brown fox", count: 10).joined(separator: " ")
        let out = try temporaryDirectory().appendingPathComponent("d")
        // 1.5 MB: room for the tiny model and its hidden states, not for every layer's maps of ~110 tokens.
        let env = ["BERTSCOPE_MEMORY_LIMIT": "1536K"]
        let refused = try runProcess(
            [try bertscopeBinary(), "dump", "--model", model, "--out", out.path, text], environment: env)
        #expect(refused.status != 0 && refused.stderr.contains("--no-attentions"), "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1 && !FileManager.default.fileExists(atPath: out.path))
        let lean = try runProcess(
            [try bertscopeBinary(), "dump", "--model", model, "--no-attentions", "--out", out.path, text],
            environment: env)
        #expect(lean.status == 0, "\(lean.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("attentions.npy").path))
        let hidden = try readNPY(out.appendingPathComponent("hidden_states.npy"))
        #expect(hidden.shape.count == 3 && hidden.shape[0] == 6 && hidden.shape[1] > 100)
    }
}

/// The workbench bounds a long input's attention maps in bytes (#30): over
/// the budget the heatmap reads its rows a band at a time, rebuilt from the
/// hidden states (a layer change encodes nothing), `O` pools the whole map,
/// and a view that needs whole maps says why when they do not fit.
/// BERTSCOPE_MEMORY_LIMIT makes ~110 tokens of a tiny ModernBERT "long".
@Suite(.serialized) struct LongInputWorkbenchTests {
    static let text = Array(repeating: "the quick brown fox", count: 10).joined(separator: " ")

    /// The workbench on the long text under a memory limit, focused on the attention pane once `shown` is on screen.
    func attentionPane(limit: String, secondModel: Bool = false, shown: String) throws -> Tmux {
        let model = Fixtures.model("tiny-modernbert-mlm").path
        let t = try Tmux.bertscope(
            width: secondModel ? 200 : 160, height: secondModel ? 50 : 48, state: try temporaryDirectory(),
            "--model \(model)\(secondModel ? " --compare-model \(model)" : "") '\(Self.text)'",
            environment: ["BERTSCOPE_MEMORY_LIMIT": limit])
        try t.waitFor(text: shown)
        try t.leaveInputLine()
        try t.send("Tab")
        return t
    }

    @Test func overTheBudgetTheMapIsReadByBandsAndPooled() throws {
        // 1.5 MB: a quarter for maps (384 KB) is less than all five layers' (980 KB at 112 tokens).
        let t = try attentionPane(limit: "1536K", shown: "layer 1/5 · head 1/4")
        try t.send("]")
        // Layer 2 is local: its window is named, and the cursor cell is the full pass's
        // (0.068104 in layer 2's kept map; `AttentionRowsTests` checks every row against it).
        let band = try t.waitFor("layer 2's rows") {
            $0.contains("layer 2/5 · head 1/4") && $0.contains("the (2) → [CLS] (1)  p = 0.068104")
        }
        #expect(band.contains("local layer ±4") && band.contains("maps not kept"), "\(band)")
        #expect(!band.contains("encoding again"))
        try t.send("O")
        let pooled = try t.waitFor("the pooled map") {
            $0.contains("layer 2/5 · head 1/4 · pooled") && $0.contains("a cell: the mean of")
        }
        #expect(pooled.contains("cursor the (2) → [CLS] (1)  p = 0.068104"), "\(pooled)")
        try t.send("j")
        try t.waitFor(text: "cursor ")
        try t.send("Enter")
        try t.waitFor("back at full resolution") { !$0.contains("· pooled") && $0.contains("row ") }
        try t.send("q")
    }

    /// The second model (`--compare-model`) keeps to its own session's budget the same way.
    @Test func theSecondModelFollowsTheLayerToo() throws {
        let t = try attentionPane(limit: "1536K", secondModel: true, shown: "layer 1/5 · head 1/4")
        try t.send("]")
        // Both halves draw layer 2's rows: the cursor cell's value twice, no waiting line.
        try t.waitFor("both models' layer 2") {
            $0.components(separatedBy: "→ [CLS] (1)  p = 0.068104").count == 3 && !$0.contains("encoding again")
        }
        try t.send("q")
    }

    @Test func whenAViewNeedsWholeMapsThatDoNotFitThePaneSaysSo() throws {
        // 700 KB: the model loads; a quarter (175 KB) holds not even one layer's maps. The head
        // view reads bands; rollout needs whole maps, and says why it has none.
        let t = try attentionPane(limit: "700K", shown: "maps not kept")
        try t.send(":")
        try t.send("view rollout", literal: true)
        try t.send("Enter")
        let screen = try t.waitFor(text: "tokens: the maps this view reads take 0.2 MB, over the 0.2 MB a pass keeps")
        #expect(screen.contains("mask") || screen.contains("Predictions"), "the other panes work")
        try t.send("q")
    }
}

/// The sentence-similarity view (`=`) on the default model, a sentence-transformers
/// model: its cosine is `bertscope similarity`'s, and each row's greedy match is marked.
@Suite(.serialized) struct SimilarityTmuxTests {
    @Test func theViewShowsWhatSimilaritySays() throws {
        try #require(Fixtures.defaultModel() != nil)
        let a = "A cat sat on the mat.", b = "A kitten rested on the rug."
        let r = try runProcess([try bertscopeBinary(), "similarity", "--json", a, b])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let cosine = try #require(json["cosine"] as? Double)
        let t = try Tmux.bertscope(width: 160, height: 48, state: try temporaryDirectory(), "'\(a)'")
        try t.waitFor(text: "head 1/12 · published layers")
        try t.send("Tab")
        try t.send(b, literal: true)
        try t.leaveInputLine()
        try t.send("Tab")
        try t.send("=")
        let screen = try t.waitFor("the similarity view") { $0.contains("sentence cosine ") && $0.contains("◆") }
        #expect(screen.contains(String(format: "sentence cosine %.3f", cosine)), "\(screen)")
        #expect(screen.contains("cat→kitten"))
        try t.send("=")
        try t.send("q")
    }
}
