/// A projection binned once into a fixed grid of pixels, with each pixel's count of points
/// per tag code (code 0 untagged, codes above `slots − 2` together as "other"): what a
/// frame draws from, whatever the corpus's size.
public struct ScatterGrid: Sendable, Equatable {
    public static let width = 320, height = 192, slots = 9
    /// Pixel (x, y), y downwards, tag slot k: counts[(y · width + x) · slots + k].
    public let counts: [UInt32]
    /// The data box the grid spans: x min, x max, y min, y max.
    public let bounds: [Float]
    public let tags: [String]
    public let tagName: String

    public init(counts: [UInt32], bounds: [Float], tags: [String], tagName: String) {
        self.counts = counts; self.bounds = bounds; self.tags = tags; self.tagName = tagName
    }

    /// Bins `points` (x, y interleaved) coloured by `codes` (one per point, 0 untagged).
    public init(points: [Float], codes: [UInt16], tags: [String], tagName: String) {
        let b = Self.bounds(points)
        var counts = [UInt32](repeating: 0, count: Self.width * Self.height * Self.slots)
        for r in 0..<(points.count / 2) {
            guard let (x, y) = Self.pixel(points[2 * r], points[2 * r + 1], bounds: b) else { continue }
            let code = r < codes.count ? min(Int(codes[r]), Self.slots - 1) : 0
            counts[(y * Self.width + x) * Self.slots + code] += 1
        }
        self.init(counts: counts, bounds: b, tags: tags, tagName: tagName)
    }

    /// The smallest box around the finite points (a degenerate axis widened a little).
    public static func bounds(_ p: [Float]) -> [Float] {
        var b: [Float] = [.infinity, -.infinity, .infinity, -.infinity]
        for i in Swift.stride(from: 0, to: p.count - 1, by: 2) where p[i].isFinite && p[i + 1].isFinite {
            b[0] = min(b[0], p[i]); b[1] = max(b[1], p[i]); b[2] = min(b[2], p[i + 1]); b[3] = max(b[3], p[i + 1])
        }
        guard b[0] <= b[1], b[2] <= b[3] else { return [-1, 1, -1, 1] }
        if b[1] - b[0] < 1e-6 { b[0] -= 1; b[1] += 1 }
        if b[3] - b[2] < 1e-6 { b[2] -= 1; b[3] += 1 }
        return b
    }

    /// A data point's place as fractions of the box (x right, y down), nil outside it.
    public static func fraction(_ x: Float, _ y: Float, bounds b: [Float]) -> (Double, Double)? {
        guard b.count == 4, x.isFinite, y.isFinite else { return nil }
        let fx = Double((x - b[0]) / (b[1] - b[0])), fy = Double((b[3] - y) / (b[3] - b[2]))
        guard (0...1).contains(fx), (0...1).contains(fy) else { return nil }
        return (fx, fy)
    }

    static func pixel(_ x: Float, _ y: Float, bounds b: [Float]) -> (Int, Int)? {
        fraction(x, y, bounds: b).map {
            (min(width - 1, Int($0.0 * Double(width))), min(height - 1, Int($0.1 * Double(height))))
        }
    }

    /// The row whose point is nearest a place given as fractions of the box (x right, y down).
    public static func nearest(_ p: [Float], bounds b: [Float], fraction f: (Double, Double)) -> Int? {
        guard p.count >= 2, b.count == 4 else { return nil }
        let cx = b[0] + Float(f.0) * (b[1] - b[0]), cy = b[3] - Float(f.1) * (b[3] - b[2])
        let sx = 1 / (b[1] - b[0]), sy = 1 / (b[3] - b[2])
        var best: Int?, bestDistance = Float.infinity
        for r in 0..<(p.count / 2) {
            let dx = (p[2 * r] - cx) * sx, dy = (p[2 * r + 1] - cy) * sy
            let dd = dx * dx + dy * dy
            if dd < bestDistance { bestDistance = dd; best = r }
        }
        return best
    }
}
