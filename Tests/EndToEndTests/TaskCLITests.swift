import Foundation
import Testing
import TestSupport

/// `classify` and `answer` through the real binary, in the README's JSON
/// contract, against transformers (task_goldens.json); one checkpoint per
/// head type and family is enough here (TaskHeadParityTests covers them all in process).
@Suite struct TaskCLITests {
    private func run(_ args: [String]) throws -> ProcessOutput { try runProcess([try bertscopeBinary()] + args) }

    private func json(_ r: ProcessOutput) throws -> [String: Any] {
        #expect(r.status == 0, "\(r.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    }

    @Test(arguments: ["heads/bert-sequence", "heads/roberta-sequence", "heads/bert-sequence-multi"])
    func classifySequence(model: String) throws {
        let dir = Fixtures.model(model)
        let golden = try Fixtures.json(dir.appendingPathComponent("task_goldens.json"))
        for c in golden["sequence"] as! [[String: Any]] {
            var args = ["classify", "--model", dir.path, "--json"]
            if let pair = c["pair"] as? String { args += ["--pair", pair] }
            let got = try json(try run(args + [c["text"] as! String]))["labels"] as? [[String: Any]] ?? []
            let want = c["labels"] as! [[String: Any]]
            #expect(got.map { $0["id"] as? Int } == want.map { $0["id"] as? Int })
            #expect(got.map { $0["label"] as? String } == want.map { $0["label"] as? String })
            for (g, w) in zip(got, want) {
                #expect(abs((g["probability"] as! Double) - (w["probability"] as! Double)) <= 1e-4)
            }
        }
    }

    @Test func classifyRegressionPrintsTheValue() throws {
        let dir = Fixtures.model("heads/bert-sequence-regression")
        let c = (try Fixtures.json(dir.appendingPathComponent("task_goldens.json"))["sequence"] as! [[String: Any]])[0]
        let got = try json(try run(["classify", "--model", dir.path, "--json", c["text"] as! String]))
        let label = try #require((got["labels"] as? [[String: Any]])?.first)
        #expect(label["probability"] == nil && label["label"] as? String == "score")
        let want = ((c["labels"] as! [[String: Any]])[0]["probability"] as! Double)
        #expect(abs((label["value"] as! Double) - want) <= 1e-4)
    }

    @Test(arguments: ["heads/electra-token", "heads/xlm-roberta-token"])
    func classifyTokens(model: String) throws {
        let dir = Fixtures.model(model)
        let golden = try Fixtures.json(dir.appendingPathComponent("task_goldens.json"))
        for c in golden["token"] as! [[String: Any]] {
            let got =
                try json(try run(["classify", "--model", dir.path, "--json", c["text"] as! String]))["tokens"]
                as? [[String: Any]] ?? []
            let want = c["tokens"] as! [[String: Any]]
            #expect(got.map { $0["position"] as? Int } == want.map { $0["position"] as? Int })
            #expect(got.map { $0["token"] as? String } == want.map { $0["token"] as? String })
            #expect(got.map { $0["label"] as? String } == want.map { $0["label"] as? String })
            for (g, w) in zip(got, want) {
                #expect(abs((g["probability"] as! Double) - (w["probability"] as! Double)) <= 1e-4)
            }
        }
    }

    @Test(arguments: ["heads/bert-qa", "heads/distilbert-qa", "heads/deberta-v3-qa"])
    func answer(model: String) throws {
        let dir = Fixtures.model(model)
        for c in try Fixtures.json(dir.appendingPathComponent("task_goldens.json"))["qa"] as! [[String: Any]] {
            let got = try json(
                try run(["answer", "--model", dir.path, "--json", c["question"] as! String, c["context"] as! String]))
            #expect(got["answer"] as? String == c["answer"] as? String)
            #expect(got["start"] as? Int == c["start"] as? Int && got["end"] as? Int == c["end"] as? Int)
            #expect(abs((got["score"] as! Double) - (c["score"] as! Double)) <= 1e-4)
        }
    }

    @Test func wrongHeadIsOneLineError() throws {
        let qa = try run(["classify", "--model", Fixtures.model("heads/bert-qa").path, "some text"])
        #expect(
            qa.status == 1 && qa.stderr.contains("use bertscope answer") && qa.stderr.split(separator: "\n").count == 1)
        let base = try run(["answer", "--model", Fixtures.model("tiny-bert").path, "q", "c"])
        #expect(base.status == 1 && base.stderr.contains("has no task head"))
        let cls = try run(["answer", "--model", Fixtures.model("heads/bert-sequence").path, "q", "c"])
        #expect(cls.status == 1 && cls.stderr.contains("not question answering"))
    }

