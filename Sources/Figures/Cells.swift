/// A matrix drawn as equal cells: colours and values kept compact (a few
/// bytes a cell) and each cell's rectangle and hover text made only as it
/// is written, so a figure of 10⁶ cells does not hold 10⁶ strings.
public struct Cells: Sendable, Equatable {
    public var x: Double, y: Double, cellWidth: Double, cellHeight: Double
    public var rows: Int, columns: Int
    /// Row-major, one per cell.
    public var fills: [RGB], values: [Float]
    public var hover: Hover

    public init(
        x: Double, y: Double, cellWidth: Double, cellHeight: Double, rows: Int, columns: Int, fills: [RGB],
        values: [Float], hover: Hover
    ) {
        precondition(fills.count == rows * columns && values.count == rows * columns, "one fill and value per cell")
        self.x = x; self.y = y; self.cellWidth = cellWidth; self.cellHeight = cellHeight
        self.rows = rows; self.columns = columns; self.fills = fills; self.values = values; self.hover = hover
    }

    /// Cell (r, c) as a rectangle item (computed as the figures placed their
    /// rectangles one by one, so the written coordinates are unchanged).
    public func rect(_ r: Int, _ c: Int) -> Figure.Item {
        let k = r * columns + c
        return .rect(
            x: x + Double(c) * cellWidth, y: y + Double(r) * cellHeight, width: cellWidth, height: cellHeight,
            fill: fills[k], title: hover.text(r, c, values[k]))
    }
}

/// How a cell's hover text reads: "row → column: p = 0.123456" (a
/// heatmap) or "layer 1 head 2 [row, column] = 0.123456" (a panel of many).
public struct Hover: Sendable, Equatable {
    public enum Style: Sendable, Equatable { case arrow, indices }
    public var style: Style
    /// Before the position ("layer 1 head 2"); unused by `.arrow`.
    public var prefix = ""
    /// Each row's and column's name: tokens, indices, or pooled ranges of them.
    public var rows: [String], columns: [String]
    /// What a value is ("p", "mean p"); `.indices` names it only when set.
    public var valueName: String

    public init(_ style: Style, prefix: String = "", rows: [String], columns: [String], valueName: String) {
        self.style = style; self.prefix = prefix; self.rows = rows; self.columns = columns
        self.valueName = valueName
    }

    public func text(_ r: Int, _ c: Int, _ v: Float) -> String {
        switch style {
        case .arrow: return "\(rows[r]) → \(columns[c]): \(valueName) = \(SVGWriter.fixed6(v))"
        case .indices:
            let name = valueName.isEmpty ? "" : valueName + " "
            return "\(prefix) [\(rows[r]), \(columns[c])] \(name)= \(SVGWriter.fixed6(v))"
        }
    }
}
