import Analysis
@testable import Corpus
import CorpusText
import Encoder
import Foundation
import GRDB
import Testing
import TestSupport
import Tokenizers

/// Stored classifier answers and the report over them equal the classifier run row by row.
@Suite struct CorpusReportTests {
    @Test func theReportCountsWhatTheClassifierSaysOfEachLabelledRow() throws {
        let dir = Fixtures.model("tiny-bert-cls-bf16-sharded")
        let encoder = try BertEncoder(directory: dir), tokenizer = try Tokenizer.load(directory: dir)
        let classifier = try TaskModel(encoder: encoder, tokenizer: tokenizer)
        let texts = [
            "the cat sat", "a dog ran", "on the mat", "the end", "a cat and a dog", "the mat the cat", "it was",
            "so it",
        ]
        // Gold labels by name and by id, one row without a label, one with a label the head does not have.
        let golds: [String?] = ["LABEL_0", "1", "LABEL_2", "LABEL_1", "0", nil, "LABEL_9", "2"]
        let rows = zip(texts, golds).enumerated().map { i, tg in
            IndexRow(id: i, file: "c.jsonl", row: CorpusRow(text: tg.0, label: tg.1, line: i + 1))
        }
        let out = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        var meta = IndexMeta(
            model: "tiny", modelKey: "k", layers: [1], width: 32, maxTokens: encoder.config.maxTokens,
            inputs: [.init(name: "c.jsonl", hash: "h", format: "jsonl", rows: rows.count)], totalRows: rows.count)
        meta.classifier = "tiny classifier"
        meta.classes = classifier.task.labels
        _ = try CorpusIndexer(
            encoder: encoder, tokenizer: tokenizer, files: IndexFiles(directory: out), chunkRows: 3,
            classifier: classifier
        ).run(rows, meta: meta, restart: false) { _ in }
        let report = try CorpusReport(CorpusIndex(files: IndexFiles(directory: out)), worst: 3)
        // The reference: each labelled row classified on its own.
        var right = 0, counted = 0, confusion = [[Int]](repeating: [0, 0, 0], count: 3)
        var losses: [Double] = []
        for (text, gold) in zip(texts, golds) {
            let scores = try classifier.classify(classifier.encode(text))
            guard let gold, let g = scores.first(where: { $0.label == gold || String($0.id) == gold }) else { continue }
            let best = scores.max { $0.score < $1.score }!
            counted += 1
            if best.id == g.id { right += 1 }
            confusion[g.id][best.id] += 1
            losses.append(-log(Double(g.score)))
        }
        #expect(counted == 6 && report.labelled == 6)
        #expect(report.correct == right && report.confusion == confusion)
        // The projector can colour by the gold label, the answer and right/wrong: as many "right"
        // sentences as the report counts.
        let index = try CorpusIndex(files: IndexFiles(directory: out))
        #expect(try index.colourings(unit: .sentences) == ["label", "prediction", "correct"])
        let correct = try index.tagColumn("correct"), spans = try index.sentenceSpans()
        let rightCode = UInt16((correct.values.firstIndex(of: "right") ?? -1) + 1)
        #expect(spans.filter { correct.codes[$0.first] == rightCode }.count == right)
        #expect(Set(correct.values).isSubset(of: ["right", "wrong"]))
        // Head importance over the labelled rows: the mean of each row's Δ log p(gold) per head,
        // kept in the index and read back by the report and the dataset table.
        let measured = try index.headImportance(classifier: classifier)
        var sums = [Float](repeating: 0, count: measured.mean.count), measuredRows = 0
        for (text, gold) in zip(texts, golds) {
            let scores = try classifier.classify(classifier.encode(text))
            guard let gold, let g = scores.first(where: { $0.label == gold || String($0.id) == gold }) else { continue }
            let h = try #require(try HeadImportance.compute(classifier, classifier.encode(text), label: g.id))
            for i in sums.indices { sums[i] += h.deltas[i] }
            measuredRows += 1
        }
        #expect(measured.rows == measuredRows && measuredRows == 6)
        #expect(maxAbsDiff(measured.mean, sums.map { $0 / Float(measuredRows) }) < 1e-5)
        #expect(measured.mean.contains { $0 != 0 }, "the heads matter (else the test is vacuous)")
        try index.store(measured)
        let reopened = try CorpusIndex(files: IndexFiles(directory: out))
        #expect(try reopened.dataset()?.heads == measured && CorpusReport(reopened).heads == measured)
        #expect(try index.dataset()?.heads == measured, "the kept dataset is read again after storing")
        #expect(try index.headImportance(classifier: classifier, limit: 2).rows == 2)
        // A damaged record is not shown (never indexed past its table).
        let db = try DatabaseQueue(path: IndexFiles(directory: out).database.path)
        try db.write {
            try $0.execute(
                sql: "UPDATE meta SET value = ? WHERE key = 'head_importance'",
                arguments: [#"{"layers": 2, "heads": 9, "rows": 1, "mean": [0.5]}"#])
        }
        try db.close()
        #expect(try CorpusIndex(files: IndexFiles(directory: out)).dataset()?.heads == nil)
        // Never written through a link, nor into another index at the same path.
        let copy = out.appendingPathComponent("elsewhere.sqlite"), files = IndexFiles(directory: out)
        try FileManager.default.moveItem(at: files.database, to: copy)
        try FileManager.default.createSymbolicLink(at: files.database, withDestinationURL: copy)
        let before = try Data(contentsOf: copy)
        #expect(throws: CorpusError.self) { try index.store(measured) }
        #expect(try Data(contentsOf: copy) == before)
        #expect(throws: CorpusError.self) {
            try index.store(DatasetHeadImportance(layers: 1, heads: 1, rows: 1, mean: [.nan]))
        }
        #expect(abs((report.worst.first?.loss ?? 0) - (losses.max() ?? 0)) < 1e-4)
        #expect(report.worst.count == 3 && report.worst.map(\.loss) == report.worst.map(\.loss).sorted(by: >))
        let f1 = report.perClass.map(\.f1).reduce(0, +) / 3
        #expect(abs(report.macroF1 - f1) < 1e-12)
        // Each class's pushes: grad × input toward the answer, summed per (lowercased) piece over its rows.
        let explainer = Explainer(encoder: encoder, tokenizer: tokenizer)
        var reference = [[String: (Float, Int)]](repeating: [:], count: 3)
        for text in texts {
            let e = classifier.encode(text)
            let best = try classifier.classify(e).max { $0.score < $1.score }!
            let a = try explainer.explain(e, target: .taskLogit(label: best.id), method: .gradInput)
            for p in e.typedPositions {
                let old = reference[best.id][e.tokens[p].lowercased()] ?? (0, 0)
                reference[best.id][e.tokens[p].lowercased()] = (old.0 + a.scores[p], old.1 + 1)
            }
        }
        #expect(report.pushes.contains { !$0.isEmpty })
        for (k, pushes) in report.pushes.enumerated() {
            for p in pushes {
                let want = try #require(reference[k][p.token])
                #expect(abs(p.total - want.0) < 1e-4 && p.count == want.1, "\(p.token) toward class \(k)")
            }
            #expect(pushes.map(\.total) == pushes.map(\.total).sorted(by: >))
        }
    }

    @Test func anIndexWithoutAnswersSaysHowToStoreThem() throws {
        let m = try CorpusIndexTests.Model("tiny-bert")
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try CorpusIndexTests.build(m, dir, rows: CorpusIndexTests.rows())
        let error = #expect(throws: CorpusError.self) {
            try CorpusReport(CorpusIndex(files: IndexFiles(directory: dir)))
        }
        #expect(error?.description.contains("--classify") == true)
    }

