import Figures

/// A region of the drawn screen as a figure, exactly as drawn: one
/// rectangle per run of equal background, text in runs of equal style,
/// each run stretched to its cells so columns line up in any viewer.
public enum GridFigure {
    /// Pixels per cell at scale 1 (DejaVu Sans Mono at 14 px is 8.43 wide).
    public static let cellWidth = 8.5, cellHeight = 17.0, fontSize = 14.0

    public static func figure(_ g: CellGrid, _ r: Rect, theme: Theme) -> Figure {
        let area = Rect(
            x: max(0, r.x), y: max(0, r.y), width: min(r.width, g.width - max(0, r.x)),
            height: min(r.height, g.height - max(0, r.y)))
        var f = Figure(
            width: Double(area.width) * cellWidth, height: Double(area.height) * cellHeight,
            background: theme.figureBackground)
        for row in 0..<area.height {
            let y = area.y + row
            backgrounds(g, area, y, row, theme, &f)
            texts(g, area, y, row, theme, &f)
        }
        return f
    }

    /// The cell's colours with reverse video applied.
    static func colours(_ c: Cell, _ theme: Theme) -> (fg: RGB, bg: RGB) {
        var fg = theme.rgb(c.style.fg, background: false), bg = theme.rgb(c.style.bg, background: true)
        if c.style.attributes.contains(.reverse) { swap(&fg, &bg) }
        if c.style.attributes.contains(.dim) { fg = fg.mixed(with: bg, 0.4) }
        return (fg, bg)
    }

    private static func backgrounds(
        _ g: CellGrid, _ area: Rect, _ y: Int, _ row: Int, _ theme: Theme, _ f: inout Figure
    ) {
        var x = area.x
        while x < area.maxX {
            let bg = colours(g[x, y], theme).bg
            var end = x + 1
            while end < area.maxX, colours(g[end, y], theme).bg == bg { end += 1 }
            if bg != f.background {
                f.rect(
                    Double(x - area.x) * cellWidth, Double(row) * cellHeight, Double(end - x) * cellWidth, cellHeight,
                    bg)
            }
            x = end
        }
    }

    private static func texts(_ g: CellGrid, _ area: Rect, _ y: Int, _ row: Int, _ theme: Theme, _ f: inout Figure) {
        var x = area.x
        let baseline = Double(row) * cellHeight + cellHeight * 0.76
        while x < area.maxX {
            let c = g[x, y]
            guard !c.isContinuation, c.glyph != " " else { x += 1; continue }
            let (fg, _) = colours(c, theme), bold = c.style.attributes.contains(.bold)
            // A run: single-width cells of one style; a wide glyph is a run of its own (two cells).
            var glyphs = c.glyph, end = x + 1
            let wide = end < area.maxX && g[end, y].isContinuation
            if wide {
                end += 1
            } else {
                while end < area.maxX, !g[end, y].isContinuation, end + 1 >= area.maxX || !g[end + 1, y].isContinuation,
                    g[end, y].style == c.style
                {
                    glyphs += g[end, y].glyph
                    end += 1
                }
            }
            var t = Figure.Text(
                x: Double(x - area.x) * cellWidth, y: baseline, glyphs, size: fontSize, color: fg, bold: bold)
            t.monospace = true
            t.fitWidth = Double(end - x) * cellWidth
            f.text(t)
            x = end
        }
    }
}
