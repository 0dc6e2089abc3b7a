import Foundation
import Testing
import TestSupport

/// The probing pane's corpus view in the real workbench: `--corpus DIR` opens it,
/// the selected token's neighbours follow the layer (`[`), and Enter makes a match
/// the typed sentence with its token selected.
@Suite(.serialized) struct CorpusTmuxTests {
    @Test func neighboursFollowTheLayerAndEnterOpensTheMatch() throws {
        let tiny = Fixtures.model("tiny-bert").path
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("c.txt")
        try Data("the cat sat on the mat\na dog and the cat\nzebra on the mat the end\n".utf8).write(to: file)
        let index = dir.appendingPathComponent("idx").path
        let built = try runProcess([
            try bertscopeBinary(), "corpus", "index", "--model", tiny, "--out", index, "--layers", "0,3", "--contexts",
            file.path,
        ])
        #expect(built.status == 0, "\(built.stderr)")
        let t = try Tmux.bertscope(
            width: 100, height: 30, state: dir, "--model \(tiny) --corpus \(index) 'the mat'")
        try t.waitFor(text: "Tokens (4)")
        try t.leaveInputLine()
        for key in ["Tab", "Tab", "Tab"] { try t.send(key) }  // token 1 "the" stays selected; the probing pane
        let l3 = try t.waitFor("the corpus view at layer 3") {
            $0.contains("Probing · corpus neighbours") && $0.contains("\"the\" (1) at layer emb [L3]")
                && $0.contains("▶ ")
        }
        #expect(l3.contains("idx · 3 rows · "))
        try t.send("[")
        // At the embedding output (word + position + type), "the" at position 1 is line 1's first word: cosine 1.
        let emb = try t.waitFor("the corpus view at layer 0") {
            $0.contains("at layer [emb] L3") && $0.contains("1.000  the cat sat on the mat")
        }
        #expect(!emb.contains("[L3]"))
        try t.send("Enter")
        try t.waitFor("the match as the typed sentence") {
            $0.contains("A ▸  the cat sat on the mat") && $0.contains("\"the\" (1) at layer [emb]")
                && $0.contains("corpus sentence 0 (c.txt:1)")
        }
        // By a head's output (exBERT): only layer 3's are stored, so the search moves there.
        try t.send("a")
        try t.waitFor("matching by head 1") {
            $0.contains("\"the\" (1) by head 1's output at layer [L3]") && $0.contains("▶ ")
        }
        try t.send(".")
        try t.waitFor("matching by head 2") { $0.contains("by head 2's output at layer [L3]") && $0.contains("▶ ") }
        try t.send("a")
        try t.waitFor("matching by hidden states again, at the layer chosen before") {
            $0.contains("\"the\" (1) at layer [emb] L3")
        }
        // The projector: every corpus token of the layer on two principal axes, a cursor, Enter opens.
        try t.send("p")
        try t.waitFor("the projector") {
            $0.contains("corpus projector") && $0.contains("PC1 ") && $0.contains("of the variance")
                && $0.contains("(no tags in this corpus")
        }
        // Sentences as points (each the mean of its tokens): the corpus has nothing to colour them by.
        try t.send("s")
        try t.waitFor("the sentence projector") {
            $0.contains("· sentences · ◆ typed") && $0.contains("(nothing colours sentences")
        }
        try t.send("s")
        try t.waitFor("the token projector again") { $0.contains("◆ typed · • nearest") }
        for key in ["Left", "Left", "Up"] { try t.send(key) }
        try t.send("Enter")
        try t.waitFor("the sentence under the projector's cursor") {
            $0.contains("corpus sentence ") && $0.contains("(c.txt:")
        }
        try t.send("q")
    }

    /// An index built with --classify opens as a dataset table (`d`) with the classifier's scores, and
    /// Enter makes a row the typed sentence.
    @Test func theDatasetTableShowsTheClassifierOverTheCorpus() throws {
        let model = Fixtures.model("tiny-bert-cls-bf16-sharded").path
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("c.jsonl")
        let lines = [
            #"{"text": "the cat sat", "label": "LABEL_0"}"#, #"{"text": "a dog ran", "label": "LABEL_1"}"#,
            #"{"text": "on the mat", "label": "2"}"#, #"{"text": "the end"}"#,
        ]
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: file)
        let index = dir.appendingPathComponent("idx").path
        let built = try runProcess([
            try bertscopeBinary(), "corpus", "index", "--model", model, "--out", index, "--classify", file.path,
        ])
        #expect(built.status == 0, "\(built.stderr)")
        // Head importance over the 3 labelled rows, kept in the index for the table.
        let report = try runProcess([
            try bertscopeBinary(), "corpus", "report", "--model", model, "--index", index, "--heads", "--json",
        ])
        #expect(report.status == 0, "\(report.stderr)")
        let o = try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])
        let heads = try #require(o["heads"] as? [String: Any])
        #expect(heads["rows"] as? Int == 3)
        #expect((heads["mean"] as? [Double])?.count == (heads["layers"] as? Int ?? 0) * (heads["heads"] as? Int ?? 0))
        let t = try Tmux.bertscope(width: 100, height: 30, state: dir, "--model \(model) --corpus \(index) 'a cat'")
        try t.waitFor(text: "Tokens (")
        try t.leaveInputLine()
        for key in ["Tab", "Tab", "Tab", "d"] { try t.send(key) }
        try t.waitFor("the dataset table") {
            $0.contains("corpus dataset") && $0.contains("3 labelled of 4 answered · accuracy ")
                && $0.contains("4 rows · every row (f) · sorted by loss (s)")
                && $0.contains("heads that help most, Δ log p(gold) when off (3 rows): L")
        }
        try t.send("f")
        try t.waitFor("the misclassified filter") { $0.contains("· misclassified (f) ·") }
        try t.send("f")
        try t.send("s")
        try t.send("s")
        try t.send("s")
        try t.waitFor("corpus order") { $0.contains("sorted by corpus (s)") }
        try t.send("Enter")
        try t.waitFor("the first row as the typed sentence") {
            $0.contains("A ▸  the cat sat") && $0.contains("corpus sentence 0: gold LABEL_0")
        }
        try t.send("q")
    }

    /// `--corpus probing` indexes the probing set's dev file for the default model on first use
    /// (in the cache) and opens the corpus view on it; the second start reuses it.
    @Test func theProbingSampleIsACorpusWithNoFileOfYourOwn() throws {
        try #require(Fixtures.defaultModel() != nil)
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = "env -u NO_COLOR TERM=xterm-256color XDG_STATE_HOME=\(dir.path) XDG_CACHE_HOME=\(dir.path)"
        let command = "\(env) \(try bertscopeBinary()) --corpus probing 'The bank of the river.'"
        for start in 1...2 {
            let t = try Tmux(width: 120, height: 40, command: command + "; sleep 60")
            try t.waitFor(text: "Tokens (")
            try t.leaveInputLine()
            for key in ["Right", "Tab", "Tab", "Tab"] { try t.send(key) }
            try t.waitFor("the sample corpus's neighbours, start \(start)") {
                $0.contains("Probing · corpus neighbours") && $0.contains("probing (sample) · 500 rows ·")
                    && $0.contains("▶ ")
            }
            try t.send("q")
        }
        let corpora = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/bertscope/corpora")
        #expect(corpora.count == 1 && corpora[0].hasPrefix("probing-"))
    }
}
