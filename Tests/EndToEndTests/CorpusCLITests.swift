import Foundation
import Testing
import TestSupport

/// `corpus index` / `search` / `merge` / `info` through the real binary: the
/// search JSON contract, bad rows named with the rest kept, stale indexes refused.
@Suite struct CorpusCLITests {
    let tiny = Fixtures.model("tiny-bert").path

    private func run(_ args: [String]) throws -> ProcessOutput {
        try runProcess([try bertscopeBinary()] + args)
    }

    static let lines = [
        "the cat sat on the mat", "", "a dog and the cat", "on the mat the dog sat", "the end",
    ]

    @Test func searchJSONIsBestFirstWithLineNumbersAndNoSpecialTokens() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("c.txt")
        try Data((Self.lines.joined(separator: "\n") + "\n").utf8).write(to: file)
        let out = dir.appendingPathComponent("idx").path
        let built = try run(["corpus", "index", "--model", tiny, "--out", out, "--layers", "0,2", file.path])
        #expect(built.status == 0, "\(built.stderr)")
        #expect(built.stdout.contains("indexed 5 rows"))
        let r = try run([
            "corpus", "search", "--model", tiny, "--index", out, "--layer", "0", "--token", "1", "--top", "50",
            "--json",
            "the dog",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let matches = try #require(o["matches"] as? [[String: Any]])
        #expect(!matches.isEmpty && matches.count <= 50)
        let cosines = matches.compactMap { $0["cosine"] as? Double }
        #expect(cosines.count == matches.count && cosines == cosines.sorted(by: >))
        #expect(matches.allSatisfy { !["[CLS]", "[SEP]"].contains($0["token"] as? String ?? "") })
        // Every line's "the" at position 1 is the query's own embedding: line numbers from 0, blank line 1 never.
        let top2 = matches.prefix(2)
        #expect(top2.map { $0["sentence"] as? Int } == [0, 4] && top2.allSatisfy { $0["position"] as? Int == 1 })
        #expect(top2.allSatisfy { abs(($0["cosine"] as? Double ?? 0) - 1) < 1e-3 })
        #expect(matches.allSatisfy { $0["sentence"] as? Int != 1 })
        #expect(matches.first?["token"] as? String == "the" && matches.first?["position"] as? Int == 1)
        // The approximate search (FAISS HNSW) agrees with the exact one on the best match.
        let ann = try run(["corpus", "ann", "--index", out, "--layer", "0"])
        #expect(ann.status == 0 && ann.stdout.contains("built hnsw"), "\(ann.stderr)")
        let approx = try run([
            "corpus", "search", "--model", tiny, "--index", out, "--layer", "0", "--token", "1", "--top", "2",
            "--approximate", "hnsw", "--json", "the dog",
        ])
        let a = try #require(try JSONSerialization.jsonObject(with: Data(approx.stdout.utf8)) as? [String: Any])
        let am = try #require(a["matches"] as? [[String: Any]])
        #expect(Set(am.map { $0["sentence"] as? Int }) == [0, 4], "\(approx.stderr)")
        let info = try run(["corpus", "info", "--index", out])
        #expect(info.stdout.contains("5 rows") && info.stdout.contains("layers: 0, 2"))
    }

    /// `--contexts` stores the heads' outputs; `--heads` searches by them (JSON names the heads), and
    /// an index without them, a head outside the model or --approximate with --heads are one-line errors.
    @Test func headsSearchByTheirOutputs() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("c.txt")
        try Data((Self.lines.joined(separator: "\n") + "\n").utf8).write(to: file)
        let plain = dir.appendingPathComponent("plain").path, heads = dir.appendingPathComponent("heads").path
        #expect(try run(["corpus", "index", "--model", tiny, "--out", plain, "--layers", "2", file.path]).status == 0)
        let built = try run([
            "corpus", "index", "--model", tiny, "--out", heads, "--layers", "0,2", "--contexts", file.path,
        ])
        #expect(built.status == 0, "\(built.stderr)")
        let info = try run(["corpus", "info", "--index", heads])
        #expect(info.stdout.contains("head contexts: layers 2; "), "\(info.stdout)")
        let search = ["corpus", "search", "--model", tiny, "--layer", "2", "--token", "2", "--top", "5"]
        let r = try run(search + ["--index", heads, "--heads", "2,1", "--json", "the dog"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect((o["query"] as? [String: Any])?["heads"] as? [Int] == [1, 2])
        let cosines = try #require(o["matches"] as? [[String: Any]]).compactMap { $0["cosine"] as? Double }
        #expect(cosines.count == 5 && cosines == cosines.sorted(by: >))
        let refused = try run(search + ["--index", plain, "--heads", "1", "the dog"])
        #expect(refused.status == 1 && refused.stderr.contains("corpus index --contexts"), "\(refused.stderr)")
        let outside = try run(search + ["--index", heads, "--heads", "99", "the dog"])
        #expect(outside.status != 0 && outside.stderr.contains("--heads takes heads 1…"), "\(outside.stderr)")
        let approx = try run(search + ["--index", heads, "--heads", "1", "--approximate", "hnsw", "the dog"])
        #expect(approx.status != 0 && approx.stderr.contains("--heads searches exactly"), "\(approx.stderr)")
        let noLayer0 = try run([
            "corpus", "index", "--model", tiny, "--out", dir.appendingPathComponent("x").path, "--layers", "0",
            "--contexts", file.path,
        ])
        #expect(noLayer0.status != 0 && noLayer0.stderr.contains("--contexts stores layers from 1"))
    }

    /// `--silver` needs cached probes (said how to train them), then tags plain text with them, and
    /// search and info say the tags are silver.
    @Test func silverTagsComeFromTheCachedProbes() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var env = ProcessInfo.processInfo.environment
        env["XDG_CACHE_HOME"] = dir.appendingPathComponent("cache").path
        let file = dir.appendingPathComponent("c.txt")
        try Data((Self.lines.joined(separator: "\n") + "\n").utf8).write(to: file)
        let out = dir.appendingPathComponent("idx").path
        let index = [try bertscopeBinary(), "corpus", "index", "--model", tiny, "--out", out, "--silver", file.path]
        let missing = try runProcess(index, environment: env)
        #expect(
            missing.status == 1 && missing.stderr.contains("bertscope probe --task all --model"), "\(missing.stderr)")
        let trained = try runProcess(
            [try bertscopeBinary(), "probe", "--model", tiny, "--task", "upos", "--max-sentences", "80"],
            environment: env)
        #expect(trained.status == 0, "\(trained.stderr)")
        let built = try runProcess(index, environment: env)
        #expect(built.status == 0, "\(built.stderr)")
        let info = try run(["corpus", "info", "--index", out])
        #expect(info.stdout.contains("silver upos tags: layer "), "\(info.stdout)")
        let r = try run([
            "corpus", "search", "--model", tiny, "--index", out, "--layer", "3", "--token", "2", "--json", "the dog",
        ])
        let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let matches = try #require(o["matches"] as? [[String: Any]])
        #expect(!matches.isEmpty && matches.allSatisfy { $0["tag_source"] as? String == "silver" })
        #expect(matches.allSatisfy { (($0["tags"] as? [String: String])?["upos"]).map { !$0.isEmpty } == true })
        let text = try run([
            "corpus", "search", "--model", tiny, "--index", out, "--layer", "3", "--token", "2", "the dog",
        ])
        #expect(text.stdout.contains("upos (silver, from probes): "), "\(text.stdout)")
    }

