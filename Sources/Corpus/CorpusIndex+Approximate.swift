import Analysis
import CKernels
import CorpusText
import Foundation
import SafeIO

extension IndexFiles {
    /// A layer's FAISS index beside its vectors.
    public func approximate(layer: Int, kind: ApproximateIndex.Kind) -> URL {
        directory.appendingPathComponent("\(prefix).layer-\(layer).\(kind.rawValue).faiss")
    }
}

extension CorpusIndex {
    /// Rows converted and added at a time: 64 MB of float32 at 384 wide.
    static let approximateChunk = 1 << 16

    /// Builds a FAISS index of a stored layer's vectors (as unit vectors) and writes it beside
    /// them; IVF first trains its cells on rows spread over the whole index (40 a cell, at least 100,000).
    @discardableResult
    public func buildApproximate(layer: Int, kind: ApproximateIndex.Kind, progress: (Int, Int) -> Void = { _, _ in })
        throws -> URL
    {
        guard let m = matrix(layer) else {
            throw CorpusError(
                "layer \(layer) is not in this index (it holds \(meta.layers.map(String.init).joined(separator: ", ")))"
            )
        }
        guard let base = m.base, m.rows > 0 else { throw CorpusError("the index holds no tokens to search") }
        let d = m.width, ann = try ApproximateIndex(dimension: d, kind: kind, expected: m.rows)
        if ann.needsTraining {
            let step = max(1, m.rows / max(1, ann.trainingRows))
            let sample = Swift.stride(from: 0, to: m.rows, by: step).map { $0 }
            var x = [Float](repeating: 0, count: sample.count * d)
            x.withUnsafeMutableBufferPointer { p in
                for (i, r) in sample.enumerated() { bs_from_half(base + r * d, p.baseAddress! + i * d, d) }
            }
            normalizeRows(&x, d: d)
            try ann.train(x, rows: sample.count)
        }
        var chunk = [Float]()
        for start in Swift.stride(from: 0, to: m.rows, by: Self.approximateChunk) {
            let n = min(Self.approximateChunk, m.rows - start)
            chunk = [Float](repeating: 0, count: n * d)
            chunk.withUnsafeMutableBufferPointer { bs_from_half(base + start * d, $0.baseAddress!, n * d) }
            normalizeRows(&chunk, d: d)
            try chunk.withUnsafeBufferPointer { try ann.add($0.baseAddress!, rows: n) }
            progress(start + n, m.rows)
        }
        let url = files.approximate(layer: layer, kind: kind)
        for target in [url, Self.seal(of: url)] {
            if let kind = SafeFile.entryKind(of: target.path), kind != "a regular file" {
                throw CorpusError("\(target.path) is \(kind); an index writes only its own regular files")
            }
        }
        try ann.write(url)
        try OutputFile.write(Data(seal(url).utf8), to: Self.seal(of: url))
        return url
    }

    /// The approximate `top` rows for `query` at `layer` through the FAISS index built for it.
    public func nearestApproximately(
        _ query: [Float], layer: Int, top: Int, kind: ApproximateIndex.Kind, breadth: Int? = nil
    ) throws -> [(row: Int, cosine: Float)] {
        let url = files.approximate(layer: layer, kind: kind)
        guard SafeFile.entryKind(of: url.path) == "a regular file" else {
            throw CorpusError(
                "no \(kind.rawValue) index for layer \(layer): corpus ann --index DIR --layer \(layer) builds it")
        }
        // FAISS trusts what it reads (a damaged graph can crash a search): only a file whose seal
        // matches this build and its own size and ends is handed to it.
        guard (try? SafeFile.text(Self.seal(of: url), limit: 4_096)) == seal(url) else {
            throw CorpusError(
                "\(url.lastPathComponent) is not this index's (or it changed): corpus ann builds it again")
        }
        let ann = try ApproximateIndex(reading: url.path)
        guard ann.dimension == meta.width, ann.count == tokenCount else {
            throw CorpusError(
                "\(url.lastPathComponent) is not of this index (\(ann.count) vectors of \(ann.dimension)); build it again"
            )
        }
        try ann.setBreadth(breadth ?? (kind == .hnsw ? max(64, 2 * top) : 32))
        var q = query
        normalizeRows(&q, d: q.count)
        return try ann.search(q, count: 1, k: top).first ?? []
    }
}

extension CorpusIndex {
    /// Where a FAISS file's seal lives.
    static func seal(of url: URL) -> URL { URL(fileURLWithPath: url.path + ".seal") }

    /// The build's record and the file's name, size and ends, hashed: what the seal holds.
    func seal(_ url: URL) -> String {
        var h = FNV1a()
        h.mix(Array(meta.json.utf8))
        return "bertscope faiss seal 1 \(h.hex) \(ProbeCache.fileKey(url))\n"
    }
}
