import Foundation

/// RGBA pixels, rows top to bottom.
public struct Raster: Sendable, Equatable {
    public let width: Int, height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, fill: RGB) {
        self.width = width; self.height = height
        let word = Self.word(fill)
        // Whole pixels at once through the standard library (a byte loop took seconds for 10⁸ pixels).
        pixels = [UInt8](unsafeUninitializedCapacity: width * height * 4) { buffer, count in
            UnsafeMutableRawBufferPointer(buffer).bindMemory(to: UInt32.self).initialize(repeating: word)
            count = width * height * 4
        }
    }

    /// An opaque pixel's four bytes as one word, in memory order (r, g, b, a).
    static func word(_ c: RGB) -> UInt32 {
        withUnsafeBytes(of: (c.r, c.g, c.b, UInt8(255))) { $0.loadUnaligned(as: UInt32.self) }
    }

    init(width: Int, height: Int, pixels: [UInt8]) { self.width = width; self.height = height; self.pixels = pixels }

    public func pixel(_ x: Int, _ y: Int) -> RGB {
        let i = (y * width + x) * 4
        return RGB(pixels[i], pixels[i + 1], pixels[i + 2])
    }

    /// Blends `c` over the pixel with coverage a (0…255).
    mutating func blend(_ x: Int, _ y: Int, _ c: RGB, _ a: UInt8) {
        guard x >= 0, y >= 0, x < width, y < height, a > 0 else { return }
        let i = (y * width + x) * 4, t = Int(a)
        pixels[i] = UInt8((Int(c.r) * t + Int(pixels[i]) * (255 - t) + 127) / 255)
        pixels[i + 1] = UInt8((Int(c.g) * t + Int(pixels[i + 1]) * (255 - t) + 127) / 255)
        pixels[i + 2] = UInt8((Int(c.b) * t + Int(pixels[i + 2]) * (255 - t) + 127) / 255)
    }

    mutating func fill(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ c: RGB) {
        let xs = max(0, x0)..<min(width, x1), ys = max(0, y0)..<min(height, y1)
        guard !xs.isEmpty, !ys.isEmpty else { return }
        let word = Self.word(c), w = width
        pixels.withUnsafeMutableBytes { raw in
            let words = raw.bindMemory(to: UInt32.self)
            for y in ys { words[(y * w + xs.lowerBound)..<(y * w + xs.upperBound)].update(repeating: word) }
        }
    }
}

/// Draws a figure into pixels: rectangles snapped to the pixel grid (so
/// heatmap cells tile without seams), text through FreeType, lines.
public enum Rasterizer {
    /// The most pixels a figure may have (a 16k × 16k image is 1 GB of RGBA).
    public static let pixelLimit = RasterSize.pixelLimit

    public static func raster(_ f: Figure, scale: Double, fonts: FontSet) throws -> Raster {
        let (w, h) = try RasterSize.checked(f, scale: scale)
        var r = Raster(width: w, height: h, fill: f.background)
        func px(_ v: Double) -> Int { Int((v * scale).rounded()) }
        for item in f.items {
            switch item {
            case .rect(let x, let y, let rw, let rh, let fill, _):
                r.fill(px(x), px(y), px(x + rw), px(y + rh), fill)
            case .cells(let cells):
                for i in 0..<cells.rows {
                    let y = cells.y + Double(i) * cells.cellHeight
                    for j in 0..<cells.columns {
                        let x = cells.x + Double(j) * cells.cellWidth
                        let fill = cells.fills[i * cells.columns + j]
                        r.fill(px(x), px(y), px(x + cells.cellWidth), px(y + cells.cellHeight), fill)
                    }
                }
            case .line(let x1, let y1, let x2, let y2, let color, let width):
                let t = max(1, Int((width * scale).rounded()))
                if y1 == y2 {
                    r.fill(px(min(x1, x2)), px(y1) - t / 2, px(max(x1, x2)), px(y1) - t / 2 + t, color)
                } else if x1 == x2 {
                    r.fill(px(x1) - t / 2, px(min(y1, y2)), px(x1) - t / 2 + t, px(max(y1, y2)), color)
                } else {
                    let steps = max(abs(px(x2) - px(x1)), abs(px(y2) - px(y1)), 1)
                    for s in 0...steps {
                        let u = Double(s) / Double(steps)
                        r.fill(
                            px(x1 + (x2 - x1) * u), px(y1 + (y2 - y1) * u), px(x1 + (x2 - x1) * u) + t,
                            px(y1 + (y2 - y1) * u) + t, color)
                    }
                }
            case .text(let t): draw(t, scale: scale, fonts: fonts, into: &r)
            }
        }
        return r
    }

    static func draw(_ t: Figure.Text, scale: Double, fonts: FontSet, into r: inout Raster) {
        let size = max(1, Int((t.size * scale).rounded()))
        let style: FontSet.Style = t.monospace ? (t.bold ? .monoBold : .mono) : (t.bold ? .bold : .regular)
        let glyphs = t.string.unicodeScalars.map { fonts.glyph($0, pixels: size, style: style) }
        let natural = glyphs.reduce(0) { $0 + $1.advance }
        // Glyph pen positions along the text, in pixels from its start.
        var pens: [Double] = []
        if let fit = t.fitWidth, !glyphs.isEmpty {
            let step = fit * scale / Double(glyphs.count)
            pens = glyphs.indices.map { Double($0) * step }
        } else {
            var pen = 0.0
            for g in glyphs {
                pens.append(pen)
                pen += g.advance
            }
        }
        let length = t.fitWidth.map { $0 * scale } ?? natural
        let shift = t.anchor == .start ? 0 : t.anchor == .middle ? -length / 2 : -length
        let ox = t.x * scale, oy = t.y * scale
        for (g, pen) in zip(glyphs, pens) where !g.coverage.isEmpty {
            let u0 = Int((shift + pen).rounded()) + g.left
            for row in 0..<g.rows {
                for col in 0..<g.width {
                    let a = g.coverage[row * g.width + col]
                    guard a > 0 else { continue }
                    let u = u0 + col, v = row - g.top  // from the baseline, y down
                    if t.rotated {
                        // A quarter turn left about the anchor: (u, v) → (v, −u).
                        r.blend(Int(ox.rounded()) + v, Int(oy.rounded()) - u, t.color, a)
                    } else {
                        r.blend(Int(ox.rounded()) + u, Int(oy.rounded()) + v, t.color, a)
                    }
                }
            }
        }
    }
}
