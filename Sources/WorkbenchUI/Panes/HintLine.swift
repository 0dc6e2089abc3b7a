import TextCells

/// The focused pane's hint line: its few keys on the pane's bottom border,
/// left of a shared place's tabs, so `o`, `g` or `e` need no README.
enum HintLine {
    /// Draws as many whole hints as fit on `r`'s bottom row, from its left
    /// corner up to column `end` (exclusive).
    static func render(_ hints: [KeyHints.Hint], _ r: Rect, end: Int, into c: inout Canvas) {
        let y = r.maxY - 1
        guard r.height >= 2, !hints.isEmpty else { return }
        let key = c.theme.style(.accent, [.bold]), label = c.theme.style(.foreground)
        var x = r.x + 1
        for h in hints {
            let lead = x == r.x + 1 ? " " : "  "
            guard x + displayWidth(lead + h.keys + " " + h.label) + 1 <= end else { break }
            x = c.put(lead, x: x, y: y, label)
            x = c.put(h.keys, x: x, y: y, key)
            x = c.put(" " + h.label, x: x, y: y, label)
        }
        if x > r.x + 1 { c.put(" ", x: x, y: y, label) }
    }
}
