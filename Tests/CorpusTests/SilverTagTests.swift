@testable import Analysis
import Corpus
import CorpusText
import Encoder
import Foundation
import GRDB
import Testing
import TestSupport
import Tokenizers

/// `--silver`: rows without gold tags get each probe's label at its best layer for every
/// word (its first piece read, every piece tagged), said to be silver; gold rows keep theirs.
@Suite struct SilverTagTests {
    typealias T = CorpusIndexTests

    static func probes(_ m: T.Model, tasks: [String]) throws -> [TrainedProbes] {
        let all = try LabeledCorpus.read(Fixtures.packageRoot.appendingPathComponent("Samples/probing/dev.conllu"))
        let (train, dev, test) = (Array(all[0..<60]), Array(all[60..<75]), Array(all[75..<95]))
        let f = try [train, dev, test].map {
            try ProbeFeatures.extract($0, encoder: m.encoder, tokenizer: m.tokenizer)
        }
        var o = LogisticRegression.Options()
        o.maxEpochs = 4
        return try tasks.map {
            try Prober.train(
                task: $0, train: train, dev: dev, test: test, features: (f[0].0, f[1].0, f[2].0),
                kept: (f[0].1, f[1].1, f[2].1), options: o)
        }
    }

    @Test func untaggedRowsGetTheProbesLabelsAndGoldRowsKeepTheirs() throws {
        let m = try T.Model("tiny-bert")
        let trained = try Self.probes(m, tasks: ["upos", "ner"])
        let tagger = SilverTagger(trained, width: m.encoder.config.hiddenSize, layers: m.encoder.config.numLayers)
        #expect(tagger.tasks.map(\.name) == ["ner", "upos"])
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var rows = T.rows()
        let gold = CorpusRow(
            text: "She is old.", words: ["She", "is", "old", "."], wordRanges: [0..<3, 4..<6, 7..<10, 10..<11],
            gold: ["upos": ["PRON", "AUX", "ADJ", "PUNCT"]], line: 99)
        rows.append(IndexRow(id: rows.count, file: "g.conllu", row: gold))
        var meta = T.meta(m, rows: rows.count)
        meta.silver = tagger.record
        _ = try CorpusIndexer(
            encoder: m.encoder, tokenizer: m.tokenizer, files: IndexFiles(directory: dir), chunkRows: 4, tagger: tagger
        ).run(rows, meta: meta, restart: false) { _ in }
        let index = try CorpusIndex(files: IndexFiles(directory: dir))
        #expect(index.meta.silver?["upos"]?.hasPrefix("layer ") == true)
        let upos = tagger.tasks.first { $0.name == "upos" }!
        var row = 0
        for r in rows {
            let e = m.tokenizer.encode(r.row.text, maxLength: m.encoder.config.maxTokens)
            let trace = try m.encoder.forward(ids: e.ids, typeIds: e.typeIds)
            var word = ""
            for p in e.typedPositions {
                let match = try index.match(row: row)
                if r.row.gold.isEmpty {
                    if !e.continuesWord(p) {
                        word = trained[0].predict(
                            layer: upos.layer, Array(trace.hiddenState(layer: upos.layer, token: p)))
                    }
                    #expect(match.tags["upos"] == word && match.tagSource == "silver", "row \(row)")
                    #expect(match.tags["ner"] != nil)
                } else {
                    #expect(match.tagSource == "gold" && match.tags["ner"] == nil)
                }
                row += 1
            }
        }
        #expect(try index.match(row: index.tokenCount - 1).tags["upos"] == "PUNCT", "the gold row's last token")
        // Another silver choice is another build.
        let plain = T.meta(m, rows: rows.count)
        let refused = #expect(throws: CorpusError.self) {
            try CorpusIndexer(encoder: m.encoder, tokenizer: m.tokenizer, files: IndexFiles(directory: dir))
                .run(rows, meta: plain, restart: false) { _ in }
        }
        #expect(refused?.description.contains("with silver ner, upos tags") == true)
    }

    @Test func probesOfAnotherWidthOrTaskAreLeftOut() throws {
        let m = try T.Model("tiny-bert")
        let trained = try Self.probes(m, tasks: ["upos"])
        let c = m.encoder.config
        #expect(SilverTagger(trained, width: c.hiddenSize + 1, layers: c.numLayers).tasks.isEmpty)
        #expect(SilverTagger(trained + trained, width: c.hiddenSize, layers: c.numLayers).tasks.count == 1)
        // A best layer past the model's (another model's cache, or a damaged one) would read past
        // the hidden states: that task is left out.
        let t = trained[0], last = t.probes.count - 1
        let accuracy = t.report.accuracy.indices.map { $0 == last ? 1.0 : 0.5 }
        let lastBest = TrainedProbes(
            task: t.task, labels: t.labels,
            report: ProbeReport(task: t.task, labels: t.labels, accuracy: accuracy, controlAccuracy: accuracy),
            probes: t.probes)
        #expect(SilverTagger([lastBest], width: c.hiddenSize, layers: last).tasks.map(\.layer) == [last])
        #expect(SilverTagger([lastBest], width: c.hiddenSize, layers: last - 1).tasks.isEmpty)
    }

    /// Shards tagged by the probes, with head contexts, merge into what one pass writes (the
    /// `tags` column, the silver tags and the context files included).
    @Test func taggedShardsMergeIntoOnePass() throws {
        let m = try T.Model("tiny-bert")
        let tagger = SilverTagger(
            try Self.probes(m, tasks: ["upos"]), width: m.encoder.config.hiddenSize, layers: m.encoder.config.numLayers)
        let one = try temporaryDirectory(), parts = try temporaryDirectory()
        defer { for d in [one, parts] { try? FileManager.default.removeItem(at: d) } }
        let rows = T.rows(pairs: true)
        func meta(_ k: Int, _ n: Int) -> IndexMeta {
            var meta = T.meta(m, rows: rows.count, shard: k, of: n, contexts: [1, 2])
            meta.silver = tagger.record
            return meta
        }
        _ = try CorpusIndexer(
            encoder: m.encoder, tokenizer: m.tokenizer, files: IndexFiles(directory: one), tagger: tagger
        )
        .run(rows, meta: meta(1, 1), restart: false) { _ in }
        for k in 1...2 {
            _ = try CorpusIndexer(
                encoder: m.encoder, tokenizer: m.tokenizer, files: IndexFiles(directory: parts, shard: k, of: 2),
                chunkRows: 2, tagger: tagger
            ).run(rows, meta: meta(k, 2), restart: false) { _ in }
        }
        _ = try CorpusMerge.merge(directory: parts, into: IndexFiles(directory: parts))
        try CorpusIndexTests().expectSameIndex(one, parts)
        let merged = try CorpusIndex(files: IndexFiles(directory: parts))
        #expect(try merged.match(row: 0).tagSource == "silver" && merged.meta.silver == tagger.record)
    }
}
