import CKernels
import Encoder

/// A square attention matrix: rows are queries, columns keys, rows sum to 1.
/// `groups` maps each row/column back to token positions of the input
/// (one position per row for token views, several for word views).
public struct AttentionMap: Sendable, Equatable {
    public let size: Int
    public var values: [Float]  // (size, size)
    public var groups: [[Int]]  // token positions behind each row/column

    public init(size: Int, values: [Float], groups: [[Int]]? = nil) {
        precondition(values.count == size * size)
        self.size = size
        self.values = values
        self.groups = groups ?? (0..<size).map { [$0] }
    }

    public subscript(row: Int, column: Int) -> Float { values[row * size + column] }

    public func row(_ r: Int) -> ArraySlice<Float> { values[(r * size)..<((r + 1) * size)] }

    /// The row (or column) that shows token position `token`: the group
    /// holding it, else (a hidden special token) the group nearest to it.
    public func group(holding token: Int) -> Int {
        if let g = groups.firstIndex(where: { $0.contains(token) }) { return g }
        var best = 0, distance = Int.max
        for (g, members) in groups.enumerated() {
            let d = members.map { abs($0 - token) }.min() ?? Int.max
            if d < distance { best = g; distance = d }
        }
        return best
    }
}

/// The attention views the workbench offers. All are pure functions of a Trace.
public enum AttentionViews {
    /// One head's probabilities in one layer (zeros for a layer a lean trace
    /// does not keep: callers check `Trace.keepsAttention` first).
    public static func head(_ t: Trace, layer: Int, head: Int) -> AttentionMap {
        let n = t.tokens
        guard let start = t.attentionStart(layer: layer, head: head) else {
            return AttentionMap(size: n, values: [Float](repeating: 0, count: n * n))
        }
        return AttentionMap(size: n, values: Array(t.attentions[start..<(start + n * n)]))
    }

    /// Each row divided by its sum (rows summing to 0 stay 0).
    public static func rowNormalised(_ m: AttentionMap) -> AttentionMap {
        var out = m
        for i in 0..<m.size {
            let sum = m.row(i).reduce(0, +)
            guard sum > 0 else { continue }
            for j in 0..<m.size { out.values[i * m.size + j] = m[i, j] / sum }
        }
        return out
    }

    /// The average of all heads of one layer.
    public static func meanOverHeads(_ t: Trace, layer: Int) -> AttentionMap {
        let n = t.tokens
        var out = [Float](repeating: 0, count: n * n)
        for h in 0..<t.heads {
            guard let start = t.attentionStart(layer: layer, head: h) else { break }
            for i in 0..<(n * n) { out[i] += t.attentions[start + i] }
        }
        let inv = 1 / Float(t.heads)
        return AttentionMap(size: n, values: out.map { $0 * inv })
    }

    /// Attention rollout (Abnar & Zuidema 2020) through layers 0...layer:
    /// each layer's head-mean plus the identity for the residual, halved and
    /// row-normalized, multiplied from the first layer up.
    public static func rollout(_ t: Trace, throughLayer layer: Int) -> AttentionMap {
        let n = t.tokens
        var acc = identity(n)
        for l in 0...layer { acc = multiply(withResidual(t, layer: l), acc, n) }
        return AttentionMap(size: n, values: acc)
    }

    /// Rollout of per-layer maps (n×n each, from layer 0 up) as a plain
    /// product, M_l · … · M_0: for maps that already account for the
    /// residual, as value zeroing does (Mohebbi et al. 2023's rollout).
    public static func rollout(_ layers: [[Float]], _ n: Int) -> AttentionMap {
        var acc = identity(n)
        for m in layers { acc = multiply(m, acc, n) }
        return AttentionMap(size: n, values: acc)
    }

    /// A layer's head mean plus the identity for the residual, rows
    /// renormalised: ½A + ½I, the step rollout and attention flow share.
    public static func withResidual(_ t: Trace, layer l: Int) -> [Float] {
        let n = t.tokens
        var a = meanOverHeads(t, layer: l).values
        for i in 0..<n {
            a[i * n + i] += 1
            let sum = a[(i * n)..<((i + 1) * n)].reduce(0, +)
            for j in 0..<n { a[i * n + j] /= sum }
        }
        return a
    }

    /// Merges tokens into words: attention *to* a word is the sum over its
    /// pieces (columns added), attention *from* a word the mean over its
    /// pieces (rows averaged). Rows still sum to 1.
    public static func words(_ m: AttentionMap, groups: [[Int]]) -> AttentionMap {
        let g = groups.count
        var out = [Float](repeating: 0, count: g * g)
        for (r, rows) in groups.enumerated() {
            for (c, cols) in groups.enumerated() {
                var s: Float = 0
                for i in rows { for j in cols { s += m[i, j] } }
                out[r * g + c] = s / Float(rows.count)
            }
        }
        return AttentionMap(size: g, values: out, groups: groups.map { $0.flatMap { m.groups[$0] } })
    }

    /// Drops the rows and columns at `hidden` (e.g. [CLS], [SEP]) and
    /// renormalizes each remaining row to sum to 1.
    public static func hiding(_ m: AttentionMap, _ hidden: Set<Int>) -> AttentionMap {
        let keep = (0..<m.size).filter { !hidden.contains($0) }
        let k = keep.count
        var out = [Float](repeating: 0, count: k * k)
        for (r, i) in keep.enumerated() {
            var sum: Float = 0
            for (c, j) in keep.enumerated() { out[r * k + c] = m[i, j]; sum += m[i, j] }
            if sum > 0 { for c in 0..<k { out[r * k + c] /= sum } }
        }
        return AttentionMap(size: k, values: out, groups: keep.map { m.groups[$0] })
    }

    static func identity(_ n: Int) -> [Float] {
        var m = [Float](repeating: 0, count: n * n)
        for i in 0..<n { m[i * n + i] = 1 }
        return m
    }

    /// a · b for n×n row-major matrices.
    /// a · b for n × n matrices, on the C GEMM (always optimized: rollout at
    /// 254 tokens took 0.4 s a frame in a debug build as a Swift loop).
    static func multiply(_ a: [Float], _ b: [Float], _ n: Int) -> [Float] {
        var out = [Float](repeating: 0, count: n * n)
        guard n > 0 else { return out }
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { po in
                    bs_matmul_nn(
                        pa.baseAddress, Int32(n), Int32(n), Int32(n), pb.baseAddress, Int32(n), po.baseAddress, 0)
                }
            }
        }
        return out
    }
}
