import CKernels
import CorpusText
import Foundation
import GRDB

extension CorpusIndex {
    /// Rows converted from half precision at a time while the covariance is summed.
    static let projectionChunk = 4_096

    /// Fills `count` points from `start` (float rows of the index's width) into the buffer.
    typealias RowSource = (_ start: Int, _ count: Int, _ into: UnsafeMutablePointer<Float>) -> Void

    /// PCA of every point of `layer` (each stored token row, or each sentence's mean): the
    /// covariance summed exactly (in double, through our GEMM a chunk at a time), its top two
    /// eigenvectors by subspace iteration, every point projected. Nothing the corpus's size is held
    /// but the points themselves.
    public func projection(layer: Int, unit: ProjectionUnit = .tokens) throws -> CorpusProjection {
        if let p = cachedProjection(layer, unit) { return p }
        guard let m = matrix(layer) else {
            throw CorpusError(
                "layer \(layer) is not in this index (it holds \(meta.layers.map(String.init).joined(separator: ", ")))"
            )
        }
        guard let base = m.base else { throw CorpusError("the index holds too few tokens to project") }
        let d = m.width
        var firstRows: [Int] = []
        let n: Int, source: RowSource
        switch unit {
        case .tokens:
            n = m.rows
            source = { start, count, out in bs_from_half(base + start * d, out, count * d) }
        case .sentences:
            let spans = try sentenceSpans()
            firstRows = spans.map(\.first)
            n = spans.count
            source = { start, count, out in Self.means(base, d: d, spans: spans[start..<(start + count)], into: out) }
        }
        guard n > 1 else { throw CorpusError("the index holds too few \(unit.rawValue) to project") }
        let (mean, covariance) = Self.moments(source, rows: n, d: d)
        let (axes, values) = PrincipalAxes.top2(covariance, d: d)
        let total = (0..<d).reduce(0.0) { $0 + covariance[$1 * d + $1] }
        let p = CorpusProjection(
            layer: layer, unit: unit, axes: axes, mean: mean, points: Self.project(source, rows: n, d: d, mean, axes),
            firstRows: firstRows, explained: values.map { Float(total > 0 ? $0 / total : 0) })
        keepProjection(p)
        return p
    }

    /// Each point on the two axes, a chunk of rows at a time.
    static func project(_ source: RowSource, rows n: Int, d: Int, _ mean: [Float], _ axes: [Float]) -> [Float] {
        var points = [Float](repeating: 0, count: 2 * n)
        var chunk = [Float](repeating: 0, count: min(n, projectionChunk) * d)
        for start in Swift.stride(from: 0, to: n, by: projectionChunk) {
            let rows = min(projectionChunk, n - start)
            chunk.withUnsafeMutableBufferPointer { source(start, rows, $0.baseAddress!) }
            for r in 0..<rows {
                var x: Float = 0, y: Float = 0
                for i in 0..<d {
                    let c = chunk[r * d + i] - mean[i]
                    x += c * axes[i]
                    y += c * axes[d + i]
                }
                points[2 * (start + r)] = x
                points[2 * (start + r) + 1] = y
            }
        }
        return points
    }

    /// Every sentence with stored tokens: its first token row and how many (rows in range only).
    func sentenceSpans() throws -> [(first: Int, count: Int)] {
        try db.queue.read { d in
            var out: [(first: Int, count: Int)] = []
            let rows = try Row.fetchCursor(d, sql: "SELECT first_row, rows FROM sentences WHERE rows > 0 ORDER BY id")
            while let r = try rows.next() {
                let first: Int = try r.need("first_row"), count: Int = try r.need("rows")
                guard first >= 0, count > 0, first <= tokenCount - count else {
                    throw CorpusError("the index database is damaged: a sentence's token rows are out of range")
                }
                out.append((first, count))
            }
            return out
        }
    }

    /// Each span's mean row (its tokens' vectors at the layer, averaged in float).
    static func means(
        _ base: UnsafePointer<UInt16>, d: Int, spans: ArraySlice<(first: Int, count: Int)>,
        into out: UnsafeMutablePointer<Float>
    ) {
        var row = [Float](repeating: 0, count: d)
        for (k, s) in spans.enumerated() {
            let target = out + k * d
            target.initialize(repeating: 0, count: d)
            for r in s.first..<(s.first + s.count) {
                bs_from_half(base + r * d, &row, d)
                for i in 0..<d { target[i] += row[i] }
            }
            for i in 0..<d { target[i] /= Float(s.count) }
        }
    }

