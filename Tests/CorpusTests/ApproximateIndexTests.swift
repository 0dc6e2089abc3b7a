@testable import Corpus
import Foundation
import Testing
import TestSupport

/// FAISS through our C interface: recall against the exact scan on clustered
/// vectors, and a corpus index's layer searched approximately after a write and read.
@Suite struct ApproximateIndexTests {
    @Test(arguments: ApproximateIndex.Kind.allCases)
    func recallAgainstExactOnClusteredVectors(kind: ApproximateIndex.Kind) throws {
        let d = 48
        let x = ApproximateRecall.synthetic(n: 20_000, d: d, clusters: 200)
        let q = ApproximateRecall.synthetic(n: 50, d: d, clusters: 200, seed: 9)
        let r = try ApproximateRecall.measure(x, d: d, queries: q, kind: kind, breadth: kind == .hnsw ? 128 : 16)
        print("\(kind) recall@10 \(r.recall) at breadth \(r.breadth), build \(r.buildSeconds) s")
        #expect(r.recall >= 0.95, "\(kind) recall@10 \(r.recall)")
        #expect(r.vectors == 20_000 && r.queries == 50)
    }

    @Test func exactTopIsTheBruteForceOrder() {
        let d = 8
        let x = ApproximateRecall.synthetic(n: 500, d: d, clusters: 5)
        let q = Array(x[0..<d])
        let top = ApproximateRecall.exactTop(x, d: d, queries: q, k: 3)
        #expect(top.first?.first == 0, "a vector is its own nearest")
    }

    @Test func aCorpusLayerSearchedApproximatelyFindsTheExactBest() throws {
        let m = try CorpusIndexTests.Model("tiny-bert")
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try CorpusIndexTests.build(m, dir, rows: CorpusIndexTests.rows())
        let index = try CorpusIndex(files: IndexFiles(directory: dir))
        #expect(throws: CorpusError.self) {
            try index.nearestApproximately([Float](repeating: 1, count: 32), layer: 2, top: 3, kind: .hnsw)
        }
        let url = try index.buildApproximate(layer: 2, kind: .hnsw)
        #expect(url.lastPathComponent == "index.layer-2.hnsw.faiss")
        for row in [0, 7, 20] {
            let q = try #require(index.vector(row: row, layer: 2))
            let exact = try index.nearest(q, layer: 2, top: 5)
            let approx = try index.nearestApproximately(q, layer: 2, top: 5, kind: .hnsw)
            #expect(approx.first?.row == exact.first?.row)
            #expect(abs((approx.first?.cosine ?? 0) - (exact.first?.cosine ?? 1)) < 1e-4)
        }
        #expect(throws: CorpusError.self) { try index.buildApproximate(layer: 5, kind: .ivf) }
        // A changed FAISS file (here: its last byte) no longer matches its seal and is never read.
        let h = try FileHandle(forUpdating: url)
        let size = try h.seekToEnd()
        try h.seek(toOffset: size - 1)
        try h.write(contentsOf: Data([0x5A]))
        try h.close()
        let q = try #require(index.vector(row: 0, layer: 2))
        let refused = #expect(throws: CorpusError.self) {
            try index.nearestApproximately(q, layer: 2, top: 5, kind: .hnsw)
        }
        #expect(refused?.description.contains("corpus ann builds it again") == true)
        // --restart removes the index's FAISS files with its other files.
        let rows = CorpusIndexTests.rows()
        _ = try CorpusIndexer(encoder: m.encoder, tokenizer: m.tokenizer, files: IndexFiles(directory: dir))
            .run(rows, meta: CorpusIndexTests.meta(m, rows: rows.count), restart: true) { _ in }
        #expect(!FileManager.default.fileExists(atPath: url.path))
        #expect(!FileManager.default.fileExists(atPath: url.path + ".seal"))
    }

    @Test func aDamagedFaissFileIsAnErrorNotACrash() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("x.faiss").path
        try Data("not an index at all".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: CorpusError.self) { try ApproximateIndex(reading: path) }
    }
}
