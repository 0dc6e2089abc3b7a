import CKernels
import Corpus
import CorpusText
import Encoder
import Foundation
import Testing
import TestSupport

/// `--contexts`: each layer's head outputs stored beside the hidden states, equal to the
/// forward pass's; a search by chosen heads equal to brute force over their columns; and
/// vector files tied to their database (a swapped or changed file is refused).
@Suite struct HeadContextSearchTests {
    typealias T = CorpusIndexTests

    /// Batched (BERT) and one sentence at a time (DeBERTa) store the same thing: the head outputs.
    @Test(arguments: ["tiny-bert", "tiny-deberta-v2-mlm"])
    func storedContextsEqualTheForwardPass(model name: String) throws {
        let m = try T.Model(name)
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let rows = T.rows(pairs: true)
        try T.build(m, dir, rows: rows, contexts: [1, 2])
        let index = try CorpusIndex(files: IndexFiles(directory: dir))
        #expect(index.contextLayers == [1, 2] && index.meta.stored.count == 5)
        var row = 0
        for r in rows {
            let e = m.tokenizer.encode(r.row.text, pair: r.row.pair, maxLength: m.encoder.config.maxTokens)
            for p in e.typedPositions {
                for layer in [1, 2] {
                    let want = try m.encoder.headContext(ids: e.ids, typeIds: e.typeIds, layer: layer, token: p)
                    #expect(index.context(row: row, layer: layer) == T.half(want), "row \(row) layer \(layer)")
                }
                row += 1
            }
        }
        #expect(row == index.tokenCount)
    }

    @Test func aSearchByHeadsEqualsBruteForceOverTheirColumns() throws {
        let m = try T.Model("tiny-bert")
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try T.build(m, dir, rows: T.rows(), contexts: [2])
        let index = try CorpusIndex(files: IndexFiles(directory: dir))
        let e = m.tokenizer.encode("the cat on the mat", maxLength: 64)
        let q = try m.encoder.headContext(ids: e.ids, typeIds: e.typeIds, layer: 2, token: 2)
        let dh = m.encoder.config.headDim, H = m.encoder.config.numHeads
        #expect(H >= 2)
        let heads = [H - 1, 0]
        let columns = heads.sorted().flatMap { Array(($0 * dh)..<(($0 + 1) * dh)) }
        func cosine(_ a: [Float], _ b: [Float]) -> Float {
            let x = columns.map { a[$0] }, y = columns.map { b[$0] }
            let dot = zip(x, y).reduce(Float(0)) { $0 + $1.0 * $1.1 }
            return dot / (x.reduce(0) { $0 + $1 * $1 }.squareRoot() * y.reduce(0) { $0 + $1 * $1 }.squareRoot())
        }
        var brute = (0..<index.tokenCount).map { r in (row: r, cosine: cosine(q, index.context(row: r, layer: 2)!)) }
        brute.sort { $0.cosine > $1.cosine || ($0.cosine == $1.cosine && $0.row < $1.row) }
        let found = try index.nearest(q, heads: heads, layer: 2, top: 8)
        #expect(found.map(\.row) == brute.prefix(8).map(\.row))
        #expect(maxAbsDiff(found.map(\.cosine), brute.prefix(8).map(\.cosine)) < 1e-5)
        // One head alone ranks otherwise than both (the columns matter).
        let one = try index.nearest(q, heads: [0], layer: 2, top: 8)
        #expect(one.map(\.row) != found.map(\.row) || one.map(\.cosine) != found.map(\.cosine))
        #expect(throws: CorpusError.self) { try index.nearest(q, heads: [H], layer: 2, top: 3) }
        #expect(throws: CorpusError.self) { try index.nearest(q, heads: [0], layer: 1, top: 3) }
    }

    @Test func anIndexWithoutContextsSaysHowToBuildOne() throws {
        let m = try T.Model("tiny-bert")
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let rows = T.rows()
        try T.build(m, dir, rows: rows)
        let index = try CorpusIndex(files: IndexFiles(directory: dir))
        let q = [Float](repeating: 1, count: index.meta.width)
        let error = #expect(throws: CorpusError.self) { try index.nearest(q, heads: [0], layer: 2, top: 3) }
        #expect(error?.description.contains("corpus index --contexts") == true)
        // Asking for contexts is another build: refused, then rebuilt with --restart.
        let indexer = CorpusIndexer(encoder: m.encoder, tokenizer: m.tokenizer, files: IndexFiles(directory: dir))
        let with = T.meta(m, rows: rows.count, contexts: [2])
        let refused = #expect(throws: CorpusError.self) { try indexer.run(rows, meta: with, restart: false) { _ in } }
        #expect(refused?.description.contains("storing no head contexts") == true)
        _ = try indexer.run(rows, meta: with, restart: true) { _ in }
        #expect(try CorpusIndex(files: IndexFiles(directory: dir)).contextLayers == [2])
    }

    /// Two layer files of one size swapped by hand, or a row changed in place, are refused on opening.
    @Test func aSwappedOrChangedVectorFileIsRefused() throws {
        let m = try T.Model("tiny-bert")
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try T.build(m, dir, rows: T.rows())
        let files = IndexFiles(directory: dir)
        _ = try CorpusIndex(files: files)
        let a = files.vectors(layer: 1), b = files.vectors(layer: 2), tmp = dir.appendingPathComponent("t")
        let fm = FileManager.default
        try fm.moveItem(at: a, to: tmp); try fm.moveItem(at: b, to: a); try fm.moveItem(at: tmp, to: b)
        let swapped = #expect(throws: CorpusError.self) { try CorpusIndex(files: files) }
        #expect(swapped?.description.contains("index.layer-1.f16 is not the file this index wrote") == true)
        try fm.moveItem(at: a, to: tmp); try fm.moveItem(at: b, to: a); try fm.moveItem(at: tmp, to: b)
        _ = try CorpusIndex(files: files)
        // Head context files are sealed too; a record of 0 heads is refused on opening.
        let ctx = try temporaryDirectory()
        defer { try? fm.removeItem(at: ctx) }
        try T.build(m, ctx, rows: T.rows(), contexts: [1, 2])
        let cf = IndexFiles(directory: ctx), c1 = cf.vectors(.context(1)), c2 = cf.vectors(.context(2))
        try fm.moveItem(at: c1, to: tmp); try fm.moveItem(at: c2, to: c1); try fm.moveItem(at: tmp, to: c2)
        let sealed = #expect(throws: CorpusError.self) { try CorpusIndex(files: cf) }
        #expect(sealed?.description.contains("index.context-1.f16 is not the file") == true)
        try T.editBuild(cf) {
            $0.replacingOccurrences(of: "\"heads\":\(m.encoder.config.numHeads)", with: "\"heads\":0")
        }
        let zero = #expect(throws: CorpusError.self) { try CorpusIndex(files: cf) }
        #expect(zero?.description.contains("no build record") == true)
        // The last row is always sampled: one changed value there is caught.
        var bytes = try Data(contentsOf: b)
        bytes[bytes.count - 1] ^= 0x40
        try bytes.write(to: b)
        #expect(throws: CorpusError.self) { try CorpusIndex(files: files) }
    }
}
