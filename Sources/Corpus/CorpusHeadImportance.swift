import Analysis
import CorpusText
import Foundation
import SafeIO
import GRDB
import Tokenizers

extension CorpusIndex {
    /// Head importance over the labelled rows (the first `limit`, in corpus order): each row's
    /// Δ log p(gold) per head alone off (`HeadImportance`, the workbench's `I` on one sentence),
    /// averaged. `progress(done, total)` follows each row; an error it throws stops the run.
    public func headImportance(
        classifier: TaskModel, limit: Int? = nil, progress: (Int, Int) throws -> Void = { _, _ in }
    ) throws -> DatasetHeadImportance {
        guard let dataset = try dataset() else {
            throw CorpusError("this index stores no classifier answers: build it with corpus index --classify")
        }
        guard classifier.task.labels == dataset.classes else {
            throw CorpusError("the model's classifier has other classes than the one the index stored")
        }
        let labelled = dataset.rows.filter { $0.gold != nil }
        let rows = Array(labelled.prefix(max(0, limit ?? labelled.count)))
        guard !rows.isEmpty else { throw CorpusError("no row has a gold label among the classifier's classes") }
        let c = classifier.encoder.config
        var sum = [Double](repeating: 0, count: c.numLayers * c.numHeads), counted = 0
        try progress(0, rows.count)
        for (k, r) in rows.enumerated() {
            guard let gold = r.gold.flatMap(dataset.classes.firstIndex(of:)) else { continue }
            let e = classifier.encode(r.text, pair: r.pair)
            if let h = try HeadImportance.compute(classifier, e, label: gold), h.deltas.count == sum.count {
                for i in sum.indices { sum[i] += Double(h.deltas[i]) }
                counted += 1
            }
            try progress(k + 1, rows.count)
        }
        guard counted > 0 else { throw CorpusError("no labelled row could be measured") }
        return DatasetHeadImportance(
            layers: c.numLayers, heads: c.numHeads, rows: counted, mean: sum.map { Float($0 / Double(counted)) })
    }

    /// Refuses early (before hours of measuring) an index whose database cannot be written.
    public func checkWritable() throws {
        let path = files.database.path
        guard SafeFile.entryKind(of: path) == "a regular file", access(path, W_OK) == 0,
            access(files.directory.path, W_OK) == 0
        else { throw CorpusError("\(path) cannot be written here; head importance is kept in the index") }
    }

    /// Keeps the measure in the index's database, where the dataset table reads it: only in the
    /// same regular file this index opened (its build record checked), never through a link.
    public func store(_ h: DatasetHeadImportance) throws {
        guard h.isValid, h.mean.allSatisfy(\.isFinite) else {
            throw CorpusError("the head importance measured is not a finite table; nothing stored")
        }
        try checkWritable()
        let json = String(decoding: try JSONEncoder.sorted.encode(h), as: UTF8.self), build = meta.json
        var config = Configuration()
        config.readonly = false
        let queue = try DatabaseQueue(path: files.database.path, configuration: config)
        defer { try? queue.close() }
        try queue.write { d in
            guard try String.fetchOne(d, sql: "SELECT value FROM meta WHERE key = 'build'") == build else {
                throw CorpusError("\(files.database.path) holds another index now; nothing stored")
            }
            try d.execute(sql: "INSERT OR REPLACE INTO meta VALUES ('head_importance', ?)", arguments: [json])
        }
        forgetDataset()
    }

    /// The stored measure, if any and well-formed for this index's width.
    func storedHeadImportance() throws -> DatasetHeadImportance? {
        let json = try db.queue.read {
            try String.fetchOne($0, sql: "SELECT value FROM meta WHERE key = 'head_importance'")
        }
        guard let json,
            let h = try? JSONDecoder().decode(DatasetHeadImportance.self, from: Data(json.utf8)), h.isValid
        else { return nil }
        return h
    }
}
