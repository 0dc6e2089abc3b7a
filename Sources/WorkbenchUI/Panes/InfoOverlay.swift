import TextCells

/// `I`: the model's facts, the same as `bertscope info`.
enum InfoOverlay {
    static func render(_ g: inout CellGrid, theme: Theme, table: String) {
        let lines = table.split(separator: "\n").map(String.init)
        let width = min(g.width - 2, max(40, (lines.map(displayWidth).max() ?? 0) + 4)),
            height = min(g.height - 2, lines.count + 2)
        guard width > 10, height > 2 else { return }
        let r = Rect(x: (g.width - width) / 2, y: (g.height - height) / 2, width: width, height: height)
        g.fill(r, style: theme.style(.foreground, bg: .selection))
        g.box(
            r, title: "Model · any key closes", style: theme.style(.focusBorder, bg: .selection),
            titleStyle: theme.style(.accent, bg: .selection, [.bold]))
        let inner = r.inset(by: 1)
        for (i, line) in lines.prefix(inner.height).enumerated() {
            g.put(" " + line, x: inner.x, y: inner.y + i, style: theme.style(.foreground, bg: .selection), clip: inner)
        }
    }
}
