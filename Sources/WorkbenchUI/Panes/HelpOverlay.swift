/// The `?` overlay, generated from KeyMap.bindings.
enum HelpOverlay {
    static func lines() -> [(String, Bool)] {
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
        for c in [":layer N", ":head N", ":view head|mean|rollout|words|tokens|special|nospecial", ":theme NAME", ":sample [TEXT]",
                  ":export [DIR]", ":model PATH|HUB_ID", ":quit"] {
            out.append(("  " + c, false))
        }
        return out
    }

    static func render(_ g: inout CellGrid, theme: Theme, scroll: Int) {
        let all = lines()
        let width = min(g.width - 2, 90), height = min(g.height - 2, all.count + 2)
        guard width > 10, height > 3 else { return }
        let r = Rect(x: (g.width - width) / 2, y: (g.height - height) / 2, width: width, height: height)
        g.fill(r, style: theme.style("foreground", bg: "selection"))
        g.box(r, title: "Help · ↑/↓ scroll · any other key closes", style: theme.style("focus_border", bg: "selection"),
              titleStyle: theme.style("accent", bg: "selection", [.bold]))
        let inner = r.inset(by: 1)
        let start = min(scroll, max(0, all.count - inner.height))
        for (i, (text, heading)) in all.dropFirst(start).prefix(inner.height).enumerated() {
            g.put(text, x: inner.x + 1, y: inner.y + i, style: theme.style(heading ? "accent" : "foreground", bg: "selection", heading ? [.bold] : []), clip: inner)
        }
    }
}
