import Analysis
import CKernels
import Foundation

/// How well an approximate index finds the exact nearest neighbours: recall@k
/// against an exact scan (our own GEMM), with build and query times. On the
/// synthetic set, vectors are drawn around random centres, as embeddings
/// cluster (uniform random vectors have no neighbours worth finding).
public enum ApproximateRecall {
    public struct Report: Codable, Sendable {
        public var kind: String, vectors: Int, dimension: Int, queries: Int, k: Int, breadth: Int
        public var buildSeconds: Double, exactMsPerQuery: Double, approximateMsPerQuery: Double
        public var recall: Double
    }

    /// `n` unit vectors of `d` (seeded, deterministic) with an embedding's shape: clustered
    /// on a `latent`-dimensional subspace (`clusters` centres, each point its centre plus
    /// noise of half its scale), mapped by a random `d` × `latent` matrix, with a little
    /// noise in every direction. Isotropic random vectors would be the wrong test: their
    /// distances concentrate until no neighbour is meaningfully nearer than another.
    public static func synthetic(n: Int, d: Int, clusters: Int = 2_000, latent: Int = 24, seed: UInt64 = 1) -> [Float] {
        var shape = SplitMix64(seed: 7)  // the subspace and centres: shared by the data and its queries
        let map = (0..<(d * latent)).map { _ in shape.normal() / Float(latent).squareRoot() }
        let centres = (0..<(clusters * latent)).map { _ in shape.normal() }
        var rng = SplitMix64(seed: seed)
        var x = [Float](repeating: 0, count: n * d), z = [Float](repeating: 0, count: latent)
        x.withUnsafeMutableBufferPointer { p in
            for r in 0..<n {
                let c = Int(rng.next() % UInt64(clusters))
                for j in 0..<latent { z[j] = centres[c * latent + j] + 0.5 * rng.normal() }
                for i in 0..<d {
                    var v: Float = 0.05 * rng.normal()
                    for j in 0..<latent { v += map[i * latent + j] * z[j] }
                    p[r * d + i] = v
                }
            }
        }
        normalizeRows(&x, d: d)
        return x
    }

    /// Builds `kind` over `x` (n unit vectors of d), then compares its top `k` for each query with the exact top `k`.
    public static func measure(
        _ x: [Float], d: Int, queries q: [Float], kind: ApproximateIndex.Kind, k: Int = 10, breadth: Int? = nil
    ) throws -> Report {
        let n = x.count / d, nq = q.count / d
        let clock = ContinuousClock()
        var t = clock.now
        let ann = try ApproximateIndex(dimension: d, kind: kind, expected: n)
        if ann.needsTraining {
            let step = max(1, n / max(1, ann.trainingRows))
            var sample: [Float] = []
            for r in Swift.stride(from: 0, to: n, by: step) { sample += x[(r * d)..<((r + 1) * d)] }
            try ann.train(sample, rows: sample.count / d)
        }
        try x.withUnsafeBufferPointer { try ann.add($0.baseAddress!, rows: n) }
        let build = (clock.now - t) / .seconds(1)
        let width = breadth ?? (kind == .hnsw ? 128 : 32)
        try ann.setBreadth(width)
        t = clock.now
        let found = try ann.search(q, count: nq, k: k)
        let approximate = (clock.now - t) / .milliseconds(1) / Double(max(nq, 1))
        t = clock.now
        let exact = exactTop(x, d: d, queries: q, k: k)
        let exactMs = (clock.now - t) / .milliseconds(1) / Double(max(nq, 1))
        var hits = 0
        for (a, e) in zip(found, exact) { hits += Set(a.map(\.row)).intersection(e).count }
        return Report(
            kind: kind.rawValue, vectors: n, dimension: d, queries: nq, k: k, breadth: width, buildSeconds: build,
            exactMsPerQuery: exactMs, approximateMsPerQuery: approximate,
            recall: Double(hits) / Double(max(1, nq * k)))
    }

    /// The exact top `k` rows by inner product for each query, scanned in blocks through `bs_linear`.
    static func exactTop(_ x: [Float], d: Int, queries q: [Float], k: Int) -> [[Int]] {
        let n = x.count / d, nq = q.count / d, block = 1 << 15
        var best = [TopK](repeating: TopK(k: k), count: nq)
        var scores = [Float](repeating: 0, count: nq * block)
        for start in Swift.stride(from: 0, to: n, by: block) {
            let rows = min(block, n - start)
            x.withUnsafeBufferPointer { xp in
                bs_linear(q, Int32(nq), Int32(d), xp.baseAddress! + start * d, Int32(rows), nil, &scores, Int32(block))
            }
            for i in 0..<nq { for r in 0..<rows { best[i].offer(row: start + r, score: scores[i * block + r]) } }
        }
        return best.map { $0.sorted().map(\.row) }
    }
}

extension SplitMix64 {
    /// A standard normal draw (Box–Muller), for deterministic synthetic data.
    mutating func normal() -> Float {
        let u = Float(max(Double(next() >> 11) / Double(1 << 53), 1e-12)),
            v = Float(Double(next() >> 11) / Double(1 << 53))
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
}
