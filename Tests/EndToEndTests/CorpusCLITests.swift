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
