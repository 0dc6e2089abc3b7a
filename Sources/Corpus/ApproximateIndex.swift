import CFaiss
import Foundation
import SafeIO

/// Approximate nearest neighbours by cosine through FAISS: HNSW (a graph,
/// no training) or IVF (k-means cells, `nprobe` of them scanned). Vectors go
/// in as unit vectors, so FAISS's inner product is the cosine.
public final class ApproximateIndex: @unchecked Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        case hnsw, ivf
    }

    private let handle: OpaquePointer
    public let dimension: Int
    /// How many rows to train on (IVF): 40 a cell as FAISS asks, at least 100,000, at most all.
    public let trainingRows: Int
    public var count: Int { Int(bs_ann_count(handle)) }

    /// A new empty index; IVF's cell count grows with the vectors it will hold (√n·4, 16…65,536).
    public init(dimension: Int, kind: Kind, expected n: Int) throws {
        let cells = max(16, min(65_536, Int((Double(max(n, 1)).squareRoot() * 4).rounded())))
        let description = kind == .hnsw ? "HNSW32,Flat" : "IVF\(cells),Flat"
        var err = [CChar](repeating: 0, count: 512)
        guard let h = bs_ann_new(Int32(dimension), description, &err, err.count) else {
            throw CorpusError("FAISS could not make \(description): \(message(err))")
        }
        handle = h
        self.dimension = dimension
        trainingRows = kind == .ivf ? min(n, max(100_000, 40 * cells)) : 0
    }

    /// An index written by `write` (its dimension read from it).
    public init(reading path: String) throws {
        var err = [CChar](repeating: 0, count: 512)
        guard let h = bs_ann_read(path, &err, err.count) else {
            throw CorpusError("cannot read \(path) as a FAISS index: \(message(err))")
        }
        handle = h
        dimension = Int(bs_ann_dimension(h))
        trainingRows = 0
    }

    deinit { bs_ann_free(handle) }

    public var needsTraining: Bool { bs_ann_needs_training(handle) != 0 }

    /// Trains IVF's cells on `rows` unit vectors (HNSW needs none).
    public func train(_ x: [Float], rows: Int) throws {
        try check(x, rows)
        try call { bs_ann_train(handle, Int64(rows), x, $0, $1) }
    }

    /// Adds `rows` unit vectors; their labels continue from `count`.
    public func add(_ x: UnsafePointer<Float>, rows: Int) throws {
        try call { bs_ann_add(handle, Int64(rows), x, $0, $1) }
    }

    /// How widely a search looks: HNSW's efSearch, IVF's nprobe.
    public func setBreadth(_ breadth: Int) throws {
        try call { bs_ann_set_breadth(handle, Int32(max(1, breadth)), $0, $1) }
    }

    /// The `k` best (row, cosine) for each of `queries` unit vectors, best first.
    public func search(_ queries: [Float], count nq: Int, k: Int) throws -> [[(row: Int, cosine: Float)]] {
        try check(queries, nq)
        guard k > 0, nq > 0 else { return [] }
        var scores = [Float](repeating: 0, count: nq * k), labels = [Int64](repeating: -1, count: nq * k)
        try call { bs_ann_search(handle, Int64(nq), queries, Int32(k), &scores, &labels, $0, $1) }
        return (0..<nq).map { q in
            (0..<k).compactMap { j in labels[q * k + j] < 0 ? nil : (Int(labels[q * k + j]), scores[q * k + j]) }
        }
    }

    /// Written through a temporary file renamed into place (`OutputFile`): a link or device at
    /// `url` is never followed, and a crash leaves the old file or none, not half a file.
    public func write(_ url: URL) throws {
        try OutputFile.write(to: url) { sink in
            try withUnsafeMutablePointer(to: &sink) { context in
                // A write the sink refuses returns 0 bytes: FAISS then throws, and `call` reports it.
                try call {
                    bs_ann_write(
                        handle,
                        { raw, bytes, count in
                            let sink = raw!.assumingMemoryBound(to: ByteSink.self)
                            return (try? sink.pointee.write(UnsafeRawBufferPointer(start: bytes, count: count)))
                                .map { count } ?? 0
                        }, context, $0, $1)
                }
            }
        }
    }

    private func check(_ x: [Float], _ rows: Int) throws {
        guard rows >= 0, x.count == rows * dimension else {
            throw CorpusError("\(x.count) values are not \(rows) vectors of \(dimension)")
        }
    }

    private func call(_ body: (UnsafeMutablePointer<CChar>, Int) -> Int32) throws {
        var err = [CChar](repeating: 0, count: 512)
        let status = err.withUnsafeMutableBufferPointer { body($0.baseAddress!, $0.count) }
        guard status == 0 else { throw CorpusError("FAISS: \(message(err))") }
    }
}

/// Scales each row of (rows, d) to length 1 (a zero row stays zero).
func normalizeRows(_ x: inout [Float], d: Int) {
    guard d > 0 else { return }
    x.withUnsafeMutableBufferPointer { p in
        for r in 0..<(p.count / d) {
            var s: Float = 0
            for c in 0..<d { s += p[r * d + c] * p[r * d + c] }
            let inv = s > 0 ? 1 / s.squareRoot() : 0
            for c in 0..<d { p[r * d + c] *= inv }
        }
    }
}

/// A C error buffer's text (up to its NUL).
private func message(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
