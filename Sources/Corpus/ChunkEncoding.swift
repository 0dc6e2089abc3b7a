import CorpusText
import Encoder
import GRDB
import Tokenizers

/// One chunk of rows encoded: every non-special token's vectors at the stored
/// layers, in row order then position order, and the rows' database records.
struct ChunkEncoding {
    let rows: [IndexRow]
    let encodings: [Encoding]
    /// Stored layer k → (tokenCount, d) row-major.
    private(set) var vectors: [[Float]]
    let tokenCount: Int

    /// `encodings`: the rows tokenized for the model (the indexer sizes chunks by them).
    init(_ rows: [IndexRow], encodings: [Encoding], encoder: BertEncoder, layers: [Int], ws: Workspace) throws {
        self.rows = rows
        self.encodings = encodings
        let d = encoder.config.hiddenSize
        // Where each row's tokens start among the chunk's stored rows.
        var first = [Int](repeating: 0, count: rows.count + 1)
        for (i, e) in encodings.enumerated() { first[i + 1] = first[i] + e.typedPositions.count }
        tokenCount = first[rows.count]
        vectors = [[Float]](repeating: [Float](repeating: 0, count: tokenCount * d), count: layers.count)
        try run(encoder, layers: layers, first: first, d: d, ws: ws)
    }

    /// Same-length rows with the same segment ids run as one batch (no padding: the numbers
    /// are the single-sentence ones); families that cannot batch run a sentence at a time.
    private mutating func run(_ encoder: BertEncoder, layers: [Int], first: [Int], d: Int, ws: Workspace) throws {
        let encodings = self.encodings
        func store(_ i: Int, _ state: (_ layer: Int, _ token: Int) -> UnsafePointer<Float>) {
            for (k, layer) in layers.enumerated() {
                vectors[k].withUnsafeMutableBufferPointer { v in
                    for (j, p) in encodings[i].typedPositions.enumerated() {
                        (v.baseAddress! + (first[i] + j) * d).update(from: state(layer, p), count: d)
                    }
                }
            }
        }
        guard encoder.supportsBatches else {
            var trace = Trace()
            for (i, e) in encodings.enumerated() where !e.typedPositions.isEmpty {
                try encoder.forward(ids: e.ids, typeIds: e.typeIds, attentionMask: nil, workspace: ws, into: &trace)
                trace.hiddenStates.withUnsafeBufferPointer { h in
                    store(i) { l, t in h.baseAddress! + (l * e.count + t) * d }
                }
            }
            return
        }
        let groups = Dictionary(grouping: encodings.indices.filter { !encodings[$0].typedPositions.isEmpty }) {
            BatchKey(length: encodings[$0].count, typeIds: encodings[$0].typeIds)
        }
        var out: [Float] = []
        for (key, members) in groups.sorted(by: { $0.key.length < $1.key.length }) {
            let per = max(1, 2048 / max(1, key.length))
            for s in stride(from: 0, to: members.count, by: per) {
                let batch = Array(members[s..<min(members.count, s + per)])
                try encoder.hiddenStates(
                    batch: batch.map { encodings[$0].ids }, typeIds: key.typeIds, workspace: ws, into: &out)
                let rowsInBatch = batch.count * key.length
                out.withUnsafeBufferPointer { o in
                    for (b, i) in batch.enumerated() {
                        store(i) { l, t in o.baseAddress! + ((l * rowsInBatch) + b * key.length + t) * d }
                    }
                }
            }
        }
    }

    private struct BatchKey: Hashable { let length: Int, typeIds: [Int] }

    /// The chunk's sentences and tokens; token rows continue from `firstRow`.
    /// `attributions`: per row, the classifier's grad × input of each position toward its answer.
    func insert(into db: Database, firstRow: Int, attributions: [[Float]?]? = nil) throws {
        let sentence = try db.cachedStatement(
            sql: "INSERT INTO sentences VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        let token = try db.cachedStatement(
            sql: "INSERT INTO tokens VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        var row = firstRow
        for (k, (r, e)) in zip(rows, encodings).enumerated() {
            let scores = attributions?[safe: k] ?? nil
            let typed = e.typedPositions
            try sentence.execute(arguments: [
                r.id, r.file, r.row.line, r.row.text, r.row.pair, r.row.label, row, typed.count, e.truncated,
            ])
            for p in typed {
                let word = Self.word(of: p, in: e, row: r.row)
                let gold = CorpusTags.names.map { name in word.flatMap { r.row.gold[name]?[safe: $0] } }
                var values: [(any DatabaseValueConvertible)?] = [
                    row, r.id, p, e.tokens[p], e.ids[p], e.sequenceIds[p] ?? 0, e.offsets[p].start, e.offsets[p].end,
                    word,
                ]
                values += gold.map { $0 as (any DatabaseValueConvertible)? }
                values.append(scores?[safe: p].map { Double($0) })
                try token.execute(arguments: StatementArguments(values))
                row += 1
            }
        }
    }

    /// A token's word: the gold word whose span holds it (CoNLL-U), else the tokenizer's word id.
    static func word(of p: Int, in e: Encoding, row: CorpusRow) -> Int? {
        guard !row.wordRanges.isEmpty else { return e.wordIds[p] }
        guard e.sequenceIds[p] == 0 else { return nil }
        let o = e.offsets[p]
        return row.wordRanges.firstIndex { o.start >= $0.lowerBound && o.end <= $0.upperBound && o.end > o.start }
    }
}

extension Array {
    subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