    @Test func infoListsTheHeadAndLabels() throws {
        let r = try run(["info", "--model", Fixtures.model("heads/bert-token").path])
        #expect(r.stdout.contains("token classification (5 labels: O, B-PER, I-PER, B-LOC, I-LOC)"))
        let s = try run(["info", "--model", Fixtures.model("heads/bert-sequence-multi").path])
        #expect(s.stdout.contains("negative, neutral, positive; sigmoid per label"))
    }
}

/// `explain` through the real binary: the README's JSON contract, numbers from Captum.
@Suite struct ExplainCLITests {
    private func run(_ args: [String]) throws -> ProcessOutput { try runProcess([try bertscopeBinary()] + args) }

    @Test(arguments: ["heads/bert-sequence", "heads/albert-sequence", "tiny-roberta-mlm"])
    func explainMatchesCaptum(model: String) throws {
        let dir = Fixtures.model(model)
        let golden = try Fixtures.json(dir.appendingPathComponent("attribution_goldens.json"))
        let c = (golden["cases"] as! [[String: Any]])[0]
        for (method, key) in [
            ("grad-input", "grad_input"), ("integrated-gradients", "integrated_gradients"), ("occlusion", "occlusion"),
            ("gradient-norm", "gradient_norm"),
        ] {
            let r = try run([
                "explain", "--model", dir.path, "--method", method, "--steps", "\(golden["steps"] as! Int)", "--json",
                c["text"] as! String,
            ])
            #expect(r.status == 0, "\(r.stderr)")
            let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            #expect(o["method"] as? String == method)
            let target = try #require(o["target"] as? [String: Any])
            #expect(target["id"] as? Int == c["target"] as? Int && (target["label"] as? String)?.isEmpty == false)
            let got = try #require(o["attributions"] as? [Double]), want = c[key] as! [Double]
            #expect((o["tokens"] as? [String])?.count == want.count && got.count == want.count)
            let scale = max(1e-6, want.map(abs).max() ?? 0)
            #expect(zip(got, want).allSatisfy { abs($0 - $1) <= 2e-3 * scale }, "\(model) \(method)")
            #expect((o["completeness_gap"] != nil) == (method == "integrated-gradients"))
        }
    }

    @Test func targetByLabelAndClearErrors() throws {
        let dir = Fixtures.model("heads/bert-sequence").path
        let r = try run(["explain", "--model", dir, "--method", "grad-input", "--target", "positive", "--json", "a b"])
        let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect((o["target"] as? [String: Any])?["label"] as? String == "positive")
        let bad = try run(["explain", "--model", dir, "--method", "occlusion", "--target", "happy", "a b"])
        #expect(bad.status == 1 && bad.stderr.contains("is not a label (negative, neutral, positive)"))
        let token = try run(["explain", "--model", Fixtures.model("heads/bert-token").path, "a b"])
        #expect(token.status == 1 && token.stderr.contains("not token classification"))
        let method = try run(["explain", "--model", dir, "--method", "saliency", "a b"])
        #expect(method.status == 1 && method.stderr.split(separator: "\n").count == 1)
    }