    /// Shards built with the classifier merge into the same answers as one pass.
    @Test func shardsKeepTheirAnswersThroughTheMerge() throws {
        let dir = Fixtures.model("tiny-bert-cls-bf16-sharded")
        let encoder = try BertEncoder(directory: dir), tokenizer = try Tokenizer.load(directory: dir)
        let classifier = try TaskModel(encoder: encoder, tokenizer: tokenizer)
        let rows = ["the cat sat", "a dog ran", "on the mat", "the end", "so it was"].enumerated().map { i, t in
            IndexRow(id: i, file: "c.jsonl", row: CorpusRow(text: t, label: "LABEL_\(i % 3)", line: i + 1))
        }
        func meta(_ k: Int, _ n: Int) -> IndexMeta {
            var m = IndexMeta(
                model: "tiny", modelKey: "k", layers: [1], width: 32, maxTokens: encoder.config.maxTokens,
                inputs: [.init(name: "c.jsonl", hash: "h", format: "jsonl", rows: rows.count)], totalRows: rows.count,
                shard: k, shards: n)
            m.classifier = "tiny classifier"
            m.classes = classifier.task.labels
            return m
        }
        let one = try temporaryDirectory(), parts = try temporaryDirectory()
        defer { for d in [one, parts] { try? FileManager.default.removeItem(at: d) } }
        _ = try CorpusIndexer(
            encoder: encoder, tokenizer: tokenizer, files: IndexFiles(directory: one), classifier: classifier
        )
        .run(rows, meta: meta(1, 1), restart: false) { _ in }
        for k in 1...2 {
            _ = try CorpusIndexer(
                encoder: encoder, tokenizer: tokenizer, files: IndexFiles(directory: parts, shard: k, of: 2),
                classifier: classifier
            ).run(rows, meta: meta(k, 2), restart: false) { _ in }
        }
        _ = try CorpusMerge.merge(directory: parts, into: IndexFiles(directory: parts))
        let a = try CorpusIndex(files: IndexFiles(directory: one)).dataset()
        let b = try CorpusIndex(files: IndexFiles(directory: parts)).dataset()
        #expect(a != nil && a == b)
        #expect(a?.rows.count == 5 && a?.pushes.contains { !$0.isEmpty } == true)
    }
}
