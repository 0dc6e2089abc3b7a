import CKernels
import Corpus
import CorpusText
import Encoder
import Foundation
import GRDB
import Testing
import TestSupport
import Tokenizers

/// A tiny model's index of a small corpus: vectors equal to the forward pass,
/// shards merged equal to one pass, a killed run resumed equal to one pass,
/// exact search equal to brute force, and stale or foreign files refused.
@Suite struct CorpusIndexTests {
    static let sentences = [
        "The cat sat on the mat.", "", "A dog barked at the cat!", "Banks lend money; rivers have banks.",
        "Unbelievably long words split into pieces.", "The cat sat on the mat.", "Short.", "Is it raining in Paris?",
        "Why did the chicken cross the road?", "Colourless green ideas sleep furiously.",
    ]

    struct Model {
        let encoder: BertEncoder, tokenizer: Tokenizer
        init(_ name: String) throws {
            encoder = try BertEncoder(directory: Fixtures.model(name))
            tokenizer = try Tokenizer.load(directory: Fixtures.model(name))
        }
    }

    static func rows(pairs: Bool = false) -> [IndexRow] {
        sentences.enumerated().map { i, s in
            IndexRow(
                id: i, file: "c.txt",
                row: CorpusRow(text: s, pair: pairs && i % 3 == 0 ? "And then?" : nil, line: i + 1))
        }
    }

    static func meta(
        _ m: Model, layers: [Int] = [0, 1, 2], rows: Int, shard: Int = 1, of shards: Int = 1, contexts: [Int]? = nil
    ) -> IndexMeta {
        var meta = IndexMeta(
            model: "tiny", modelKey: "k", layers: layers, width: m.encoder.config.hiddenSize,
            maxTokens: m.encoder.config.maxTokens,
            inputs: [.init(name: "c.txt", hash: "h", format: "text", rows: rows)],
            totalRows: rows, shard: shard, shards: shards)
        if let contexts { (meta.contextLayers, meta.heads) = (contexts, m.encoder.config.numHeads) }
        return meta
    }

    static func build(
        _ m: Model, _ dir: URL, rows: [IndexRow], layers: [Int] = [0, 1, 2], chunk: Int = 3, contexts: [Int]? = nil
    ) throws {
        let meta = meta(m, layers: layers, rows: rows.count, contexts: contexts)
        _ = try CorpusIndexer(
            encoder: m.encoder, tokenizer: m.tokenizer, files: IndexFiles(directory: dir), chunkRows: chunk
        )
        .run(rows, meta: meta, restart: false) { _ in }
    }

    /// Values rounded to binary16 and back, as an index stores them.
    static func half(_ x: some Collection<Float>) -> [Float] {
        let v = Array(x)
        var h = [UInt16](repeating: 0, count: v.count), back = [Float](repeating: 0, count: v.count)
        bs_to_half(v, &h, v.count)
        bs_from_half(h, &back, v.count)
        return back
    }

