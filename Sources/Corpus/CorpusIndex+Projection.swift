import CKernels
import CorpusText
import Foundation
import GRDB

extension CorpusIndex {
    /// Rows converted from half precision at a time while the covariance is summed.
    static let projectionChunk = 4_096

    /// PCA of every stored row of `layer`: the covariance summed exactly (in double, through our
    /// GEMM a chunk at a time), its top two eigenvectors by subspace iteration, every row projected.
    public func projection(layer: Int) throws -> CorpusProjection {
        if let p = cachedProjection(layer) { return p }
        guard let m = matrix(layer) else {
            throw CorpusError(
                "layer \(layer) is not in this index (it holds \(meta.layers.map(String.init).joined(separator: ", ")))"
            )
        }
        guard let base = m.base, m.rows > 1 else { throw CorpusError("the index holds too few tokens to project") }
        let (mean, covariance) = Self.moments(base, rows: m.rows, d: m.width)
        let (axes, values) = PrincipalAxes.top2(covariance, d: m.width)
        let total = (0..<m.width).reduce(0.0) { $0 + covariance[$1 * m.width + $1] }
        var points = [Float](repeating: 0, count: 2 * m.rows)
        var row = [Float](repeating: 0, count: m.width)
        for r in 0..<m.rows {
            bs_from_half(base + r * m.width, &row, m.width)
            var x: Float = 0, y: Float = 0
            for i in 0..<m.width {
                let c = row[i] - mean[i]
                x += c * axes[i]
                y += c * axes[m.width + i]
            }
            points[2 * r] = x
            points[2 * r + 1] = y
        }
        let p = CorpusProjection(
            layer: layer, axes: axes, mean: mean, points: points,
            explained: values.map { Float(total > 0 ? $0 / total : 0) })
        keepProjection(p)
        return p
    }

    /// The mean (float) and covariance (double, d × d) of `rows` binary16 rows.
    static func moments(_ base: UnsafePointer<UInt16>, rows n: Int, d: Int) -> ([Float], [Double]) {
        var sum = [Double](repeating: 0, count: d), gram = [Double](repeating: 0, count: d * d)
        var chunk = [Float](repeating: 0, count: projectionChunk * d)
        var transposed = chunk, block = [Float](repeating: 0, count: d * d)
        for start in Swift.stride(from: 0, to: n, by: projectionChunk) {
            let rows = min(projectionChunk, n - start)
            chunk.withUnsafeMutableBufferPointer { bs_from_half(base + start * d, $0.baseAddress!, rows * d) }
            // A non-finite value (a damaged file) would make every moment NaN: such rows count as the origin.
            for r in 0..<rows where !(0..<d).allSatisfy({ chunk[r * d + $0].isFinite }) {
                for i in 0..<d { chunk[r * d + i] = 0 }
            }
            for r in 0..<rows {
                for i in 0..<d {
                    sum[i] += Double(chunk[r * d + i])
                    transposed[i * rows + r] = chunk[r * d + i]
                }
            }
            // (d × rows) · (d × rows)ᵀ = this chunk's XᵀX.
            bs_linear(transposed, Int32(d), Int32(rows), transposed, Int32(d), nil, &block, Int32(d))
            for i in 0..<(d * d) { gram[i] += Double(block[i]) }
        }
        let mean = sum.map { $0 / Double(n) }
        var covariance = gram
        for i in 0..<d { for j in 0..<d { covariance[i * d + j] = gram[i * d + j] / Double(n) - mean[i] * mean[j] } }
        return (mean.map(Float.init), covariance)
    }

    /// Every token row's `name` tag as a code, values by frequency (for colours).
    /// The layer's projection binned into a `ScatterGrid` coloured by `tag` (kept once made).
    public func scatterGrid(layer: Int, tag: String) throws -> ScatterGrid {
        let key = "\(layer) \(tag)"
        if let g = cachedGrid(key) { return g }
        let p = try projection(layer: layer), tags = try? tagColumn(tag)
        let g = ScatterGrid(points: p.points, codes: tags?.codes ?? [], tags: tags?.values ?? [], tagName: tag)
        keepGrid(g, key)
        return g
    }

