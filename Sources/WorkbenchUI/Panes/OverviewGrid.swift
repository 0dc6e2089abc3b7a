import Analysis
import Encoder

/// All layers × heads as small thumbnails; the chosen head is framed.
struct OverviewGrid {
    let workbench: Workbench
    let trace: Trace
    var theme: Theme { workbench.theme }

    func render(_ g: inout CellGrid, _ r: Rect) {
        let (layers, heads) = (trace.layers, trace.heads)
        let labelW = 4
        let tw = (r.width - labelW) / heads - 1, th = (r.height - 1) / layers - 1
        let s = workbench.attention
        guard tw >= 2, th >= 1 else { return drawEntropyTable(&g, r) }
        for h in 0..<heads {
            g.put("H\(h + 1)", x: r.x + labelW + h * (tw + 1), y: r.y, style: theme.style(h == s.head ? "cursor" : "muted", [.bold]))
        }
        for l in 0..<layers {
            let y = r.y + 1 + l * (th + 1)
            g.put("L\(l + 1)", x: r.x, y: y, style: theme.style(l == s.layer ? "cursor" : "muted", [.bold]))
            for h in 0..<heads {
                let cell = Rect(x: r.x + labelW + h * (tw + 1), y: y, width: tw, height: th)
                drawThumb(&g, cell, AttentionViews.head(trace, layer: l, head: h), selected: l == s.layer && h == s.head)
                workbench.hitAreas.add(cell, .head(layer: l, head: h))
            }
        }
    }

    /// The map average-pooled to the thumbnail (two rows per cell with half blocks).
    private func drawThumb(_ g: inout CellGrid, _ cell: Rect, _ m: AttentionMap, selected: Bool) {
        let ramp = workbench.colorMode.hasColorRamp
        let rowsPerCell = ramp ? 2 : 1
        let sampleRows = cell.height * rowsPerCell
        func pooled(_ rr: Int, _ cc: Int) -> Float {
            let r0 = rr * m.size / sampleRows, r1 = max(r0 + 1, (rr + 1) * m.size / sampleRows)
            let c0 = cc * m.size / cell.width, c1 = max(c0 + 1, (cc + 1) * m.size / cell.width)
            var s: Float = 0, k = 0
            for i in r0..<min(r1, m.size) { for j in c0..<min(c1, m.size) { s += m[i, j]; k += 1 } }
            return k > 0 ? s / Float(k) : 0
        }
        var values: [Float] = []
        for rr in 0..<sampleRows { for cc in 0..<cell.width { values.append(pooled(rr, cc)) } }
        let top = max(values.max() ?? 1, 1e-9)
        for y in 0..<cell.height {
            for x in 0..<cell.width {
                if ramp {
                    let a = values[(y * 2) * cell.width + x] / top, b = values[(y * 2 + 1) * cell.width + x] / top
                    g.put("▀", x: cell.x + x, y: cell.y + y, style: Style(fg: theme.heat(a), bg: theme.heat(b)))
                } else {
                    let glyphs = [" ", "░", "▒", "▓", "█"]
                    let v = values[y * cell.width + x] / top
                    g.put(glyphs[min(4, Int((v * 4).rounded()))], x: cell.x + x, y: cell.y + y, style: theme.style("foreground"))
                }
            }
        }
        if selected {
            g.restyle(Rect(x: cell.x, y: cell.maxY - 1, width: cell.width, height: 1)) { $0.attributes.insert(.underline) }
            g.put("▶", x: cell.x - 1 < 0 ? cell.x : cell.x - 1, y: cell.y, style: theme.style("cursor", [.bold]))
        }
    }

    /// When thumbnails do not fit: each head's entropy in a table.
    private func drawEntropyTable(_ g: inout CellGrid, _ r: Rect) {
        let s = workbench.attention
        g.put("entropy (bits) per head; ↑↓←→ choose, Enter opens", x: r.x, y: r.y, style: theme.style("muted"), clip: r)
        for l in 0..<trace.layers where l + 1 < r.height {
            var x = g.put("L\(l + 1) ", x: r.x, y: r.y + 1 + l, style: theme.style("muted", [.bold]))
            for h in 0..<trace.heads {
                let m = AttentionViews.head(trace, layer: l, head: h)
                let e = HeadStatistics(m, kinds: Array(repeating: .other, count: m.size)).entropy
                let start = x
                x = g.put(String(format: "%4.1f ", e), x: x, y: r.y + 1 + l,
                          style: theme.style(l == s.layer && h == s.head ? "cursor" : "foreground", l == s.layer && h == s.head ? [.reverse] : []), clip: r)
                workbench.hitAreas.add(Rect(x: start, y: r.y + 1 + l, width: x - start, height: 1), .head(layer: l, head: h))
            }
        }
    }
}
