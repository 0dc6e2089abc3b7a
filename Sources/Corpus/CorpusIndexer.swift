import Analysis
import CorpusText
import Encoder
import Foundation
import GRDB
import Tokenizers

/// A row to index: its place among all rows (the sentence id) and the file it came from.
public struct IndexRow: Sendable {
    public let id: Int
    public let file: String
    public let row: CorpusRow
    public init(id: Int, file: String, row: CorpusRow) { self.id = id; self.file = file; self.row = row }
}

/// Builds (or resumes) an index: rows run through the encoder in chunks, each
/// chunk's vectors appended and its sentences and tokens committed in one
/// transaction with the progress, so a killed run resumes at the last chunk.
public struct CorpusIndexer {
    public struct Progress: Sendable { public let done: Int, total: Int, tokens: Int }
    public struct Summary: Sendable { public let rows: Int, tokens: Int, truncated: Int, resumedAt: Int }

    /// Rows per commit: ~15,000 tokens, a few MB of vectors per stored layer.
    public static let chunkRows = 512

    let encoder: BertEncoder
    let tokenizer: Tokenizer
    let files: IndexFiles
    let chunkRows: Int
    /// A sequence classifier whose answer (and loss against the gold label) each row also gets.
    let classifier: TaskModel?

    public init(
        encoder: BertEncoder, tokenizer: Tokenizer, files: IndexFiles, chunkRows: Int = CorpusIndexer.chunkRows,
        classifier: TaskModel? = nil
    ) {
        self.encoder = encoder; self.tokenizer = tokenizer; self.files = files; self.chunkRows = max(1, chunkRows)
        self.classifier = classifier
    }

    /// Indexes `rows[meta.rowStart..<meta.rowEnd]` (ids are positions in `rows`). `progress`
    /// follows each commit; an error it throws stops the run there (resumable).
    public func run(_ rows: [IndexRow], meta: IndexMeta, restart: Bool, progress: (Progress) throws -> Void) throws
        -> Summary
    {
        guard rows.count == meta.totalRows, meta.layers.allSatisfy({ $0 <= encoder.config.numLayers }) else {
            throw CorpusError("the index's rows or layers do not fit this model")
        }
        let (db, done) = try files.prepare(meta, restart: restart)
        var tokens = try db.queue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM tokens") ?? 0 }
        let appenders = try meta.layers.map {
            try VectorAppender(path: files.vectors(layer: $0).path, width: meta.width, rows: tokens)
        }
        let ws = encoder.makeWorkspace()
        var start = done
        try progress(Progress(done: start - meta.rowStart, total: meta.rowEnd - meta.rowStart, tokens: tokens))
        while start < meta.rowEnd {
            let chunk = Array(rows[start..<min(start + chunkRows, meta.rowEnd)])
            let encoded = try ChunkEncoding(chunk, encoder: encoder, tokenizer: tokenizer, layers: meta.layers, ws: ws)
            let predicted = try classifier.map { try ChunkPredictions(chunk, classifier: $0) }
            for (a, layer) in zip(appenders, encoded.vectors) {
                try layer.withUnsafeBufferPointer { try a.append($0.baseAddress!, rows: encoded.tokenCount) }
            }
            for a in appenders { a.sync() }
            try db.queue.write { d in
                try encoded.insert(into: d, firstRow: tokens, attributions: predicted?.attributions)
                try predicted?.insert(into: d, rows: chunk)
                try d.execute(
                    sql: "UPDATE meta SET value = ? WHERE key = 'done'", arguments: [String(chunk.last!.id + 1)])
            }
            tokens += encoded.tokenCount
            start += chunk.count
            try progress(Progress(done: start - meta.rowStart, total: meta.rowEnd - meta.rowStart, tokens: tokens))
        }
        let truncated = try db.queue.read {
            try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM sentences WHERE truncated > 0") ?? 0
        }
        return Summary(rows: meta.rowEnd - meta.rowStart, tokens: tokens, truncated: truncated, resumedAt: done)
    }
}