    @Test func degenerateGradInputIsSaid() throws {
        let r = try run([
            "explain", "--model", Fixtures.model("heads/deberta-v3-sequence").path, "--method", "grad-input", "--json",
            "The movie was absolutely terrible.",
        ])
        let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect((o["note"] as? String)?.contains("Σ grad·e = 0") == true)
        #expect((o["attributions"] as? [Double])?.allSatisfy { $0 == 0 } == true)
    }
}

/// `tokenize --max-length N --stride S --json`: the README's contract, against transformers.
@Suite struct WindowCLITests {
    @Test(arguments: ["tiny-roberta-mlm", "tiny-xlm-roberta-mlm"])
    func windowsMatchTransformers(model: String) throws {
        let dir = Fixtures.model(model)
        let cases = try Fixtures.json(dir.appendingPathComponent("windows_goldens.json"))["cases"] as! [[String: Any]]
        for c in cases.filter({ ($0["text"] as! String).count > 40 && $0["error"] == nil }).prefix(6) {
            let r = try runProcess([
                try bertscopeBinary(), "tokenize", "--model", dir.path, "--max-length", "\(c["max_length"] as! Int)",
                "--stride", "\(c["stride"] as! Int)", "--json", c["text"] as! String,
            ])
            #expect(r.status == 0, "\(r.stderr)")
            let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            let got = try #require(o["windows"] as? [[String: Any]]), want = c["windows"] as! [[String: Any]]
            #expect(got.count == want.count)
            #expect(got.map { $0["ids"] as! [Int] } == want.map { $0["ids"] as! [Int] })
            #expect(got.map { $0["offsets"] as! [[Int]] } == want.map { $0["offsets"] as! [[Int]] })
        }
        let bad = try runProcess([
            try bertscopeBinary(), "tokenize", "--model", dir.path, "--max-length", "8", "--stride", "6",
            String(repeating: "word ", count: 40),
        ])
        #expect(bad.status == 1 && bad.stderr.contains("stride 6 must be below"))
    }
}

/// The new commands on degenerate input: one line on stderr, exit 1, or a sane answer.
@Suite struct NewCommandEdgeTests {
    private func run(_ args: [String], env: [String: String]? = nil) throws -> ProcessOutput {
        try runProcess([try bertscopeBinary()] + args, environment: env)
    }

    @Test func degenerateInputsAreOneLineErrors() throws {
        let qa = Fixtures.model("heads/bert-qa").path, cls = Fixtures.model("heads/bert-sequence").path
        let cases: [([String], String)] = [
            (["answer", "--model", qa, "q", ""], "the context has no tokens"),
            (["tokenize", "--model", cls, "--max-length", "1", "hello"], "leaves no room for text"),
            (["explain", "--model", cls, "--steps", "0", "x"], "--steps must be between 1 and 1000"),
            (["patch", "--model", qa, "--counterfactual", "a", "b"], "needs a sequence classifier"),
            (["patch", "--model", cls, "--counterfactual", "same", "same"], "does not change the target"),
            (["tokenize", "--models", cls, "--stats", "/nonexistent/corpus"], "--stats:"),
            (["dump", "--model", cls, "--stride", "2", "--pair", "b", "--out", "/tmp/never", "a"], "no --pair"),
        ]
        for (args, message) in cases {
            let r = try run(args)
            #expect(r.status == 1 && r.stderr.contains(message), "\(args): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(args): \(r.stderr)")
        }
        // Nothing typed still has an answer and an explanation (of [CLS] [SEP] alone).
        let empty = try run(["explain", "--model", cls, "--method", "occlusion", "--json", ""])
        #expect(empty.status == 0, "\(empty.stderr)")
        // Saved activations are bounded before they are allocated.
        let tight = try run(
            ["explain", "--model", cls, "--method", "grad-input", String(repeating: "a ", count: 30)],
            env: ["BERTSCOPE_MEMORY_LIMIT": "2K"])
        #expect(tight.status == 1 && tight.stderr.split(separator: "\n").count == 1)
    }
}
