/// How a heatmap of n rows and columns fits an area: label column, cell
/// width, header rows, and how many rows and columns show. The controller
/// uses it to keep the scroll offsets around the cursor before drawing,
/// so drawing itself never has to move anything.
struct HeatmapGeometry: Equatable {
    let labelWidth: Int
    let cellWidth: Int
    let headerRows: Int
    /// Screen rows available for map rows.
    let rowsAvailable: Int
    /// Two map rows per screen row (upper and lower half blocks).
    let halfBlocks: Bool
    let visibleRows: Int
    let visibleColumns: Int

    init?(_ r: Rect, size n: Int, labels: [String], ramp: Bool) {
        labelWidth = min(12, max(3, labels.map(displayWidth).max() ?? 3), max(3, r.width / 4))
        let avail = r.width - labelWidth - 1
        guard avail > 0, n > 0 else { return nil }
        cellWidth = [5, 4, 3, 2].first { n * $0 <= avail } ?? 1
        visibleColumns = min(n, avail / cellWidth)
        headerRows = min(cellWidth >= 2 ? 4 : 3, max(1, r.height / 4))
        rowsAvailable = r.height - headerRows
        guard rowsAvailable > 0, visibleColumns > 0 else { return nil }
        halfBlocks = ramp && n > rowsAvailable
        visibleRows = min(n, rowsAvailable * (halfBlocks ? 2 : 1))
    }

    /// The scroll offset keeping `cursor` inside `visible` of `total` rows or columns.
    static func scroll(_ scroll: Int, cursor: Int, visible: Int, total: Int) -> Int {
        var s = scroll
        if cursor < s { s = cursor }
        if cursor >= s + visible { s = cursor - visible + 1 }
        return max(0, min(s, max(0, total - visible)))
    }
}
