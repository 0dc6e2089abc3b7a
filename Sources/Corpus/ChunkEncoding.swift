import CorpusText
import Encoder
import GRDB
import Tokenizers

/// One chunk of rows encoded: every non-special token's vectors at the stored
/// layers, in row order then position order, and the rows' database records.
struct ChunkEncoding {
    let rows: [IndexRow]
    let encodings: [Encoding]
    /// The index's vector files in `IndexMeta.stored` order → (tokenCount, d) row-major.
    private(set) var vectors: [[Float]]
    let tokenCount: Int
    /// Per row without gold tags (when a tagger is given): each typed token's silver tags, its word's.
    private(set) var silver: [[[String: String]]?]

    /// `encodings`: the rows tokenized for the model (the indexer sizes chunks by them).
    init(
        _ rows: [IndexRow], encodings: [Encoding], encoder: BertEncoder, stored: [StoredMatrix],
        tagger: SilverTagger? = nil, ws: Workspace
    ) throws {
        self.rows = rows
        self.encodings = encodings
        let d = encoder.config.hiddenSize
        // Where each row's tokens start among the chunk's stored rows.
        var first = [Int](repeating: 0, count: rows.count + 1)
        for (i, e) in encodings.enumerated() { first[i + 1] = first[i] + e.typedPositions.count }
        tokenCount = first[rows.count]
        let untagged = tagger.map { t in rows.map { $0.row.gold.isEmpty && !t.tasks.isEmpty } }
        (vectors, silver) = try Self.run(
            encoder, encodings, stored: stored, first: first, d: d, ws: ws, tagger: tagger, untagged: untagged)
    }

    /// Each typed token's tags: its word's first piece read by every probe at the probe's layer.
    static func tagWords(
        _ e: Encoding, _ tagger: SilverTagger, _ hidden: (_ layer: Int, _ token: Int) -> UnsafePointer<Float>
    )
        -> [[String: String]]
    {
        var out: [[String: String]] = [], last: [String: String] = [:]
        for p in e.typedPositions {
            if !e.continuesWord(p) { last = tagger.tags { hidden($0, p) } }
            out.append(last)
        }
        return out
    }

    /// Same-length rows with the same segment ids run as one batch (no padding: the numbers
    /// are the single-sentence ones); families that cannot batch run a sentence at a time.
    private static func run(
        _ encoder: BertEncoder, _ encodings: [Encoding], stored: [StoredMatrix], first: [Int], d: Int, ws: Workspace,
        tagger: SilverTagger?, untagged: [Bool]?
    ) throws -> ([[Float]], [[[String: String]]?]) {
        var vectors = [[Float]](repeating: [Float](repeating: 0, count: first.last! * d), count: stored.count)
        var silver = [[[String: String]]?](repeating: nil, count: encodings.count)
        func tag(_ i: Int, _ hidden: (_ layer: Int, _ token: Int) -> UnsafePointer<Float>) {
            guard let tagger, untagged?[i] == true else { return }
            silver[i] = tagWords(encodings[i], tagger, hidden)
        }
        /// Row i's typed tokens of `matrix` k, read through `state(token)`.
        func store(_ i: Int, _ k: Int, _ state: (_ token: Int) -> UnsafePointer<Float>) {
            vectors[k].withUnsafeMutableBufferPointer { v in
                for (j, p) in encodings[i].typedPositions.enumerated() {
                    (v.baseAddress! + (first[i] + j) * d).update(from: state(p), count: d)
                }
            }
        }
        let hidden = stored.enumerated().compactMap { k, m in if case .hidden(let l) = m { (k, l) } else { nil } }
        // Layer l's attention (from 0) is stored context l + 1.
        var context: [Int: Int] = [:]
        for (k, m) in stored.enumerated() { if case .context(let l) = m { context[l - 1] = k } }
        guard encoder.supportsBatches else {
            var trace = Trace()
            for (i, e) in encodings.enumerated() where !e.typedPositions.isEmpty {
                try encoder.forward(
                    ids: e.ids, typeIds: e.typeIds, attentionMask: nil, ablate: HeadSet(), workspace: ws, into: &trace,
                    isCancelled: nil,
                    observe: context.isEmpty
                        ? nil : { l, c in if let k = context[l] { store(i, k) { c + $0 * d } } })
                trace.hiddenStates.withUnsafeBufferPointer { h in
                    for (k, l) in hidden { store(i, k) { h.baseAddress! + (l * e.count + $0) * d } }
                    tag(i) { l, p in h.baseAddress! + (l * e.count + p) * d }
                }
            }
            return (vectors, silver)
        }
        let groups = Dictionary(grouping: encodings.indices.filter { !encodings[$0].typedPositions.isEmpty }) {
            BatchKey(length: encodings[$0].count, typeIds: encodings[$0].typeIds)
        }
        var out: [Float] = []
        for (key, members) in groups.sorted(by: { $0.key.length < $1.key.length }) {
            let per = max(1, 2048 / max(1, key.length))
            for s in stride(from: 0, to: members.count, by: per) {
                let batch = Array(members[s..<min(members.count, s + per)])
                let n = key.length, rowsInBatch = batch.count * n
                try encoder.hiddenStates(
                    batch: batch.map { encodings[$0].ids }, typeIds: key.typeIds, workspace: ws, into: &out,
                    observe: context.isEmpty
                        ? nil
                        : { l, c in
                            guard let k = context[l] else { return }
                            for (b, i) in batch.enumerated() { store(i, k) { c + (b * n + $0) * d } }
                        })
                out.withUnsafeBufferPointer { o in
                    for (b, i) in batch.enumerated() {
                        for (k, l) in hidden { store(i, k) { o.baseAddress! + ((l * rowsInBatch) + b * n + $0) * d } }
                        tag(i) { l, p in o.baseAddress! + ((l * rowsInBatch) + b * n + p) * d }
                    }
                }
            }
        }
        return (vectors, silver)
    }

    private struct BatchKey: Hashable { let length: Int, typeIds: [Int] }

    /// The chunk's sentences and tokens; token rows continue from `firstRow`.
    /// `attributions`: per row, the classifier's grad × input of each position toward its answer.
    func insert(into db: Database, firstRow: Int, attributions: [[Float]?]? = nil) throws {
        let sentence = try db.cachedStatement(
            sql: "INSERT INTO sentences VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        let token = try db.cachedStatement(
            sql: "INSERT INTO tokens VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        var row = firstRow
        for (k, (r, e)) in zip(rows, encodings).enumerated() {
            let scores = attributions?[safe: k] ?? nil
            let typed = e.typedPositions, silver = self.silver[k]
            let source = !r.row.gold.isEmpty ? "gold" : silver != nil ? "silver" : nil
            try sentence.execute(arguments: [
                r.id, r.file, r.row.line, r.row.text, r.row.pair, r.row.label, row, typed.count, e.truncated, source,
            ])
            for (j, p) in typed.enumerated() {
                let word = Self.word(of: p, in: e, row: r.row)
                let gold = CorpusTags.names.map { name in
                    silver?[j][name] ?? word.flatMap { r.row.gold[name]?[safe: $0] }
                }
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