    @Test(arguments: ["tiny-bert", "tiny-deberta-v2-mlm"])
    func vectorsEqualTheForwardPassRoundedToHalf(model name: String) throws {
        let m = try Model(name)
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let rows = Self.rows(pairs: true)
        try Self.build(m, dir, rows: rows)
        let index = try CorpusIndex(files: IndexFiles(directory: dir))
        var row = 0
        for r in rows {
            let e = m.tokenizer.encode(r.row.text, pair: r.row.pair, maxLength: m.encoder.config.maxTokens)
            let trace = try m.encoder.forward(ids: e.ids, typeIds: e.typeIds)
            for p in e.typedPositions {
                for layer in [0, 1, 2] {
                    #expect(
                        index.vector(row: row, layer: layer) == Self.half(trace.hiddenState(layer: layer, token: p)))
                }
                row += 1
            }
        }
        #expect(row == index.tokenCount && row > 40)
    }

    @Test func shardsMergedEqualOnePass() throws {
        let m = try Model("tiny-bert")
        let one = try temporaryDirectory(), parts = try temporaryDirectory()
        defer { for d in [one, parts] { try? FileManager.default.removeItem(at: d) } }
        let rows = Self.rows(pairs: true)
        try Self.build(m, one, rows: rows, contexts: [1, 2])
        for k in 1...3 {
            let meta = Self.meta(m, rows: rows.count, shard: k, of: 3, contexts: [1, 2])
            _ = try CorpusIndexer(
                encoder: m.encoder, tokenizer: m.tokenizer, files: IndexFiles(directory: parts, shard: k, of: 3),
                chunkRows: 2
            ).run(rows, meta: meta, restart: false) { _ in }
        }
        #expect(throws: CorpusError.self) { try CorpusIndex(files: IndexFiles(directory: parts)) }
        let merged = try CorpusMerge.merge(directory: parts, into: IndexFiles(directory: parts))
        #expect(merged.shards == 3 && merged.rows == rows.count)
        try expectSameIndex(one, parts)
    }

    @Test func aMissingShardIsNamed() throws {
        let m = try Model("tiny-bert")
        let parts = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: parts) }
        let rows = Self.rows()
        for k in [1, 3] {
            _ = try CorpusIndexer(
                encoder: m.encoder, tokenizer: m.tokenizer, files: IndexFiles(directory: parts, shard: k, of: 3)
            ).run(rows, meta: Self.meta(m, rows: rows.count, shard: k, of: 3), restart: false) { _ in }
        }
        let error = #expect(throws: CorpusError.self) {
            try CorpusMerge.merge(directory: parts, into: IndexFiles(directory: parts))
        }
        #expect(error?.description.contains("shard 2 of 3 is missing") == true)
    }

    struct Stop: Error {}

    @Test func aStoppedRunResumesToTheSameIndex() throws {
        let m = try Model("tiny-bert")
        let one = try temporaryDirectory(), resumed = try temporaryDirectory()
        defer { for d in [one, resumed] { try? FileManager.default.removeItem(at: d) } }
        let rows = Self.rows()
        try Self.build(m, one, rows: rows)
        let indexer = CorpusIndexer(
            encoder: m.encoder, tokenizer: m.tokenizer, files: IndexFiles(directory: resumed), chunkRows: 3)
        let meta = Self.meta(m, rows: rows.count)
        #expect(throws: Stop.self) {
            try indexer.run(rows, meta: meta, restart: false) { p in if p.done >= 6 { throw Stop() } }
        }
        // What a kill after the write but before the commit leaves: vector bytes past the last commit.
        let layer0 = IndexFiles(directory: resumed).vectors(layer: 0)
        let h = try FileHandle(forWritingTo: layer0)
        h.seekToEndOfFile(); h.write(Data(repeating: 7, count: 1000)); try h.close()
        #expect(throws: CorpusError.self) { try CorpusIndex(files: IndexFiles(directory: resumed)) }
        var seen: [Int] = []
        let s = try indexer.run(rows, meta: meta, restart: false) { seen.append($0.done) }
        #expect(s.resumedAt == 6 && seen.first == 6)
        try expectSameIndex(one, resumed)
    }

    /// Chunks are cut by their vectors' bytes too: a budget below one row's makes one row a chunk.
    @Test func aByteBudgetCutsChunksAndTheIndexIsTheSame() throws {
        let m = try Model("tiny-bert")
        let one = try temporaryDirectory(), small = try temporaryDirectory()
        defer { for d in [one, small] { try? FileManager.default.removeItem(at: d) } }
        let rows = Self.rows(pairs: true)
        try Self.build(m, one, rows: rows)
        var commits = 0
        _ = try CorpusIndexer(
            encoder: m.encoder, tokenizer: m.tokenizer, files: IndexFiles(directory: small), chunkBytes: 1
        ).run(rows, meta: Self.meta(m, rows: rows.count), restart: false) { _ in commits += 1 }
        #expect(commits == rows.count + 1, "one commit a row, after the first progress report")
        try expectSameIndex(one, small)
    }

    @Test func anotherBuildIsRefusedAndRestartRemovesOnlyItsOwnFiles() throws {
        let m = try Model("tiny-bert")
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let rows = Self.rows()
        try Self.build(m, dir, rows: rows)
        let mine = dir.appendingPathComponent("notes.txt")
        try Data("keep me".utf8).write(to: mine)
        let other = Self.meta(m, layers: [2], rows: rows.count)
        let indexer = CorpusIndexer(encoder: m.encoder, tokenizer: m.tokenizer, files: IndexFiles(directory: dir))
        let error = #expect(throws: CorpusError.self) { try indexer.run(rows, meta: other, restart: false) { _ in } }
        #expect(error?.description.contains("layers 0,1,2, not 2") == true)
        _ = try indexer.run(rows, meta: other, restart: true) { _ in }
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(left == ["index.layer-2.f16", "index.sqlite", "notes.txt"])
        #expect(try String(contentsOf: mine, encoding: .utf8) == "keep me")
    }

    /// An index of another format version is refused in one line, and --restart builds it anew.
    @Test func anOlderFormatIsRefusedAndRestartRebuildsIt() throws {
        let m = try Model("tiny-bert")
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let rows = Self.rows()
        try Self.build(m, dir, rows: rows)
        try Self.editBuild(IndexFiles(directory: dir)) {
            $0.replacingOccurrences(of: "\"format\":\(IndexMeta.formatVersion)", with: "\"format\":1")
        }
        let opened = #expect(throws: CorpusError.self) { try CorpusIndex(files: IndexFiles(directory: dir)) }
        #expect(opened?.description.contains("index format 1") == true)
        let indexer = CorpusIndexer(encoder: m.encoder, tokenizer: m.tokenizer, files: IndexFiles(directory: dir))
        let meta = Self.meta(m, rows: rows.count)
        let resumed = #expect(throws: CorpusError.self) { try indexer.run(rows, meta: meta, restart: false) { _ in } }
        #expect(resumed?.description.contains("--restart") == true)
        _ = try indexer.run(rows, meta: meta, restart: true) { _ in }
        #expect(try CorpusIndex(files: IndexFiles(directory: dir)).meta.format == IndexMeta.formatVersion)
    }

    @Test func symlinksAndFifosAtTheIndexPathsAreRefused() throws {
        let m = try Model("tiny-bert")
        let dir = try temporaryDirectory(), victim = try temporaryDirectory()
        defer { for d in [dir, victim] { try? FileManager.default.removeItem(at: d) } }
        let target = victim.appendingPathComponent("precious")
        try Data("precious".utf8).write(to: target)
        let files = IndexFiles(directory: dir)
        try FileManager.default.createSymbolicLink(at: files.database, withDestinationURL: target)
        let rows = Self.rows()
        #expect(throws: CorpusError.self) { try Self.build(m, dir, rows: rows) }
        try FileManager.default.removeItem(at: files.database)
        #expect(mkfifo(files.vectors(layer: 1).path, 0o644) == 0)
        #expect(throws: CorpusError.self) { try Self.build(m, dir, rows: rows) }
        #expect(try String(contentsOf: target, encoding: .utf8) == "precious")
    }

    @Test func exactSearchEqualsBruteForceAndNeverMatchesSpecialTokens() throws {
        let m = try Model("tiny-bert")
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let rows = Self.rows()
        try Self.build(m, dir, rows: rows)
        let index = try CorpusIndex(files: IndexFiles(directory: dir))
        let e = m.tokenizer.encode("the cat on the mat", maxLength: 64)
        let q = Array(try m.encoder.forward(ids: e.ids, typeIds: e.typeIds).hiddenState(layer: 2, token: 2))
        let found = try index.nearest(q, layer: 2, top: 7)
        func cosine(_ a: [Float], _ b: [Float]) -> Float {
            let dot = zip(a, b).reduce(Float(0)) { $0 + $1.0 * $1.1 }
            return dot / (a.reduce(0) { $0 + $1 * $1 }.squareRoot() * b.reduce(0) { $0 + $1 * $1 }.squareRoot())
        }
        var brute: [(row: Int, cosine: Float)] = []
        for r in 0..<index.tokenCount { brute.append((r, cosine(q, index.vector(row: r, layer: 2) ?? []))) }
        brute.sort { $0.cosine > $1.cosine || ($0.cosine == $1.cosine && $0.row < $1.row) }
        let best = Array(brute.prefix(7))
        #expect(found.map { $0.row } == best.map { $0.row })
        #expect(maxAbsDiff(found.map { $0.cosine }, best.map { $0.cosine }) < 1e-5)
        let matches = try index.matches(found)
        #expect(matches.allSatisfy { !["[CLS]", "[SEP]", "[PAD]"].contains($0.token) })
        // At layer 0 (word + position embeddings), "the" at position 1 of lines 0 and 5 is the query itself.
        let trace = try m.encoder.forward(ids: e.ids, typeIds: e.typeIds)
        let same = try index.matches(index.nearest(Array(trace.hiddenState(layer: 0, token: 1)), layer: 0, top: 2))
        #expect(
            same.map(\.token) == ["the", "the"] && same.map(\.sentence) == [0, 5] && same.map(\.position) == [1, 1])
        #expect(same.allSatisfy { abs($0.cosine - 1) < 1e-3 })
        // The sentence id is the line number from 0; the empty line has no tokens.
        #expect(try index.matches(index.nearest(q, layer: 2, top: 500)).allSatisfy { $0.sentence != 1 })
        let without = try index.nearest(q, layer: 2, top: 3, excluding: 0)
        #expect(try index.matches(without).allSatisfy { $0.sentence != 0 })
        #expect(throws: CorpusError.self) { try index.nearest(q, layer: 5, top: 3) }
    }

    /// Rewrites the index's build record by hand (what a tampered or older index holds).
    static func editBuild(_ files: IndexFiles, _ edit: (String) -> String) throws {
        let db = try DatabaseQueue(path: files.database.path)
        try db.write { d in
            let json = try String.fetchOne(d, sql: "SELECT value FROM meta WHERE key = 'build'")!
            try d.execute(sql: "UPDATE meta SET value = ? WHERE key = 'build'", arguments: [edit(json)])
        }
        try db.close()
    }

    /// Same sentences and tokens (every column) and the same vector bytes.
    func expectSameIndex(_ a: URL, _ b: URL) throws {
        let x = try CorpusIndex(files: IndexFiles(directory: a)), y = try CorpusIndex(files: IndexFiles(directory: b))
        #expect(x.meta == y.meta)
        for table in ["sentences ORDER BY id", "tokens ORDER BY row"] {
            let read = { (url: URL) in
                try DatabaseQueue(path: IndexFiles(directory: url).database.path).read {
                    try Row.fetchAll($0, sql: "SELECT * FROM \(table)").map { $0.description }
                }
            }
            #expect(try read(a) == read(b), "\(table) differs")
        }
        for m in x.meta.stored {
            let p = { (u: URL) in try Data(contentsOf: IndexFiles(directory: u).vectors(m)) }
            #expect(try p(a) == p(b), "\(m.name) vectors differ")
        }
    }
}
