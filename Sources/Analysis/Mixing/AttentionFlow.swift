import CKernels
import Dispatch
import Encoder
import Foundation

/// Attention flow (Abnar & Zuidema 2020): the layers as a graph — one node
/// per token and layer boundary, each layer's edges weighted by its
/// head-mean attention with the residual added and rows renormalised,
/// ½A + ½I — and entry (i, j) the maximum flow from token i after `layer`
/// down to input token j, each row normalised to sum to 1.
public enum AttentionFlow {
    public static func map(_ t: Trace, throughLayer layer: Int) -> AttentionMap {
        map(t, throughLayer: layer, isCancelled: { false })!
    }

    /// The same, rows shared among the cores; nil when `isCancelled` (asked
    /// between rows) says stop; `progress` hears (rows done, rows) after each.
    public static func map(
        _ t: Trace, throughLayer layer: Int, isCancelled: @Sendable () -> Bool,
        progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }
    ) -> AttentionMap? {
        let n = t.tokens, levels = layer + 1
        var cap = [Double](repeating: 0, count: levels * n * n)
        for l in 0...layer {
            let a = AttentionViews.withResidual(t, layer: l)
            for k in 0..<(n * n) { cap[l * n * n + k] = Double(a[k]) }
        }
        let rows = RowStore(count: n * n)
        let stopped = RowStore(count: 1)
        let done = Counter()
        cap.withUnsafeBufferPointer { c in
            let capacities = UnsafeSendable(c.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: n) { i in
                if isCancelled() { stopped.set(0, 1); return }
                var flow = [Double](repeating: 0, count: levels * n * n)
                var scratch = [Int32](repeating: 0, count: 3 * (levels + 1) * n)
                var row = [Double](repeating: 0, count: n)
                for j in 0..<n {
                    row[j] = bs_layered_max_flow(
                        capacities.pointer, Int32(levels), Int32(n), Int32(i), Int32(j), &flow, &scratch)
                }
                let sum = row.reduce(0, +)
                for j in 0..<n { rows.set(i * n + j, Float(sum > 0 ? row[j] / sum : row[j])) }
                progress(done.increment(), n)
            }
        }
        return stopped.values[0] != 0 ? nil : AttentionMap(size: n, values: rows.values)
    }
}

/// Rows written from several threads, each to its own indices (raw
/// memory: no exclusivity check sees two threads in one array).
private final class RowStore: @unchecked Sendable {
    private let buffer: UnsafeMutableBufferPointer<Float>
    init(count: Int) { buffer = .allocate(capacity: count); buffer.initialize(repeating: 0) }
    deinit { buffer.deallocate() }
    func set(_ i: Int, _ v: Float) { buffer[i] = v }
    var values: [Float] { Array(buffer) }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func increment() -> Int {
        lock.withLock {
            value += 1; return value
        }
    }
}

private struct UnsafeSendable: @unchecked Sendable {
    let pointer: UnsafePointer<Double>
    init(_ p: UnsafePointer<Double>) { pointer = p }
}
