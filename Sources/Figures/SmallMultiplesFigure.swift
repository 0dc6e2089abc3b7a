import Foundation

/// Many small heatmaps in a grid (every layer × head): one rectangle per
/// entry, a label over each panel, one colour bar for all.
public struct SmallMultiplesFigure {
    /// Row-major panels (rows × columns of them), each `size` × `size` entries.
    public var panels: [[Float]]
    public var panelRows: Int, panelColumns: Int, size: Int
    public var panelLabels: [String]
    public var rowHeadings: [String], columnHeadings: [String]
    public var title: String, subtitle = ""
    /// Each row's and column's name in hover text (default: its index; pooled: "4–7").
    public var indexNames: [String]? = nil
    /// What a value is in hover text when not the entry itself ("mean" when pooled).
    public var valueName = ""
    /// (panel, entry) → colour: each panel may have its own scale.
    public var colour: (Int, Float) -> RGB
    public var foreground = RGB(220, 220, 220), muted = RGB(150, 150, 150), background = RGB(18, 18, 18)
    public var fontSize = 12.0

    public init(
        panels: [[Float]], panelRows: Int, panelColumns: Int, size: Int, panelLabels: [String],
        rowHeadings: [String], columnHeadings: [String], title: String, colour: @escaping (Int, Float) -> RGB
    ) {
        self.panels = panels; self.panelRows = panelRows; self.panelColumns = panelColumns; self.size = size
        self.panelLabels = panelLabels; self.rowHeadings = rowHeadings; self.columnHeadings = columnHeadings
        self.title = title; self.colour = colour
    }

    public var figure: Figure {
        // Panels about 96 px across whatever the length, at least 2 px per entry.
        let cell = max(2, (96 / Double(max(1, size))).rounded(.down)), panel = cell * Double(size), gap = 10.0
        let left = 44.0, top = 60.0
        let heading = max(
            HeatmapFigure.labelWidth(title, size: fontSize + 3) * 1.08,
            HeatmapFigure.labelWidth(subtitle, size: fontSize))
        let width = max(left + Double(panelColumns) * (panel + gap) + 12, heading + 24)
        let height = top + Double(panelRows) * (panel + gap + 4) + 12
        var f = Figure(width: width, height: height, background: background)
        f.text(Figure.Text(x: 12, y: 22, title, size: fontSize + 3, color: foreground, bold: true))
        if !subtitle.isEmpty { f.text(Figure.Text(x: 12, y: 38, subtitle, size: fontSize, color: muted)) }
        for (c, h) in columnHeadings.enumerated() {
            f.text(
                Figure.Text(
                    x: left + Double(c) * (panel + gap) + panel / 2, y: top - 6, h, size: fontSize, color: muted,
                    anchor: .middle))
        }
        for (r, h) in rowHeadings.enumerated() {
            f.text(
                Figure.Text(
                    x: left - 8, y: top + Double(r) * (panel + gap + 4) + panel / 2 + fontSize * 0.35, h,
                    size: fontSize, color: muted, anchor: .end))
        }
        let names = indexNames ?? (0..<size).map(String.init)
        for (k, values) in panels.enumerated() {
            let pr = k / panelColumns, pc = k % panelColumns
            let x0 = left + Double(pc) * (panel + gap), y0 = top + Double(pr) * (panel + gap + 4)
            f.cells(
                Cells(
                    x: x0, y: y0, cellWidth: cell, cellHeight: cell, rows: size, columns: size,
                    fills: values.map { colour(k, $0) }, values: values,
                    hover: Hover(.indices, prefix: panelLabels[k], rows: names, columns: names, valueName: valueName)))
        }
        return f
    }
}
