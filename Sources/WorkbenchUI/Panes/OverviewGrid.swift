import Analysis
import Session
import TextCells

/// All layers × heads as small thumbnails; the chosen head is framed.
enum OverviewGrid {
    static func render(
        _ o: OverviewView, _ s: AttentionState, ablated: HeadAblation = HeadAblation(), _ r: Rect, _ c: inout Canvas
    ) {
        let labelW = 4
        guard let (tw, th, rows) = OverviewView.thumbnailSize(r, layers: o.layers, heads: o.heads, ramp: c.ramp) else {
            return drawEntropyTable(o, s, r, &c)
        }
        for h in 0..<o.heads {
            c.put(
                "H\(h + 1)", x: r.x + labelW + h * (tw + 1), y: r.y,
                c.theme.style(h == s.head ? .cursor : .muted, [.bold]))
        }
        for l in 0..<o.layers {
            let y = r.y + 1 + l * (th + 1)
            c.put("L\(l + 1)", x: r.x, y: y, c.theme.style(l == s.layer ? .cursor : .muted, [.bold]))
            for h in 0..<o.heads {
                let cell = Rect(x: r.x + labelW + h * (tw + 1), y: y, width: tw, height: th)
                let values = o.thumbnail(layer: l, head: h, rows: rows, columns: tw)
                drawThumb(values, cell, selected: l == s.layer && h == s.head, &c)
                if ablated.contains(layer: l, head: h) {
                    c.put("✗", x: cell.x, y: cell.y, c.theme.style(.error, [.bold, .reverse]))
                }
                c.hits.add(cell, .head(layer: l, head: h))
            }
        }
    }

    /// The map average-pooled to the thumbnail (two rows per cell with half blocks).
    /// Pooled samples drawn two rows per cell with half blocks (one without colours).
    private static func drawThumb(_ values: [Float], _ cell: Rect, selected: Bool, _ c: inout Canvas) {
        let top = max(values.max() ?? 1, 1e-9)
        for y in 0..<cell.height {
            for x in 0..<cell.width {
                if c.ramp {
                    let a = values[(y * 2) * cell.width + x] / top, b = values[(y * 2 + 1) * cell.width + x] / top
                    c.put("▀", x: cell.x + x, y: cell.y + y, Style(fg: c.theme.heat(a), bg: c.theme.heat(b)))
                } else {
                    let v = values[y * cell.width + x] / top
                    c.put(HeatRamp.glyph(v), x: cell.x + x, y: cell.y + y, c.theme.style(.foreground))
                }
            }
        }
        if selected {
            c.grid.restyle(Rect(x: cell.x, y: cell.maxY - 1, width: cell.width, height: 1)) {
                $0.attributes.insert(.underline)
            }
            c.put("▶", x: cell.x - 1 < 0 ? cell.x : cell.x - 1, y: cell.y, c.theme.style(.cursor, [.bold]))
        }
    }

    /// When thumbnails do not fit: each head's entropy in a table.
    private static func drawEntropyTable(_ o: OverviewView, _ s: AttentionState, _ r: Rect, _ c: inout Canvas) {
        let title =
            o.entropies.isEmpty
            ? "entropy (bits) per head: computing…" : "entropy (bits) per head" + c.keys("; ↑↓←→ choose, Enter opens")
        c.put(title, x: r.x, y: r.y, c.theme.style(.muted), clip: r)
        guard r.height > 1 else { return }
        // Heads across, layers down: both axes named, as in the thumbnails.
        var x = c.put(fit("", 4), x: r.x, y: r.y + 1, c.theme.style(.muted))
        for h in 0..<o.heads {
            let name = "H\(h + 1)"
            x = c.put(
                String(repeating: " ", count: max(0, 4 - name.count)) + name + " ", x: x, y: r.y + 1,
                c.theme.style(h == s.head ? .cursor : .muted, [.bold]), clip: r)
        }
        for l in 0..<o.layers where l + 2 < r.height {
            let y = r.y + 2 + l
            var x = c.put(
                fit("L\(l + 1)", 4), x: r.x, y: y, c.theme.style(l == s.layer ? .cursor : .muted, [.bold]), clip: r)
            for h in 0..<o.heads {
                let on = l == s.layer && h == s.head
                let start = x
                x = c.put(
                    o.entropy(layer: l, head: h).map { String(format: "%4.1f ", $0) } ?? "   … ", x: x, y: y,
                    c.theme.style(on ? .cursor : .foreground, on ? [.reverse] : []), clip: r)
                c.hits.add(Rect(x: start, y: y, width: x - start, height: 1), .head(layer: l, head: h))
            }
        }
    }
}
