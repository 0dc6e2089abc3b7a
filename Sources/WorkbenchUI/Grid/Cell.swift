/// A terminal colour as themes name it; the terminal layer maps it to what
/// the terminal can show (truecolour, 256, 8 colours, or nothing).
public enum Color: Hashable, Sendable {
    case terminalDefault
    case indexed(UInt8)
    case rgb(UInt8, UInt8, UInt8)
}

public struct TextAttributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let bold = TextAttributes(rawValue: 1)
    public static let dim = TextAttributes(rawValue: 2)
    public static let reverse = TextAttributes(rawValue: 4)
    public static let underline = TextAttributes(rawValue: 8)
}

public struct Style: Hashable, Sendable {
    public var fg: Color
    public var bg: Color
    public var attributes: TextAttributes

    public init(fg: Color = .terminalDefault, bg: Color = .terminalDefault, attributes: TextAttributes = []) {
        self.fg = fg
        self.bg = bg
        self.attributes = attributes
    }

    public static let plain = Style()
    public func with(_ a: TextAttributes) -> Style { var s = self; s.attributes.formUnion(a); return s }
    public func bg(_ c: Color) -> Style { var s = self; s.bg = c; return s }
    public func fg(_ c: Color) -> Style { var s = self; s.fg = c; return s }
}

/// One screen cell. A wide glyph occupies its cell and marks the next one
/// as a continuation, which the terminal layer never draws.
public struct Cell: Hashable, Sendable {
    public var glyph: String
    public var style: Style
    public var isContinuation: Bool

    public init(glyph: String = " ", style: Style = .plain, isContinuation: Bool = false) {
        self.glyph = glyph
        self.style = style
        self.isContinuation = isContinuation
    }

    public static let blank = Cell()
}

/// A rectangle of cells, in columns and rows.
public struct Rect: Hashable, Sendable, CustomStringConvertible {
    public var x: Int, y: Int, width: Int, height: Int
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x; self.y = y; self.width = max(0, width); self.height = max(0, height)
    }
    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var isEmpty: Bool { width <= 0 || height <= 0 }
    public func contains(x px: Int, y py: Int) -> Bool { px >= x && px < maxX && py >= y && py < maxY }
    public func inset(by n: Int) -> Rect { Rect(x: x + n, y: y + n, width: width - 2 * n, height: height - 2 * n) }
    /// Splits off the top `rows` rows: (top, rest).
    public func splitTop(_ rows: Int) -> (Rect, Rect) {
        let r = min(rows, height)
        return (Rect(x: x, y: y, width: width, height: r), Rect(x: x, y: y + r, width: width, height: height - r))
    }
    public func splitBottom(_ rows: Int) -> (Rect, Rect) {
        let r = min(rows, height)
        return (Rect(x: x, y: y, width: width, height: height - r), Rect(x: x, y: maxY - r, width: width, height: r))
    }
    public func splitLeft(_ cols: Int) -> (Rect, Rect) {
        let c = min(cols, width)
        return (Rect(x: x, y: y, width: c, height: height), Rect(x: x + c, y: y, width: width - c, height: height))
    }
    public var description: String { "\(width)x\(height)+\(x)+\(y)" }
}
