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
    /// Probes that tag the rows without gold tags (silver).
    let tagger: SilverTagger?

    let chunkBytes: Int

    public init(
        encoder: BertEncoder, tokenizer: Tokenizer, files: IndexFiles, chunkRows: Int = CorpusIndexer.chunkRows,
        chunkBytes: Int = CorpusIndexer.chunkBytes, classifier: TaskModel? = nil, tagger: SilverTagger? = nil
    ) {
        self.encoder = encoder; self.tokenizer = tokenizer; self.files = files; self.chunkRows = max(1, chunkRows)
        self.chunkBytes = max(1, chunkBytes)
        self.classifier = classifier; self.tagger = tagger
    }

    /// A chunk's vectors are held until it commits: at most this many bytes of them
    /// (long paragraphs and many layers make fewer rows a chunk).
    public static let chunkBytes = 64 << 20

    /// The rows from `start` the next chunk takes, tokenized: up to `chunkRows` of them while their
    /// vectors fit in `chunkBytes` (at least one row, however long).
    func nextChunk(_ rows: [IndexRow], from start: Int, to end: Int, layers: Int) -> ([IndexRow], [Encoding]) {
        let maxTokens = encoder.config.maxTokens, perToken = max(1, encoder.config.hiddenSize * max(1, layers) * 4)
        var taken: [IndexRow] = [], encodings: [Encoding] = [], bytes = 0
        for r in rows[start..<end] {
            let e = tokenizer.encode(r.row.text, pair: r.row.pair, maxLength: maxTokens)
            let more = e.typedPositions.count * perToken
            if !taken.isEmpty && (taken.count >= chunkRows || bytes + more > chunkBytes) { break }
            taken.append(r)
            encodings.append(e)
            bytes += more
        }
        return (taken, encodings)
    }

    /// Indexes `rows[meta.rowStart..<meta.rowEnd]` (ids are positions in `rows`). `progress`
    /// follows each commit; an error it throws stops the run there (resumable).
    public func run(_ rows: [IndexRow], meta: IndexMeta, restart: Bool, progress: (Progress) throws -> Void) throws
        -> Summary
    {
        let c = encoder.config
        guard rows.count == meta.totalRows, meta.layers.allSatisfy({ $0 <= c.numLayers }),
            (meta.contextLayers ?? []).allSatisfy({ (1...c.numLayers).contains($0) })
        else {
            throw CorpusError("the index's rows or layers do not fit this model")
        }
        let (db, done) = try files.prepare(meta, restart: restart)
        var tokens = try db.queue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM tokens") ?? 0 }
        let appenders = try meta.stored.map {
            try VectorAppender(path: files.vectors($0).path, width: meta.width, rows: tokens)
        }
        let ws = encoder.makeWorkspace()
        var start = done
        try progress(Progress(done: start - meta.rowStart, total: meta.rowEnd - meta.rowStart, tokens: tokens))
        while start < meta.rowEnd {
            let (chunk, encodings) = nextChunk(rows, from: start, to: meta.rowEnd, layers: meta.stored.count)
            let encoded = try ChunkEncoding(
                chunk, encodings: encodings, encoder: encoder, stored: meta.stored, tagger: tagger, ws: ws)
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
        try VectorSeal.write(files, meta: meta, rows: tokens, into: db)
        let truncated = try db.queue.read {
            try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM sentences WHERE truncated > 0") ?? 0
        }
        return Summary(rows: meta.rowEnd - meta.rowStart, tokens: tokens, truncated: truncated, resumedAt: done)
    }
}
