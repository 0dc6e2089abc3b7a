/// One input line: a label, the text scrolled to keep the cursor visible,
/// and a block cursor when focused.
enum InputLine {
    static func render(_ g: inout CellGrid, _ r: Rect, label: String, editor: LineEditor, focused: Bool, placeholder: String, theme: Theme) {
        let prefix = " \(label) ▸ "
        let labelStyle = focused ? theme.style("background", bg: "accent", [.bold]) : theme.style("muted", bg: "selection")
        let textX = g.put(prefix, x: r.x, y: r.y, style: labelStyle)
        let area = Rect(x: textX + 1, y: r.y, width: r.maxX - textX - 1, height: 1)
        guard area.width > 1 else { return }
        if editor.characters.isEmpty && !focused {
            g.put(placeholder, x: area.x, y: r.y, style: theme.style("muted"), clip: area)
            return
        }
        // Scroll so the cursor stays inside the area.
        let chars = editor.characters
        var start = 0
        while displayWidth(String(chars[start..<editor.cursor])) >= area.width - 1 { start += 1 }
        g.put(String(chars[start...]), x: area.x, y: r.y, style: theme.style("foreground", [focused ? .bold : []]), clip: area)
        if editor.characters.isEmpty { g.put(placeholder, x: area.x + 1, y: r.y, style: theme.style("muted"), clip: area) }
        if focused {
            let cx = area.x + displayWidth(String(chars[start..<editor.cursor]))
            if cx < area.maxX { g.restyle(Rect(x: cx, y: r.y, width: 1, height: 1)) { $0.attributes.insert(.reverse) } }
        }
    }
}
