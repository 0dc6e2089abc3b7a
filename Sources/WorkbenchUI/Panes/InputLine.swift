import TextCells

/// One input line: a label, the text scrolled to keep the cursor visible,
/// and a block cursor when focused.
enum InputLine {
    static func render(
        _ editor: LineEditor, label: String, placeholder: String, _ r: Rect, focused: Bool, into c: inout Canvas
    ) {
        let theme = c.theme
        let prefix = " \(label) ▸ "
        let labelStyle = focused ? theme.style(.background, bg: .accent, [.bold]) : theme.style(.muted, bg: .selection)
        let textX = c.grid.put(prefix, x: r.x, y: r.y, style: labelStyle)
        let area = Rect(x: textX + 1, y: r.y, width: r.maxX - textX - 1, height: 1)
        guard area.width > 1 else { return }
        if editor.characters.isEmpty && !focused {
            c.grid.put(placeholder, x: area.x, y: r.y, style: theme.style(.muted), clip: area)
            return
        }
        // Scroll so the cursor stays inside the area: walk back from the cursor
        // (linear in what is visible, whatever the length of the text).
        let chars = editor.characters
        var start = editor.cursor, used = 0
        while start > 0 {
            let w = displayWidth(String(chars[start - 1]))
            if used + w >= area.width - 1 { break }
            used += w
            start -= 1
        }
        var end = editor.cursor, shown = used
        while end < chars.count, shown < area.width { shown += displayWidth(String(chars[end])); end += 1 }
        c.grid.put(
            String(chars[start..<end]), x: area.x, y: r.y, style: theme.style(.foreground, [focused ? .bold : []]),
            clip: area)
        if editor.characters.isEmpty {
            c.grid.put(placeholder, x: area.x + 1, y: r.y, style: theme.style(.muted), clip: area)
        }
        if focused {
            let cx = area.x + used
            if cx < area.maxX {
                c.grid.restyle(Rect(x: cx, y: r.y, width: 1, height: 1)) { $0.attributes.insert(.reverse) }
            }
        }
    }
}
