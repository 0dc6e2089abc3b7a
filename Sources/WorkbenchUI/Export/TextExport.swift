/// A region of the drawn screen as plain text or as ANSI-coloured text.
public enum TextExport {
    public static func plain(_ g: CellGrid, _ r: Rect) -> String {
        rows(g, r).map { y in
            var line = ""
            for x in columns(g, r) where !g[x, y].isContinuation { line += g[x, y].glyph }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }.joined(separator: "\n") + "\n"
    }

    /// 24-bit SGR colours (what `cat` shows in any modern terminal), reset at each line's end.
    public static func ansi(_ g: CellGrid, _ r: Rect, theme: Theme) -> String {
        rows(g, r).map { y in
            var line = "", last: Style? = nil
            for x in columns(g, r) where !g[x, y].isContinuation {
                let c = g[x, y]
                if c.style != last {
                    let (fg, bg) = GridFigure.colours(c, theme)
                    var codes = ["0", "38;2;\(fg.r);\(fg.g);\(fg.b)", "48;2;\(bg.r);\(bg.g);\(bg.b)"]
                    if c.style.attributes.contains(.bold) { codes.append("1") }
                    if c.style.attributes.contains(.underline) { codes.append("4") }
                    line += "\u{1B}[" + codes.joined(separator: ";") + "m"
                    last = c.style
                }
                line += c.glyph
            }
            return line + "\u{1B}[0m"
        }.joined(separator: "\n") + "\n"
    }

    private static func rows(_ g: CellGrid, _ r: Rect) -> Range<Int> { max(0, r.y)..<min(g.height, r.maxY) }
    private static func columns(_ g: CellGrid, _ r: Rect) -> Range<Int> { max(0, r.x)..<min(g.width, r.maxX) }
}
