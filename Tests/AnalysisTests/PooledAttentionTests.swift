import Analysis
import Testing

/// The whole-map overview: every block's mean, peak and the peak's place
/// equal a plain loop over the map, whatever the block sizes and threads.
@Suite struct PooledAttentionTests {
    /// A deterministic n × n map with one clear peak per row.
    static func map(_ n: Int) -> [Float] {
        (0..<(n * n)).map { k in
            let i = k / n, j = k % n
            return j == (i * 7) % n ? 0.5 : Float((i * 31 + j * 17) % 97) / 1000
        }
    }

    @Test(arguments: [(1, 1, 1), (5, 3, 2), (70, 9, 13), (131, 64, 64), (200, 7, 300)])
    func blocksEqualAPlainLoop(n: Int, rows: Int, columns: Int) throws {
        let m = Self.map(n)
        for threads in [1, 2, 3] {
            let p = try #require(
                PooledAttention.pool(tokens: n, rows: rows, columns: columns, threads: threads) { r in
                    Array(m[(r.lowerBound * n)..<(r.upperBound * n)])
                })
            #expect(p.rows == min(rows, n) && p.columns == min(columns, n))
            for r in 0..<p.rows {
                for c in 0..<p.columns {
                    var sum: Float = 0, peak: Float = -1, at = -1
                    for i in p.rowBlock(r) {
                        for j in p.columnBlock(c) {
                            sum += m[i * n + j]
                            if m[i * n + j] > peak { peak = m[i * n + j]; at = i * n + j }
                        }
                    }
                    let k = r * p.columns + c
                    #expect(abs(p.mean[k] - sum / Float(p.rowBlock(r).count * p.columnBlock(c).count)) < 1e-6)
                    #expect(p.peak[k] == peak && p.peakAt[k] == at, "block \(r), \(c) with \(threads) threads")
                }
            }
        }
    }

    @Test func blocksCoverEveryTokenOnceAndFindTheirTokens() {
        for (count, parts) in [(10, 3), (8192, 47), (5, 5), (1000, 999)] {
            var next = 0
            for k in 0..<parts {
                let b = PooledAttention.block(k, of: parts, over: count)
                #expect(b.lowerBound == next && !b.isEmpty)
                for t in [b.lowerBound, b.upperBound - 1] {
                    #expect(PooledAttention.blockIndex(of: t, parts: parts, over: count) == k)
                }
                next = b.upperBound
            }
            #expect(next == count)
        }
    }

    @Test func aCancelledPoolReturnsNothing() {
        #expect(PooledAttention.pool(tokens: 300, rows: 4, columns: 4, isCancelled: { true }) { _ in [] } == nil)
    }
}
