import CKernels
import CorpusText
import Foundation
import GRDB
import SafeIO

/// A finished index opened for search: its build, its database and one
/// memory-mapped vector matrix per stored layer.
public final class CorpusIndex: @unchecked Sendable {
    public let meta: IndexMeta
    public let files: IndexFiles
    public let tokenCount: Int
    let db: IndexDatabase
    private let matrices: [StoredMatrix: VectorMatrix]
    /// What the views made once and keep, each within a byte budget (least recently used out):
    /// projections (8 bytes a point), tag columns (2 bytes a token), binned grids (2.2 MB each).
    private var projections = ByteBoundedCache<CorpusProjection>(budget: 128 << 20)
    private var tagColumns = ByteBoundedCache<CorpusTagColumn>(budget: 64 << 20)
    private var grids = ByteBoundedCache<ScatterGrid>(budget: 24 << 20)
    private var answered: CorpusDataset?
    private var colouringsFound: [ProjectionUnit: [String]] = [:]
    private let lock = NSLock()

    /// Opens `<directory>/index.*` (or another prefix); an unfinished build is refused.
    public init(files: IndexFiles) throws {
        guard SafeFile.entryKind(of: files.database.path) == "a regular file" else {
            throw CorpusError(
                "\(files.directory.path) holds no corpus index (no \(files.prefix).sqlite); corpus index --out builds one"
            )
        }
        let (db, meta, done) = try IndexDatabase.open(files.database, readOnly: true)
        guard done == meta.rowEnd else {
            throw CorpusError(
                "\(files.database.path): the index is unfinished (\(done - meta.rowStart) of \(meta.rowEnd - meta.rowStart) rows); run corpus index again to finish it"
            )
        }
        tokenCount = try db.queue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM tokens") ?? 0 }
        guard tokenCount < Int(Int32.max) else {
            throw CorpusError("\(files.database.path) holds \(tokenCount) tokens; an index holds fewer than 2³¹")
        }
        var m: [StoredMatrix: VectorMatrix] = [:]
        for s in meta.stored {
            m[s] = try VectorMatrix(path: files.vectors(s).path, rows: tokenCount, width: meta.width)
        }
        try VectorSeal.check(files, meta: meta, matrices: m, in: db)
        self.db = db; self.meta = meta; self.files = files; matrices = m
    }

    func matrix(_ layer: Int) -> VectorMatrix? { matrices[.hidden(layer)] }
    func matrix(_ stored: StoredMatrix) -> VectorMatrix? { matrices[stored] }

    func cachedProjection(_ layer: Int, _ unit: ProjectionUnit) -> CorpusProjection? {
        lock.withLock { projections.value("\(layer) \(unit)") }
    }
    func keepProjection(_ p: CorpusProjection) {
        let size = 4 * (p.points.count + p.axes.count + p.mean.count) + 8 * p.firstRows.count
        lock.withLock { projections.keep(p, bytes: size, "\(p.layer) \(p.unit)") }
    }
    func cachedDataset() -> CorpusDataset? { lock.withLock { answered } }
    func cachedTags(_ name: String) -> CorpusTagColumn? { lock.withLock { tagColumns.value(name) } }
    func keepTags(_ t: CorpusTagColumn) {
        lock.withLock { tagColumns.keep(t, bytes: 2 * t.codes.count + 32 * t.values.count, t.name) }
    }
    func cachedGrid(_ key: String) -> ScatterGrid? { lock.withLock { grids.value(key) } }
    func keepGrid(_ g: ScatterGrid, _ key: String) { lock.withLock { grids.keep(g, bytes: 4 * g.counts.count, key) } }
    func cachedColourings(_ unit: ProjectionUnit) -> [String]? { lock.withLock { colouringsFound[unit] } }
    func keepColourings(_ c: [String], _ unit: ProjectionUnit) { lock.withLock { colouringsFound[unit] = c } }
    func keepDataset(_ d: CorpusDataset) { lock.withLock { answered = d } }
    func forgetDataset() { lock.withLock { answered = nil } }

    /// A token row's vector at a stored layer, as float32.
    public func vector(row: Int, layer: Int) -> [Float]? { matrices[.hidden(layer)]?.row(row) }
    /// A token row's head outputs at a layer stored with --contexts, as float32.
    public func context(row: Int, layer: Int) -> [Float]? { matrices[.context(layer)]?.row(row) }

    /// The `top` token rows most similar by cosine to `query` at `layer`, best first
    /// (ties by row); rows of `excluding` (a sentence id) are left out.
    public func nearest(_ query: [Float], layer: Int, top: Int, excluding: Int? = nil) throws -> [(
        row: Int, cosine: Float
    )] {
        guard matrices[.hidden(layer)] != nil else {
            throw CorpusError(
                "layer \(layer) is not in this index (it holds \(meta.layers.map(String.init).joined(separator: ", ")))"
            )
        }
        return try nearest(query, in: .hidden(layer), columns: [0..<meta.width], top: top, excluding: excluding)
    }

