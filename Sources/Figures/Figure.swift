import Foundation

/// A figure as a list of drawing items in pixels (y down), written as SVG,
/// HTML or PNG by the writers beside it: one drawing, three formats.
public struct Figure: Sendable, Equatable {
    public var width: Double, height: Double
    public var background: RGB
    public var items: [Item] = []
    /// The font family SVG and HTML name (PNG uses the font file it finds).
    public var fontFamily = "DejaVu Sans, Helvetica, Arial, sans-serif"

    public init(width: Double, height: Double, background: RGB) {
        self.width = width; self.height = height; self.background = background
    }

    public enum Anchor: String, Sendable { case start, middle, end }

    public struct Text: Sendable, Equatable {
        public var x: Double, y: Double
        public var string: String
        public var size: Double
        public var color: RGB
        public var bold = false
        public var anchor = Anchor.start
        /// Turned a quarter left (reading bottom to top), about (x, y): column labels.
        public var rotated = false
        /// Stretched or squeezed to exactly this width (a terminal grid's columns), if set.
        public var fitWidth: Double? = nil
        /// Monospaced (the terminal's cells) rather than the figure's font.
        public var monospace = false
        public init(
            x: Double, y: Double, _ string: String, size: Double, color: RGB, bold: Bool = false,
            anchor: Anchor = .start, rotated: Bool = false
        ) {
            self.x = x; self.y = y; self.string = string; self.size = size; self.color = color; self.bold = bold
            self.anchor = anchor; self.rotated = rotated
        }
    }

    public enum Item: Sendable, Equatable {
        /// A filled rectangle; `title` is its hover text (a heatmap cell's value).
        case rect(x: Double, y: Double, width: Double, height: Double, fill: RGB, title: String?)
        /// y is the text's baseline.
        case text(Text)
        case line(x1: Double, y1: Double, x2: Double, y2: Double, color: RGB, width: Double)
        /// A matrix of equal cells (a heatmap's entries), each a rectangle with hover text
        /// when written: one item instead of one per cell.
        case cells(Cells)
    }

    public mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, _ fill: RGB, title: String? = nil) {
        items.append(.rect(x: x, y: y, width: w, height: h, fill: fill, title: title))
    }

    public mutating func text(_ t: Text) { items.append(.text(t)) }

    public mutating func cells(_ c: Cells) { items.append(.cells(c)) }

    public mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ color: RGB, width: Double = 1) {
        items.append(.line(x1: x1, y1: y1, x2: x2, y2: y2, color: color, width: width))
    }
}

public struct RGB: Hashable, Sendable, CustomStringConvertible {
    public var r: UInt8, g: UInt8, b: UInt8
    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) { self.r = r; self.g = g; self.b = b }
    /// "#rrggbb".
    public var description: String {
        "#"
            + [r, g, b].map { v in String(v, radix: 16).count == 1 ? "0" + String(v, radix: 16) : String(v, radix: 16) }
            .joined()
    }
    public static let white = RGB(255, 255, 255), black = RGB(0, 0, 0)

    /// Linear interpolation toward `other`, t in 0…1.
    public func mixed(with other: RGB, _ t: Double) -> RGB {
        let t = max(0, min(1, t))
        func m(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((Double(a) + (Double(b) - Double(a)) * t).rounded()) }
        return RGB(m(r, other.r), m(g, other.g), m(b, other.b))
    }

    /// Relative luminance (sRGB, 0…1), to pick readable text on a cell.
    public var luminance: Double {
        func lin(_ v: UInt8) -> Double {
            let c = Double(v) / 255
            return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    }
}