    @Test func badRowsAreNamedAndTheRestIndexed() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("c.jsonl")
        try Data("{\"text\": \"the cat\"}\n{\"text\": \n{\"text\": \"a dog\", \"label\": 1}\n".utf8).write(to: file)
        let out = dir.appendingPathComponent("idx").path
        let r = try run(["corpus", "index", "--model", tiny, "--out", out, file.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("c.jsonl:2: not JSON"))
        #expect(r.stdout.contains("indexed 2 rows"))
    }

    @Test func aStaleIndexIsRefusedOnOneLine() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("c.txt")
        try Data("the cat\n".utf8).write(to: file)
        let out = dir.appendingPathComponent("idx").path
        #expect(try run(["corpus", "index", "--model", tiny, "--out", out, "--layers", "1", file.path]).status == 0)
        let other = Fixtures.model("tiny-bert-pretraining").path
        let r = try run(["corpus", "search", "--model", other, "--index", out, "--layer", "1", "--token", "1", "the"])
        #expect(r.status == 1 && r.stderr.contains("the index was built with"))
        #expect(r.endedCleanly)
        try Data("the cat\nchanged\n".utf8).write(to: file)
        let again = try run(["corpus", "index", "--model", tiny, "--out", out, "--layers", "1", file.path])
        #expect(again.status == 1 && again.stderr.contains("other input files") && again.stderr.contains("--restart"))
        let missing = try run([
            "corpus", "search", "--model", tiny, "--index", out, "--layer", "2", "--token", "1", "the",
        ])
        #expect(missing.status == 1 && missing.stderr.contains("layer 2 is not in this index"))
    }

    @Test func shardsFromSeparateProcessesMergeToOnePass() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("c.txt")
        try Data((Self.lines + Self.lines).joined(separator: "\n").utf8).write(to: file)
        let one = dir.appendingPathComponent("one").path, parts = dir.appendingPathComponent("parts").path
        #expect(try run(["corpus", "index", "--model", tiny, "--out", one, file.path]).status == 0)
        for k in 1...4 {
            let r = try run(["corpus", "index", "--model", tiny, "--out", parts, "--shard", "\(k)/4", file.path])
            #expect(r.status == 0, "\(r.stderr)")
        }
        let merged = try run(["corpus", "merge", parts])
        #expect(merged.status == 0 && merged.stdout.contains("merged 4 shards"), "\(merged.stderr)")
        for name in ["index.layer-0.f16", "index.layer-1.f16", "index.layer-3.f16"] {
            let a = try Data(contentsOf: URL(fileURLWithPath: one + "/" + name))
            let b = try Data(contentsOf: URL(fileURLWithPath: parts + "/" + name))
            #expect(a == b && !a.isEmpty, "\(name)")
        }
    }
}