    /// As `nearest`, by the head contexts of `heads` (from 0) of `layer` (1…L): the cosine of
    /// those heads' outputs side by side, as exBERT searches with heads selected.
    public func nearest(_ query: [Float], heads: [Int], layer: Int, top: Int, excluding: Int? = nil) throws -> [(
        row: Int, cosine: Float
    )] {
        guard matrices[.context(layer)] != nil else {
            let held = meta.contextLayers.map { $0.map(String.init).joined(separator: ", ") }
            throw CorpusError(
                "this index holds no head contexts of layer \(layer)"
                    + (held.map { " (it holds layers \($0))" } ?? "; corpus index --contexts stores them"))
        }
        // The build record is range-checked on opening; this guards the arithmetic below all the same.
        guard let h = meta.heads, h > 0, meta.width % h == 0 else {
            throw CorpusError("the index's record of its heads is damaged; build it again (--restart)")
        }
        guard !heads.isEmpty, heads.allSatisfy({ (0..<h).contains($0) }) else {
            throw CorpusError("heads are 1…\(h) in this model")
        }
        let dh = meta.width / h
        // Neighbouring heads are one span: one pass over their columns, not one a head.
        var spans: [Range<Int>] = []
        for head in Array(Set(heads)).sorted() {
            let span = (head * dh)..<((head + 1) * dh)
            if let last = spans.last, last.upperBound == span.lowerBound {
                spans[spans.count - 1] = last.lowerBound..<span.upperBound
            } else {
                spans.append(span)
            }
        }
        return try nearest(query, in: .context(layer), columns: spans, top: top, excluding: excluding)
    }

    /// Cosine over the columns `columns` of every row of `stored`.
    private func nearest(
        _ query: [Float], in stored: StoredMatrix, columns: [Range<Int>], top: Int, excluding: Int?
    ) throws -> [(row: Int, cosine: Float)] {
        guard query.count == meta.width else {
            throw CorpusError("the query has \(query.count) values; the index's vectors have \(meta.width)")
        }
        guard let m = matrices[stored], let base = m.base, top > 0 else { return [] }
        // One span scans straight into the results; several sum through a second pair of arrays.
        var dots = [Float](repeating: 0, count: m.rows), norms = dots
        var part: [Float] = [], partNorms: [Float] = []
        var qn: Float = 0
        func scan(_ span: Range<Int>, _ d: inout [Float], _ n: inout [Float]) {
            query.withUnsafeBufferPointer { q in
                d.withUnsafeMutableBufferPointer { dp in
                    n.withUnsafeMutableBufferPointer { np in
                        bs_half_dot_rows_span(
                            base, Int32(m.rows), Int32(m.width), Int32(span.lowerBound), Int32(span.count),
                            q.baseAddress! + span.lowerBound, dp.baseAddress!, np.baseAddress!)
                    }
                }
            }
        }
        for (k, span) in columns.enumerated() {
            if k == 0 {
                scan(span, &dots, &norms)
            } else {
                if part.isEmpty { (part, partNorms) = (dots, norms) }
                scan(span, &part, &partNorms)
                for r in 0..<m.rows { dots[r] += part[r]; norms[r] += partNorms[r] }
            }
            qn += query[span].reduce(Float(0)) { $0 + $1 * $1 }
        }
        qn = qn.squareRoot()
        let skip = try excluding.map { try rows(of: $0) } ?? 0..<0
        var best = TopK(k: top)
        for r in 0..<m.rows where !skip.contains(r) {
            let denominator = qn * norms[r].squareRoot()
            let score = denominator > 0 ? dots[r] / denominator : 0
            // A damaged vector file's NaN or infinity never outranks a real match.
            best.offer(row: r, score: score.isFinite ? score : -.infinity)
        }
        return best.sorted()
    }

    /// The token rows of sentence `id` (empty when it has none).
    func rows(of id: Int) throws -> Range<Int> {
        try db.queue.read { d in
            guard
                let r = try Row.fetchOne(d, sql: "SELECT first_row, rows FROM sentences WHERE id = ?", arguments: [id])
            else { return 0..<0 }
            let first: Int = try r.need("first_row"), count: Int = try r.need("rows")
            guard first >= 0, count >= 0, first <= tokenCount - count else {
                throw CorpusError("the index database is damaged: sentence \(id)'s token rows are out of range")
            }
            return first..<(first + count)
        }
    }
}

/// The k best (score, row) pairs seen, kept in a small min-heap.
struct TopK {
    let k: Int
    private var heap: [(row: Int, score: Float)] = []
    init(k: Int) { self.k = k; heap.reserveCapacity(min(k, 1 << 16)) }

    /// a worse than b: lower score, or equal score and later row.
    private static func worse(_ a: (row: Int, score: Float), _ b: (row: Int, score: Float)) -> Bool {
        a.score < b.score || (a.score == b.score && a.row > b.row)
    }

    mutating func offer(row: Int, score: Float) {
        let item = (row: row, score: score)
        if heap.count < k {
            heap.append(item)
            var i = heap.count - 1
            while i > 0, Self.worse(heap[i], heap[(i - 1) / 2]) { heap.swapAt(i, (i - 1) / 2); i = (i - 1) / 2 }
        } else if let root = heap.first, Self.worse(root, item) {
            heap[0] = item
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count, Self.worse(heap[l], heap[m]) { m = l }
                if r < heap.count, Self.worse(heap[r], heap[m]) { m = r }
                if m == i { break }
                heap.swapAt(i, m); i = m
            }
        }
    }

    func sorted() -> [(row: Int, cosine: Float)] {
        heap.sorted { Self.worse($1, $0) }.map { ($0.row, $0.score) }
    }
}
