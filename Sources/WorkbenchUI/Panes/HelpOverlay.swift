import Foundation
import TextCells

/// The `?` overlay, generated from KeyMap.bindings.
enum HelpOverlay {
    /// The help as (text, is heading) lines, wrapped to `width` columns
    /// with continuations indented under the description.
    static func lines(width: Int = 88) -> [(String, Bool)] {
        var out: [(String, Bool)] = []
        for (text, heading) in entries() {
            let first = wordWrap(text, max(10, width))[0]
            out.append((first, heading))
            let rest = String(text.dropFirst(first.count)).trimmingCharacters(in: .whitespaces)
            guard !rest.isEmpty else { continue }
            out.append(
                contentsOf: wordWrap(rest, max(10, width - 18)).map { (String(repeating: " ", count: 18) + $0, false) })
        }
        return out
    }

    private static func entries() -> [(String, Bool)] {
        var out: [(String, Bool)] = []
        var last: Context? = nil
        for (context, keys, help) in KeyMap.helpLines {
            if context != last {
                if last != nil { out.append(("", false)) }
                out.append((context.rawValue, true))
                last = context
            }
            out.append(("  " + fit(keys, 16) + help, false))
        }
        out.append(("", false))
        out.append(("Commands", true))
        for c in Commands.all {
            out.append(("  " + (displayWidth(c.usage) <= 16 ? fit(c.usage, 16) : c.usage + "  ") + c.help, false))
        }
        return out
    }

    static func render(_ g: inout CellGrid, theme: Theme, scroll: Int) {
        let width = min(g.width - 2, 90)
        let all = lines(width: width - 4)
        let height = min(g.height - 2, all.count + 2)
        guard width > 10, height > 3 else { return }
        let r = Rect(x: (g.width - width) / 2, y: (g.height - height) / 2, width: width, height: height)
        g.fill(r, style: theme.style(.foreground, bg: .selection))
        g.box(
            r, title: "Help · ↑/↓ scroll · Ctrl-P searches it · any other key closes",
            style: theme.style(.focusBorder, bg: .selection),
            titleStyle: theme.style(.accent, bg: .selection, [.bold]))
        let inner = r.inset(by: 1)
        let start = min(scroll, max(0, all.count - inner.height))
        for (i, (text, heading)) in all.dropFirst(start).prefix(inner.height).enumerated() {
            g.put(
                text, x: inner.x + 1, y: inner.y + i,
                style: theme.style(heading ? .accent : .foreground, bg: .selection, heading ? [.bold] : []), clip: inner
            )
        }
    }
}
