import TextCells

/// The frame being drawn: panes render into it, the terminal layer flushes
/// only the cells that changed since the last frame, and tests read it.
public struct CellGrid: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell { cells[y * width + x] }

    /// Writes `text` from (x, y), clipped to `clip` (default: the grid),
    /// wide glyphs taking two cells. With `ellipsis`, text that does not fit
    /// ends in `…` instead of being cut silently. Returns the column after
    /// the last glyph.
    @discardableResult
    public mutating func put(
        _ text: String, x: Int, y: Int, style: Style = .plain, clip: Rect? = nil, ellipsis: Bool = false
    ) -> Int {
        let bounds = clip ?? Rect(x: 0, y: 0, width: width, height: height)
        guard y >= max(0, bounds.y), y < min(height, bounds.maxY) else { return x }
        let right = min(width, bounds.maxX)
        var text = text
        if ellipsis, right - x >= 2, x + displayWidth(text) > right { text = truncated(text, to: right - x) }
        var col = x
        for ch in text {
            let (glyph, w) = cellGlyph(ch)
            if w == 0 { continue }  // zero-width: combining marks arrive inside their Character
            if col + w > right {
                if col < right && col >= bounds.x { set(col, y, Cell(glyph: " ", style: style), wide: false) };
                return right
            }
            if col >= max(0, bounds.x) {
                set(col, y, Cell(glyph: glyph, style: style), wide: w == 2)
                if w == 2 { set(col + 1, y, Cell(glyph: "", style: style, isContinuation: true), wide: false) }
            }
            col += w
        }
        return col
    }

    /// Writes one cell and repairs the wide glyph it cuts: a cell written over
    /// either half of a wide glyph blanks the other half, so the grid never
    /// holds half a glyph (which a terminal would draw differently).
    /// `wide`: `cell` starts a two-column glyph (its continuation is written next).
    private mutating func set(_ x: Int, _ y: Int, _ cell: Cell, wide: Bool) {
        let i = y * width + x
        if cells[i].isContinuation && !cell.isContinuation && x > 0 {
            cells[i - 1] = Cell(glyph: " ", style: cells[i - 1].style)
        }
        if !wide && !cells[i].isContinuation && x + 1 < width && cells[i + 1].isContinuation {
            cells[i + 1] = Cell(glyph: " ", style: cells[i + 1].style)
        }
        cells[i] = cell
    }

    /// Paints `rect` with spaces in `style`.
    public mutating func fill(_ rect: Rect, style: Style = .plain, glyph: String = " ") {
        for y in max(0, rect.y)..<min(height, rect.maxY) {
            for x in max(0, rect.x)..<min(width, rect.maxX) { set(x, y, Cell(glyph: glyph, style: style), wide: false) }
        }
    }

    /// Sets the style of existing cells in `rect` (highlights, cursors).
    public mutating func restyle(_ rect: Rect, _ change: (inout Style) -> Void) {
        for y in max(0, rect.y)..<min(height, rect.maxY) {
            for x in max(0, rect.x)..<min(width, rect.maxX) { change(&cells[y * width + x].style) }
        }
    }

    /// A box border with an optional title on the top edge.
    public mutating func box(_ r: Rect, title: String = "", style: Style = .plain, titleStyle: Style? = nil) {
        guard r.width >= 2, r.height >= 2 else { return }
        put("┌" + String(repeating: "─", count: r.width - 2) + "┐", x: r.x, y: r.y, style: style)
        for y in (r.y + 1)..<(r.maxY - 1) {
            put("│", x: r.x, y: y, style: style)
            put("│", x: r.maxX - 1, y: y, style: style)
        }
        put("└" + String(repeating: "─", count: r.width - 2) + "┘", x: r.x, y: r.maxY - 1, style: style)
        if !title.isEmpty, r.width > 4 {
            put(
                " " + title + " ", x: r.x + 1, y: r.y, style: titleStyle ?? style,
                clip: Rect(x: r.x + 1, y: r.y, width: r.width - 2, height: 1), ellipsis: true)
        }
    }

    /// Row `y` as plain text (continuation cells skipped), for tests.
    public func line(_ y: Int) -> String {
        (0..<width).reduce(into: "") { s, x in if !self[x, y].isContinuation { s += self[x, y].glyph } }
    }

    public var lines: [String] { (0..<height).map(line) }
    public var text: String { lines.joined(separator: "\n") }

    /// Column positions of every occurrence of `needle` on row `y` (display columns).
    public func columns(of needle: String, row y: Int) -> [Int] {
        var result: [Int] = []
        let glyphs = (0..<width).map { self[$0, y] }
        let target = Array(needle).map(String.init)
        guard !target.isEmpty else { return [] }
        var x = 0
        while x < width {
            var i = 0, cx = x
            while i < target.count, cx < width, glyphs[cx].glyph == target[i] {
                cx += glyphs[cx].glyph.isEmpty ? 1 : max(1, displayWidth(glyphs[cx].glyph))
                i += 1
            }
            if i == target.count { result.append(x) }
            x += 1
        }
        return result
    }

    /// The cells that differ from `old` (all of them when sizes differ).
    public func changes(since old: CellGrid?) -> [(x: Int, y: Int)] {
        guard let old, old.width == width, old.height == height else {
            return (0..<height).flatMap { y in (0..<width).map { (x: $0, y: y) } }
        }
        var out: [(x: Int, y: Int)] = []
        for i in cells.indices where cells[i] != old.cells[i] { out.append((x: i % width, y: i / width)) }
        return out
    }
}

extension CellGrid: CustomStringConvertible {
    /// The frame as text (test failures print this, not every cell).
    public var description: String { "\n" + text }
}
