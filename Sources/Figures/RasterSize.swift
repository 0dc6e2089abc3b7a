import SafeIO

/// A figure's size in pixels, checked before any pixel is allocated: over
/// the limit, or more than the process can allocate now, is a one-line
/// error naming a scale that fits (a Swift array that cannot be allocated
/// aborts the process instead).
public enum RasterSize {
    /// The most pixels a figure may have: 400 MB of RGBA.
    public static let pixelLimit = 100_000_000
    static let sideLimit = 30_000

    public static func checked(_ f: Figure, scale: Double) throws -> (width: Int, height: Int) {
        guard scale.isFinite, scale > 0 else { throw FigureError("the PNG scale must be a positive number") }
        let w = Int((f.width * scale).rounded(.up)), h = Int((f.height * scale).rounded(.up))
        guard w > 0, h > 0, w <= sideLimit, h <= sideLimit, w * h <= pixelLimit else {
            throw FigureError(
                "a \(w) × \(h) pixel PNG is too large (at most \(pixelLimit / 1_000_000) megapixels)\(hint(f))")
        }
        guard Allocation.possible(w * h * 4) else {
            throw FigureError(
                "not enough memory for a \(w) × \(h) pixel PNG (\(w * h * 4 >> 20) MB of pixels): try a smaller scale (--scale)"
            )
        }
        return (w, h)
    }

    /// The largest scale, in tenths, at which `f` fits the limits.
    static func fittingScale(_ f: Figure) -> Double? {
        // Rounding the size up at the scale found may add a pixel: a hair below it.
        let byArea = (Double(pixelLimit) / max(1, (f.width + 1) * (f.height + 1))).squareRoot()
        let bySide = Double(sideLimit - 1) / max(1, f.width, f.height)
        let s = (min(byArea, bySide) * 10).rounded(.down) / 10
        return s >= 0.1 ? s : nil
    }

    static func hint(_ f: Figure) -> String {
        guard let s = fittingScale(f) else { return ": draw less (one layer or head)" }
        return ": scale \(s) or less fits (--scale)"
    }
}