    public func tagColumn(_ name: String) throws -> CorpusTagColumn {
        guard CorpusTags.names.contains(name) else { throw CorpusError("no tag \(name) (tags: \(CorpusTags.names))") }
        if let kept = cachedTags(name) { return kept }
        var codes = [UInt16](repeating: 0, count: tokenCount)
        var ids: [String: UInt16] = [:], values: [String] = []
        try db.queue.read { d in
            let rows = try Row.fetchCursor(d, sql: "SELECT row, \(name) AS v FROM tokens WHERE \(name) IS NOT NULL")
            while let r = try rows.next() {
                let row: Int = try r.need("row"), v: String = try r.need("v")
                guard (0..<tokenCount).contains(row) else { continue }
                if ids[v] == nil, values.count < Int(UInt16.max) - 1 {
                    values.append(v)
                    ids[v] = UInt16(values.count)
                }
                codes[row] = ids[v] ?? 0
            }
        }
        // Most frequent first: the legend and the first colours go to the common tags.
        var counts = [Int](repeating: 0, count: values.count + 1)
        for c in codes { counts[Int(c)] += 1 }
        let order = values.indices.sorted { (counts[$0 + 1], values[$1]) > (counts[$1 + 1], values[$0]) }
        var remap = [UInt16](repeating: 0, count: values.count + 1)
        for (rank, old) in order.enumerated() { remap[old + 1] = UInt16(rank + 1) }
        let column = CorpusTagColumn(name: name, values: order.map { values[$0] }, codes: codes.map { remap[Int($0)] })
        keepTags(column)
        return column
    }
}

/// The top two eigenvectors of a symmetric matrix: subspace iteration from a fixed start,
/// orthonormalized each step, ordered by a Rayleigh–Ritz step; signs fixed so each axis's
/// largest component is positive (the same picture on every run).
enum PrincipalAxes {
    static func top2(_ c: [Double], d: Int, iterations: Int = 5_000) -> (axes: [Float], values: [Double]) {
        let cf = c.map(Float.init)
        var block = [Float](repeating: 0, count: 2 * d), product = block
        for i in 0..<d {
            block[i] = 1 + Float(i % 7) / 10
            block[d + i] = Float((i * 5) % 11) - 5
        }
        // Float iterations through the GEMM kernel until the subspace stops moving...
        orthonormalize(&block, d)
        for _ in 0..<iterations {
            bs_linear(block, 2, Int32(d), cf, Int32(d), nil, &product, Int32(d))  // (C·u, C·v): C is symmetric
            orthonormalize(&product, d)
            let moved = max(1 - abs(dot(product, 0, block, 0, d)), 1 - abs(dot(product, d, block, d, d)))
            swap(&block, &product)
            if moved < 1e-7 { break }
        }
        // ...then refined in double, and ordered by a Rayleigh–Ritz step on the 2 × 2 restriction.
        var u = (0..<d).map { Double(block[$0]) }, v = (0..<d).map { Double(block[d + $0]) }
        func multiply(_ x: [Double]) -> [Double] {
            c.withUnsafeBufferPointer { m in
                (0..<d).map { i in
                    var s = 0.0
                    for j in 0..<d { s += m[i * d + j] * x[j] }
                    return s
                }
            }
        }
        for _ in 0..<20 { (u, v) = orthonormal(multiply(u), multiply(v)) }
        let cu = multiply(u), cv = multiply(v)
        let a = dot(u, cu), b = dot(u, cv), e = dot(v, cv)
        let mid = (a + e) / 2, radius = (((a - e) / 2) * ((a - e) / 2) + b * b).squareRoot()
        let theta = 0.5 * atan2(2 * b, a - e)
        let first = signed(zip(u, v).map { cos(theta) * $0 + sin(theta) * $1 })
        let second = signed(zip(u, v).map { -sin(theta) * $0 + cos(theta) * $1 })
        return ((first + second).map(Float.init), [mid + radius, mid - radius])
    }

    /// The axis with its largest component positive.
    static func signed(_ w: [Double]) -> [Double] {
        guard let big = w.max(by: { abs($0) < abs($1) }), big < 0 else { return w }
        return w.map { -$0 }
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

    static func orthonormal(_ a: [Double], _ b: [Double]) -> ([Double], [Double]) {
        func unit(_ x: [Double]) -> [Double] {
            let n = dot(x, x).squareRoot()
            return n > 0 ? x.map { $0 / n } : x
        }
        let x = unit(a), p = dot(b, x)
        return (x, unit(zip(b, x).map { $0 - p * $1 }))
    }

    static func dot(_ a: [Float], _ ao: Int, _ b: [Float], _ bo: Int, _ d: Int) -> Float {
        var s: Float = 0
        for i in 0..<d { s += a[ao + i] * b[bo + i] }
        return s
    }

    /// Gram–Schmidt on the two rows of a (2, d) block.
    static func orthonormalize(_ x: inout [Float], _ d: Int) {
        var n = dot(x, 0, x, 0, d).squareRoot()
        if n > 0 { for i in 0..<d { x[i] /= n } }
        let p = dot(x, d, x, 0, d)
        for i in 0..<d { x[d + i] -= p * x[i] }
        n = dot(x, d, x, d, d).squareRoot()
        if n > 0 { for i in 0..<d { x[d + i] /= n } }
    }
}
