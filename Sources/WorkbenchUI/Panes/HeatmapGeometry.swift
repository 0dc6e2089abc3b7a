import TextCells

/// How a heatmap of n rows and columns fits an area: label column, cell
/// width, header rows, and how many rows and columns show. The controller
/// uses it to keep the scroll offsets around the cursor before drawing,
/// so drawing itself never has to move anything.
struct HeatmapGeometry: Equatable {
    let labelWidth: Int
    let cellWidth: Int
    /// Screen rows per map row: 2 when there is room to spare, so cells grow with the screen.
    let rowHeight: Int
    let headerRows: Int
    /// Column labels written across (cells of 4 columns or more), alternating
    /// between two header rows when a label is longer than its cell; else downwards.
    let labelsAcross: Bool
    /// Screen rows available for map rows (the legend line excluded).
    let rowsAvailable: Int
    let visibleRows: Int
    let visibleColumns: Int
    /// Whether a colour-scale legend line fits under the map.
    let legend: Bool

    init?(_ r: Rect, size n: Int, labels: [String], ramp: Bool) {
        labelWidth = min(12, max(3, labels.map(displayWidth).max() ?? 3), max(3, r.width / 4))
        let avail = r.width - labelWidth - 1
        guard avail > 0, n > 0 else { return nil }
        cellWidth = max(1, min(8, avail / n))
        visibleColumns = min(n, avail / cellWidth)
        labelsAcross = cellWidth >= 4
        let room = cellWidth - 1
        let staggered = labels.contains { displayWidth($0) > room }
        headerRows = min(labelsAcross ? (staggered ? 2 : 1) : cellWidth >= 2 ? 4 : 3, max(1, r.height / 4))
        legend = r.height - headerRows > min(n, 4) + 1
        rowsAvailable = r.height - headerRows - (legend ? 1 : 0)
        guard rowsAvailable > 0, visibleColumns > 0 else { return nil }
        // Every query row keeps its own label: when the map is taller than the
        // area it scrolls (half-block rows would leave every other query unnamed).
        rowHeight = cellWidth >= 6 && rowsAvailable >= 2 * n ? 2 : 1
        visibleRows = min(n, rowsAvailable / rowHeight)
    }

    /// The scroll offset keeping `cursor` inside `visible` of `total` rows or columns.
    static func scroll(_ scroll: Int, cursor: Int, visible: Int, total: Int) -> Int {
        var s = scroll
        if cursor < s { s = cursor }
        if cursor >= s + visible { s = cursor - visible + 1 }
        return max(0, min(s, max(0, total - visible)))
    }
}
