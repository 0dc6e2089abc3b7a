import Foundation

/// A matrix as a publication figure: one rectangle per entry (its value as
/// hover text), the real tokens as row labels and as column labels turned
/// upright, a title, and a colour bar with the scale's values.
public struct HeatmapFigure {
    public var values: [Float]
    public var rows: Int, columns: Int
    public var rowLabels: [String], columnLabels: [String]
    public var title: String
    public var subtitle = ""
    /// What an entry is ("p", "‖·‖", "share"), for hover text and the colour bar.
    public var valueName = "p"
    /// Entry → colour; `scaled` maps an entry to the 0…1 the ramp takes.
    public var colour: (Float) -> RGB
    public var scaled: (Float) -> Float
    /// Colour bar ticks: entries to label (the scale's top, middle and zero).
    public var ticks: [Float] = []
    public var foreground = RGB(220, 220, 220), muted = RGB(150, 150, 150), background = RGB(18, 18, 18)
    public var cell = 18.0
    public var fontSize = 12.0

    public init(
        values: [Float], rows: Int, columns: Int, rowLabels: [String], columnLabels: [String], title: String,
        colour: @escaping (Float) -> RGB, scaled: @escaping (Float) -> Float
    ) {
        self.values = values; self.rows = rows; self.columns = columns
        self.rowLabels = rowLabels; self.columnLabels = columnLabels; self.title = title
        self.colour = colour; self.scaled = scaled
    }

    /// Width of a label in pixels, for layout (DejaVu Sans averages about 0.6 em; wide scripts 1 em).
    static func labelWidth(_ s: String, size: Double) -> Double {
        s.unicodeScalars.reduce(0) {
            $0 + (($1.properties.isIdeographic || $1.value >= 0x1100 && $1.value < 0x115F) ? size : size * 0.62)
        }
    }

    public var figure: Figure {
        let left = 12 + (rowLabels.map { Self.labelWidth($0, size: fontSize) }.max() ?? 0) + 8
        let top = 44 + (columnLabels.map { Self.labelWidth($0, size: fontSize) }.max() ?? 0) + 8
        let mw = Double(columns) * cell, mh = Double(rows) * cell
        let barX = left + mw + 24, barWidth = 14.0
        let heading =
            max(
                Self.labelWidth(title, size: fontSize + 3) * 1.08, Self.labelWidth(subtitle, size: fontSize)) + 24
        let width = max(barX + barWidth + 64, heading), height = max(top + mh + 24, top + 160)
        var f = Figure(width: width, height: height, background: background)
        var t = Figure.Text(x: 12, y: 22, title, size: fontSize + 3, color: foreground, bold: true)
        f.text(t)
        if !subtitle.isEmpty {
            t = Figure.Text(x: 12, y: 38, subtitle, size: fontSize, color: muted)
            f.text(t)
        }
        f.cells(
            Cells(
                x: left, y: top, cellWidth: cell, cellHeight: cell, rows: rows, columns: columns,
                fills: values.map(colour), values: values,
                hover: Hover(.arrow, rows: rowLabels, columns: columnLabels, valueName: valueName)))
        for (r, label) in rowLabels.enumerated() {
            f.text(
                Figure.Text(
                    x: left - 6, y: top + (Double(r) + 0.5) * cell + fontSize * 0.35, label, size: fontSize,
                    color: foreground, anchor: .end))
        }
        for (c, label) in columnLabels.enumerated() {
            f.text(
                Figure.Text(
                    x: left + (Double(c) + 0.5) * cell + fontSize * 0.35, y: top - 6, label, size: fontSize,
                    color: foreground, rotated: true))
        }
        colourBar(&f, x: barX, y: top, width: barWidth, height: min(mh, 240))
        return f
    }

    /// A vertical ramp from the top value (up) to zero (down), with its ticks labelled.
    private func colourBar(_ f: inout Figure, x: Double, y: Double, width: Double, height: Double) {
        let steps = 48, top = ticks.max() ?? 1
        let h = max(height, 96)
        for s in 0..<steps {
            let v = top * Float(steps - 1 - s) / Float(steps - 1)
            f.rect(x, y + Double(s) * h / Double(steps), width, h / Double(steps) + 0.5, colour(v))
        }
        for tick in ticks {
            let ty = y + h * Double(1 - (top > 0 ? tick / top : 0))
            f.line(x + width, ty, x + width + 4, ty, muted)
            f.text(
                Figure.Text(
                    x: x + width + 7, y: ty + fontSize * 0.35, String(format: "%.3g", tick), size: fontSize - 1,
                    color: muted))
        }
        f.text(Figure.Text(x: x, y: y - 8, valueName, size: fontSize - 1, color: muted))
    }
}
