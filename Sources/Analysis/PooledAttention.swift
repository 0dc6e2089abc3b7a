import Dispatch

/// An n × n attention map pooled to a screen-sized grid: each cell holds the
/// mean of its block of queries × keys, the block's largest value and where
/// it is. Built a band of rows at a time, so the whole map of a long input
/// (8,192 tokens: 268 MB a head) is never held.
public struct PooledAttention: Sendable, Equatable {
    public let tokens: Int, rows: Int, columns: Int
    /// (rows, columns).
    public let mean: [Float], peak: [Float]
    /// Where each block's peak is: query · tokens + key.
    public let peakAt: [Int]

    public init(tokens: Int, rows: Int, columns: Int, mean: [Float], peak: [Float], peakAt: [Int]) {
        precondition(mean.count == rows * columns && peak.count == mean.count && peakAt.count == mean.count)
        self.tokens = tokens; self.rows = rows; self.columns = columns
        self.mean = mean; self.peak = peak; self.peakAt = peakAt
    }

    /// The tokens of block `k` of `parts` blocks over `count` tokens (sizes differ by at most one).
    public static func block(_ k: Int, of parts: Int, over count: Int) -> Range<Int> {
        (k * count / parts)..<((k + 1) * count / parts)
    }

    /// The block of `parts` holding token `t`.
    public static func blockIndex(of t: Int, parts: Int, over count: Int) -> Int {
        guard count > 0 else { return 0 }
        var k = min(parts - 1, max(0, t) * parts / count)
        while k > 0, block(k, of: parts, over: count).lowerBound > t { k -= 1 }
        while k < parts - 1, block(k, of: parts, over: count).upperBound <= t { k += 1 }
        return k
    }

    public func rowBlock(_ r: Int) -> Range<Int> { Self.block(r, of: rows, over: tokens) }
    public func columnBlock(_ c: Int) -> Range<Int> { Self.block(c, of: columns, over: tokens) }

    /// Pools the map whose rows `band` gives ((rows.count, n) values) into at
    /// most `rows` × `columns` blocks, on `threads` threads; nil when cancelled.
    public static func pool(
        tokens n: Int, rows: Int, columns: Int, threads: Int = 2, isCancelled: @Sendable () -> Bool = { false },
        progress: @Sendable (Int, Int) -> Void = { _, _ in }, band: @Sendable (Range<Int>) -> [Float]
    ) -> PooledAttention? {
        let R = max(1, min(rows, n)), C = max(1, min(columns, n))
        guard n > 0 else { return PooledAttention(tokens: 0, rows: 1, columns: 1, mean: [0], peak: [0], peakAt: [0]) }
        let columnOf = (0..<n).map { blockIndex(of: $0, parts: C, over: n) }
        let chunk = 64, chunks = (n + chunk - 1) / chunk, workers = max(1, min(threads, chunks))
        let parts = Parts(workers, cells: R * C)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var acc = Accumulator(cells: R * C)
            for c in stride(from: w, to: chunks, by: workers) {
                if isCancelled() { return }
                let rowsHere = (c * chunk)..<min(n, (c + 1) * chunk), values = band(rowsHere)
                guard values.count == rowsHere.count * n else { continue }
                for (k, i) in rowsHere.enumerated() {
                    acc.add(values, from: k * n, query: i, row: blockIndex(of: i, parts: R, over: n), C, columnOf, n)
                }
                progress(parts.chunkDone(), chunks)
            }
            parts.store(acc, at: w)
        }
        if isCancelled() { return nil }
        var out = parts.merged(cells: R * C)
        for r in 0..<R {
            for c in 0..<C {
                let count = block(r, of: R, over: n).count * block(c, of: C, over: n).count
                out.sum[r * C + c] /= Float(max(1, count))
            }
        }
        return PooledAttention(tokens: n, rows: R, columns: C, mean: out.sum, peak: out.peak, peakAt: out.peakAt)
    }
}

/// One worker's block sums, peaks and peak positions.
private struct Accumulator {
    var sum: [Float], peak: [Float], peakAt: [Int]
    init(cells: Int) {
        sum = [Float](repeating: 0, count: cells)
        peak = [Float](repeating: -.infinity, count: cells)
        peakAt = [Int](repeating: 0, count: cells)
    }

    mutating func add(_ v: [Float], from start: Int, query i: Int, row r: Int, _ C: Int, _ columnOf: [Int], _ n: Int) {
        for j in 0..<n {
            let x = v[start + j], cell = r * C + columnOf[j]
            sum[cell] += x
            if x > peak[cell] { peak[cell] = x; peakAt[cell] = i * n + j }
        }
    }

    mutating func merge(_ o: Accumulator) {
        for k in sum.indices {
            sum[k] += o.sum[k]
            if o.peak[k] > peak[k] || (o.peak[k] == peak[k] && o.peakAt[k] < peakAt[k]) {
                peak[k] = o.peak[k]; peakAt[k] = o.peakAt[k]
            }
        }
    }
}

/// The workers' accumulators, each stored once by its own worker.
private final class Parts: @unchecked Sendable {
    private var slots: [Accumulator?]
    private var done = 0
    private let lock = DispatchQueue(label: "bertscope.pool")
    init(_ workers: Int, cells: Int) { slots = Array(repeating: nil, count: workers) }
    func store(_ a: Accumulator, at w: Int) { lock.sync { slots[w] = a } }
    /// Counts a finished chunk of rows (any worker's): the progress line's numerator.
    func chunkDone() -> Int {
        lock.sync {
            done += 1
            return done
        }
    }
    func merged(cells: Int) -> Accumulator {
        lock.sync {
            var out = Accumulator(cells: cells)
            for case let a? in slots { out.merge(a) }
            return out
        }
    }
}
