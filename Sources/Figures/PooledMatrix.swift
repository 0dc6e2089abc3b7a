/// A square matrix averaged over blocks of `factor` × `factor` entries, so
/// a long input's figure keeps a readable, bounded number of cells (the last
/// block of a row or column may be smaller; it is averaged over what it has).
public struct PooledMatrix: Sendable, Equatable {
    public let values: [Float]
    /// Rows (and columns) shown, entries per block side, and the original size.
    public let size: Int, factor: Int, original: Int

    /// Blocks of `factor` (1: the matrix as it is).
    public init(_ values: [Float], size n: Int, factor: Int) {
        precondition(values.count == n * n && factor >= 1, "an n × n matrix and a factor of at least 1")
        self.original = n
        self.factor = factor
        size = (n + factor - 1) / factor
        guard factor > 1 else {
            self.values = values
            return
        }
        var sums = [Float](repeating: 0, count: size * size)
        for i in 0..<n {
            for j in 0..<n { sums[(i / factor) * size + j / factor] += values[i * n + j] }
        }
        for bi in 0..<size {
            for bj in 0..<size {
                let rows = min(n, (bi + 1) * factor) - bi * factor, columns = min(n, (bj + 1) * factor) - bj * factor
                sums[bi * size + bj] /= Float(rows * columns)
            }
        }
        self.values = sums
    }

    /// The smallest factor that shows `n` entries in at most `limit` rows.
    public static func factor(_ n: Int, limit: Int) -> Int { max(1, (n + max(1, limit) - 1) / max(1, limit)) }

    public var isPooled: Bool { factor > 1 }

    /// Said in the figure: "pooled 4×4: 512 tokens shown as 128 rows".
    public var note: String { "pooled \(factor)×\(factor): \(original) tokens shown as \(size) rows" }

    /// Each block's entries in the original matrix.
    public func span(_ block: Int) -> Range<Int> { (block * factor)..<min(original, (block + 1) * factor) }

    /// A label per block: its tokens joined by "·" (cut to `width` characters), or the token itself.
    public func labels(_ tokens: [String], width: Int = 24) -> [String] {
        (0..<size).map { b in
            let joined = span(b).map { tokens.indices.contains($0) ? tokens[$0] : "" }.joined(separator: "·")
            return joined.count > width ? String(joined.prefix(width - 1)) + "…" : joined
        }
    }

    /// Index names per block: "5" unpooled, "4–7" pooled (hover text of panels).
    public var indexNames: [String] {
        (0..<size).map { b in
            let s = span(b)
            return s.count == 1 ? "\(s.lowerBound)" : "\(s.lowerBound)–\(s.upperBound - 1)"
        }
    }
}