    /// The mean (float) and covariance (double, d × d) of `rows` points.
    static func moments(_ source: RowSource, rows n: Int, d: Int) -> ([Float], [Double]) {
        var sum = [Double](repeating: 0, count: d), gram = [Double](repeating: 0, count: d * d)
        var chunk = [Float](repeating: 0, count: projectionChunk * d)
        var transposed = chunk, block = [Float](repeating: 0, count: d * d)
        for start in Swift.stride(from: 0, to: n, by: projectionChunk) {
            let rows = min(projectionChunk, n - start)
            chunk.withUnsafeMutableBufferPointer { source(start, rows, $0.baseAddress!) }
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

    /// The layer's projection binned into a `ScatterGrid` coloured by `tag` (kept once made); a
    /// sentence takes its first token's code (sentence-level colourings are the same on all its tokens).
    public func scatterGrid(layer: Int, tag: String, unit: ProjectionUnit = .tokens) throws -> ScatterGrid {
        let key = "\(layer) \(tag) \(unit)"
        if let g = cachedGrid(key) { return g }
        let p = try projection(layer: layer, unit: unit), tags = try? tagColumn(tag)
        var codes = tags?.codes ?? []
        if unit == .sentences, !codes.isEmpty { codes = p.firstRows.map { codes.indices.contains($0) ? codes[$0] : 0 } }
        let g = ScatterGrid(points: p.points, codes: codes, tags: tags?.values ?? [], tagName: tag)
        keepGrid(g, key)
        return g
    }

    /// What can colour a projection of `unit`: the token tags the index holds (tokens only), then
    /// the rows' gold labels, the classifier's answers and whether they were right.
    /// Found once a unit (the tables never change once the index is open): no scan per cursor move.
    public func colourings(unit: ProjectionUnit) throws -> [String] {
        if let found = cachedColourings(unit) { return found }
        let found = try db.queue.read { d in
            var out: [String] = []
            if unit == .tokens {
                for name in CorpusTags.names where name != "head" {
                    if try Bool.fetchOne(d, sql: "SELECT EXISTS (SELECT 1 FROM tokens WHERE \(name) IS NOT NULL)")
                        == true
                    {
                        out.append(name)
                    }
                }
            }
            if try Bool.fetchOne(d, sql: "SELECT EXISTS (SELECT 1 FROM sentences WHERE label IS NOT NULL)") == true {
                out.append("label")
            }
            if try Bool.fetchOne(d, sql: "SELECT EXISTS (SELECT 1 FROM predictions)") == true {
                out.append("prediction")
                if try Bool.fetchOne(d, sql: "SELECT EXISTS (SELECT 1 FROM predictions WHERE correct IS NOT NULL)")
                    == true
                {
                    out.append("correct")
                }
            }
            return out
        }
        keepColourings(found, unit)
        return found
    }

    /// Each token row's value of a colouring: a token tag, or its sentence's label, answer or correctness.
    static func colouringQuery(_ name: String) -> String? {
        switch name {
        case _ where CorpusTags.names.contains(name):
            return "SELECT row, \(name) AS v FROM tokens WHERE \(name) IS NOT NULL"
        case "label":
            return
                "SELECT t.row, s.label AS v FROM tokens t JOIN sentences s ON s.id = t.sentence WHERE s.label IS NOT NULL"
        case "prediction":
            return "SELECT t.row, p.label AS v FROM tokens t JOIN predictions p ON p.sentence = t.sentence"
        case "correct":
            return """
                SELECT t.row, CASE p.correct WHEN 1 THEN 'right' ELSE 'wrong' END AS v FROM tokens t
                JOIN predictions p ON p.sentence = t.sentence WHERE p.correct IS NOT NULL
                """
        default: return nil
        }
    }

    /// Every token row's `name` (a tag or a sentence-level colouring) as a code, values by frequency.
    public func tagColumn(_ name: String) throws -> CorpusTagColumn {
        guard let query = Self.colouringQuery(name) else {
            throw CorpusError(
                "no colouring \(name) (\((CorpusTags.names + ["label", "prediction", "correct"]).joined(separator: ", ")))"
            )
        }
        if let kept = cachedTags(name) { return kept }
        var codes = [UInt16](repeating: 0, count: tokenCount)
        var ids: [String: UInt16] = [:], values: [String] = []
        try db.queue.read { d in
            let rows = try Row.fetchCursor(d, sql: query)
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
