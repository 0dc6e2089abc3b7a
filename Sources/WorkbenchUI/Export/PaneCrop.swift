/// A pane's figure without the empty rows and columns a screen-sized pane
/// leaves (a classification is a few lines in a 40-row pane): the frame is
/// drawn again around the last row and column that hold anything.
enum PaneCrop {
    static func content(_ g: CellGrid, _ r: Rect, theme: Theme) -> (CellGrid, Rect) {
        let area = Rect(
            x: max(0, r.x), y: max(0, r.y), width: min(r.width, g.width - max(0, r.x)),
            height: min(r.height, g.height - max(0, r.y)))
        guard area.width > 4, area.height > 2 else { return (g, area) }
        let inner = area.inset(by: 1), fill = theme.style(.foreground).bg
        // Content: a glyph, or a colour of its own (a heat cell); a selected row's band
        // or a separator rule alone is not.
        func holds(_ c: Cell) -> Bool {
            c.glyph == "─" ? false : c.glyph != " " || (c.style.bg != fill && c.style.bg != theme.color(.selection))
        }
        var lastRow = inner.y, lastColumn = inner.x
        for y in inner.y..<inner.maxY {
            for x in inner.x..<inner.maxX where holds(g[x, y]) {
                lastRow = max(lastRow, y)
                lastColumn = max(lastColumn, x)
            }
        }
        // The title on the top edge stays whole.
        for x in inner.x..<inner.maxX where g[area.x + 0, area.y].glyph == "┌" {
            let c = g[x, area.y]
            if c.glyph != "─" && c.glyph != " " { lastColumn = max(lastColumn, x + 1) }
        }
        let width = min(area.width, lastColumn - area.x + 3), height = min(area.height, lastRow - area.y + 2)
        var out = CellGrid(width: width, height: height)
        for y in 0..<height - 1 {
            for x in 0..<width - 1 where !g[area.x + x, area.y + y].isContinuation {
                let c = g[area.x + x, area.y + y]
                out.put(c.glyph, x: x, y: y, style: c.style, clip: Rect(x: 0, y: 0, width: width - 1, height: height))
            }
        }
        let border = g[area.x, area.y].style
        out.put("┐", x: width - 1, y: 0, style: border)
        for y in 1..<max(1, height - 1) { out.put("│", x: width - 1, y: y, style: border) }
        out.put("└" + String(repeating: "─", count: width - 2) + "┘", x: 0, y: height - 1, style: border)
        return (out, Rect(x: 0, y: 0, width: width, height: height))
    }
}
