import Corpus
import Foundation

/// `bench --ann`: FAISS's recall@10 against our exact scan on clustered synthetic
/// vectors, with build and query times and peak memory (a benchmark, not a test).
enum BenchANN {
    static func run(_ kind: String, vectors n: Int, dimension d: Int, json: Bool) throws {
        guard let k = ApproximateIndex.Kind(rawValue: kind) else {
            throw CommandError("--ann is hnsw or ivf, not \"\(kind)\"")
        }
        guard (1_000...20_000_000).contains(n), (2...4_096).contains(d),
            n.multipliedReportingOverflow(by: d).overflow == false,
            n * d <= 1 << 31
        else {
            throw CommandError("--vectors 1,000…20,000,000 and --dimension 2…4,096, at most 2³¹ values in all")
        }
        let x = ApproximateRecall.synthetic(n: n, d: d)
        let queries = ApproximateRecall.synthetic(n: 200, d: d, seed: 2)
        let r = try ApproximateRecall.measure(x, d: d, queries: queries, kind: k)
        let peak = peakResidentMegabytes()
        if json { return JSONOutput.print(r) }
        print(
            "ann      \(r.kind), \(r.vectors) synthetic unit vectors of \(r.dimension) (2,000 clusters), \(r.queries) queries"
        )
        print(String(format: "build    %.1f s", r.buildSeconds))
        print(String(format: "recall   %.3f at %d (breadth %d)", r.recall, r.k, r.breadth))
        print(
            String(
                format: "query    %.3f ms approximate, %.2f ms exact (GEMM scan)", r.approximateMsPerQuery,
                r.exactMsPerQuery))
        print(String(format: "memory   peak resident %.0f MB", peak))
    }
}
