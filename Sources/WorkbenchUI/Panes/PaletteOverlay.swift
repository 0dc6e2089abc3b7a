import TextCells

/// Ctrl-P: the command palette over the panes, its filter on top, the
/// matching keys and commands below (the highlighted one's whole text, or
/// why it cannot run, on the last row).
enum PaletteOverlay {
    static func render(_ p: PaletteState, _ s: WorkbenchState, _ extent: Extent, into c: inout Canvas) {
        let t = c.theme, screen = (width: c.grid.width, height: c.grid.height)
        let width = min(screen.width - 2, 140), height = min(screen.height - 2, 26)
        guard width >= 20, height >= 5 else { return }
        let r = Rect(x: (screen.width - width) / 2, y: (screen.height - height) / 2, width: width, height: height)
        let base = t.style(.foreground, bg: .selection), muted = t.style(.muted, bg: .selection)
        c.grid.fill(r, style: base)
        c.grid.box(
            r,
            title: p.glossaryOnly
                ? "Glossary · type to filter · ↑↓ · Enter shows it live · Esc closes"
                : "Commands, keys and terms · type to filter · ↑↓ · Enter runs · Esc closes",
            style: t.style(.focusBorder, bg: .selection), titleStyle: t.style(.accent, bg: .selection, [.bold]))
        let inner = r.inset(by: 1)
        let all = CommandPalette.entries(s).count, matches = CommandPalette.matches(p.query.text, s)
        filterRow(p, shown: matches.count, of: all, inner, &c)
        let list = Rect(x: inner.x, y: inner.y + 1, width: inner.width, height: inner.height - 2)
        let selected = clamped(p.selected, matches.count)
        let start = max(0, selected - list.height + 1)
        let shown = matches.dropFirst(start).prefix(list.height)
        // Where each applies, in a right-hand column as wide as the widest shown (none when narrow).
        let placeWidth = list.width >= 60 ? min(20, shown.map { displayWidth($0.place) }.max() ?? 0) : 0
        for (k, e) in shown.enumerated() {
            let on = start + k == selected
            let style =
                on
                ? t.style(.background, bg: .accent, [.bold])
                : CommandPalette.unavailable(e, s, extent) != nil ? muted : base
            entryRow(e, y: list.y + k, list, style, place: (placeWidth, on ? style : muted), &c)
        }
        let footer = Rect(x: inner.x + 1, y: inner.maxY - 1, width: inner.width - 2, height: 1)
        if let e = matches[safe: selected] {
            let why = CommandPalette.unavailable(e, s, extent)
            c.put(why ?? "\(e.keys)  \(e.help)", x: footer.x, y: footer.y, why != nil ? muted : base, clip: footer)
        } else {
            c.put("nothing matches \"\(p.query.text)\"", x: footer.x, y: footer.y, muted, clip: footer)
        }
    }

    /// The filter with its cursor, and how many entries it keeps.
    private static func filterRow(_ p: PaletteState, shown: Int, of all: Int, _ inner: Rect, _ c: inout Canvas) {
        let t = c.theme
        let count = "\(shown) of \(all)"
        let field = Rect(x: inner.x + 1, y: inner.y, width: max(1, inner.width - displayWidth(count) - 3), height: 1)
        c.put("› " + p.query.text, x: field.x, y: field.y, t.style(.foreground, bg: .selection, [.bold]), clip: field)
        let cursorX = field.x + 2 + p.query.cursorColumn
        if cursorX < field.maxX {
            c.grid.restyle(Rect(x: cursorX, y: field.y, width: 1, height: 1)) { $0.attributes.insert(.reverse) }
        }
        c.put(count, x: inner.maxX - displayWidth(count) - 1, y: inner.y, t.style(.muted, bg: .selection))
    }

    /// One entry: its keys (or usage) in a column, its help, and where it applies on the right when there is room.
    private static func entryRow(
        _ e: CommandPalette.Entry, y: Int, _ list: Rect, _ style: Style, place: (width: Int, style: Style),
        _ c: inout Canvas
    ) {
        c.grid.fill(Rect(x: list.x, y: y, width: list.width, height: 1), style: style)
        let keysWidth = min(18, list.width / 3)
        c.put(e.keys, x: list.x + 1, y: y, style, clip: Rect(x: list.x + 1, y: y, width: keysWidth, height: 1))
        let helpX = list.x + 2 + keysWidth
        let placeX = list.maxX - 1 - place.width
        let helpEnd = place.width > 0 ? placeX - 2 : list.maxX - 1
        if helpEnd > helpX {
            c.put(e.help, x: helpX, y: y, style, clip: Rect(x: helpX, y: y, width: helpEnd - helpX, height: 1))
        }
        if place.width > 0 {
            c.put(e.place, x: placeX, y: y, place.style, clip: Rect(x: placeX, y: y, width: place.width, height: 1))
        }
    }
}
