import Encoder
import Tokenizers

extension AttentionViews {
    /// One head's map (special tokens hidden and rows renormalized, when
    /// asked) average-pooled to `rows` × `columns` samples, read from the
    /// trace without copying the map: the overview's thumbnails at 512
    /// tokens are 72 maps of 1 MB. Equal, bit for bit, to pooling
    /// `hidingSpecials(head(…))` (the same sums in the same order).
    public static func pooledHead(
        _ t: Trace, _ e: Encoding, layer: Int, head: Int, hidingSpecials hide: Bool, rows: Int, columns: Int
    ) -> [Float] {
        let n = t.tokens
        guard rows > 0, columns > 0 else { return [] }
        guard let start = t.attentionStart(layer: layer, head: head), n > 0, e.count >= n else {
            return [Float](repeating: 0, count: rows * columns)
        }
        // As hidingSpecials: nothing is hidden when no token, or every token, is special.
        let others = hide ? (0..<n).filter { !e.isSpecial($0) } : []
        let hiding = hide && !others.isEmpty && others.count < n
        let keep = hiding ? others : Array(0..<n)
        let k = keep.count
        var out = [Float](repeating: 0, count: rows * columns)
        var row = [Float](repeating: 0, count: k)
        t.attentions.withUnsafeBufferPointer { a in
            for rr in 0..<rows {
                let r0 = rr * k / rows, r1 = min(k, max(r0 + 1, (rr + 1) * k / rows))
                var sums = [Float](repeating: 0, count: columns)
                for i in r0..<r1 {
                    let base = start + keep[i] * n
                    var sum: Float = 0
                    for (c, j) in keep.enumerated() {
                        row[c] = a[base + j]
                        sum += a[base + j]
                    }
                    if hiding, sum > 0 { for c in 0..<k { row[c] /= sum } }
                    for cc in 0..<columns {
                        let c0 = cc * k / columns, c1 = min(k, max(c0 + 1, (cc + 1) * k / columns))
                        for j in c0..<c1 { sums[cc] += row[j] }
                    }
                }
                for cc in 0..<columns {
                    let c0 = cc * k / columns, c1 = min(k, max(c0 + 1, (cc + 1) * k / columns))
                    let count = (r1 - r0) * (c1 - c0)
                    out[rr * columns + cc] = count > 0 ? sums[cc] / Float(count) : 0
                }
            }
        }
        return out
    }
}
