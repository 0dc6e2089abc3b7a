import Analysis
import Foundation
import Session
import TextCells

/// A map the pane does not hold whole: at full resolution with the rows on
/// screen read exactly (a long input's band), or pooled, every block of
/// queries × keys one cell, the block's peak and the exact value under the
/// cursor on the lines above.
enum LongMapGrid {
    /// Where the map goes inside the pane's inner area: below two info lines.
    static func body(_ inner: Rect) -> Rect { inner.splitTop(2).1 }

    /// The pooled grid's label column and how many blocks fit down and across
    /// (a header line of key positions above, a legend line below).
    static func pooledSize(_ r: Rect, tokens n: Int) -> (labelWidth: Int, rows: Int, columns: Int)? {
        let lw = grouped(max(1, n)).count + 1
        let rows = min(n, r.height - 2), columns = min(n, r.width - lw)
        guard rows > 0, columns > 0 else { return nil }
        return (lw, rows, columns)
    }

    static func render(_ v: LongMapView, _ s: AttentionState, valueName: String, _ r: Rect, _ c: inout Canvas) {
        let area = body(r)
        switch v.mode {
        case .band:
            drawBandInfo(v, s, valueName, r, &c)
            let shown = v.band.map { b in b.values.max() ?? 0 } ?? 0
            AttentionPane.drawHeatmap(labels: v.labels, maxValue: max(shown, 1e-9), s, area, &c) { v.value($0, $1) }
        case .pooled:
            drawPooledInfo(v, s, valueName, r, &c)
            if let p = v.pooled { drawPooled(p, v, s, area, &c) }
        }
        if let w = v.waiting, v.mode == .pooled ? v.pooled == nil : v.band == nil {
            c.put(w, x: area.x, y: area.y + area.height / 2, c.theme.style(.muted), clip: area)
        }
    }

    /// "‘the’ 1,301" — a token and its position, counted from 1.
    static func named(_ v: LongMapView, _ t: Int) -> String {
        v.labels.indices.contains(t) ? "\(v.labels[t]) (\(grouped(t + 1)))" : grouped(t + 1)
    }

    /// "1,229–1,365" (positions from 1), or "7" for a block of one.
    static func span(_ r: Range<Int>) -> String {
        r.count == 1 ? grouped(r.lowerBound + 1) : "\(grouped(r.lowerBound + 1))–\(grouped(r.upperBound))"
    }

    private static func exact(_ v: LongMapView, _ s: AttentionState, _ name: String) -> String {
        let cell = "\(named(v, s.row)) → \(named(v, s.column))  \(name) = "
        return cell + (v.value(s.row, s.column).map { String(format: "%.6f", $0) } ?? "…")
    }

    private static func drawBandInfo(
        _ v: LongMapView, _ s: AttentionState, _ name: String, _ r: Rect, _ c: inout Canvas
    ) {
        var x = c.put(exact(v, s, name), x: r.x, y: r.y, c.theme.style(.foreground, [.bold]), clip: r)
        x = c.put("   " + v.source, x: x, y: r.y, c.theme.style(.muted), clip: r)
        let n = v.tokens
        guard let band = v.band, band.tokens == n, band.request.rows.contains(s.row) else {
            // An older band is drawn while the cursor's rows are scored: say so where the row's summary goes.
            if v.band != nil, let w = v.waiting { c.put(w, x: r.x, y: r.y + 1, c.theme.style(.muted), clip: r) }
            return
        }
        let start = (s.row - band.request.rows.lowerBound) * n
        guard start >= 0, start + n <= band.values.count else { return }
        let row = band.values[start..<(start + n)]
        let parts = rowSummary(Array(row), query: s.row, v) + [c.keys("   O pools the whole map")]
        c.segments(parts, x: r.x, y: r.y + 1, c.theme.style(.muted), clip: r)
    }

    /// The cursor row at a glance: its entropy, its peak, how much stays within 8 tokens, and on itself.
    static func rowSummary(_ row: [Float], query i: Int, _ v: LongMapView) -> [String] {
        var entropy: Double = 0, near: Float = 0, peak = 0
        for (j, p) in row.enumerated() {
            if p > 0 { entropy -= Double(p) * log2(Double(p)) }
            if abs(j - i) <= 8 { near += p }
            if p > row[peak] { peak = j }
        }
        func pct(_ x: Float) -> String { String(format: "%.0f%%", x * 100) }
        return [
            "row \(grouped(i + 1)): " + String(format: "H %.2f bits", entropy),
            " │ peak \(named(v, peak)) \(pct(row.indices.contains(peak) ? row[peak] : 0))",
            " │ within ±8 \(pct(near))", " │ self \(pct(row.indices.contains(i) ? row[i] : 0))",
        ]
    }

    private static func drawPooledInfo(
        _ v: LongMapView, _ s: AttentionState, _ name: String, _ r: Rect, _ c: inout Canvas
    ) {
        guard let p = v.pooled else {
            c.put(exact(v, s, name), x: r.x, y: r.y + 1, c.theme.style(.foreground, [.bold]), clip: r)
            return
        }
        let br = PooledAttention.blockIndex(of: s.row, parts: p.rows, over: p.tokens)
        let bc = PooledAttention.blockIndex(of: s.column, parts: p.columns, over: p.tokens)
        let k = br * p.columns + bc, rows = p.rowBlock(br), cols = p.columnBlock(bc)
        let at = p.peakAt[k], n = max(1, p.tokens)
        let parts = [
            "block \(span(rows)) × \(span(cols))",
            String(format: " · mean %.4g", p.mean[k]),
            String(format: " · peak %.4g at ", p.peak[k]) + "\(named(v, at / n)) → \(named(v, at % n))",
        ]
        c.segments(parts, x: r.x, y: r.y, c.theme.style(.foreground, [.bold]), clip: r)
        let x = c.put("cursor " + exact(v, s, name), x: r.x, y: r.y + 1, c.theme.style(.accent), clip: r)
        c.put("   " + v.source, x: x, y: r.y + 1, c.theme.style(.muted), clip: r)
    }

    /// Block means coloured relative to the largest; the cursor's block marked.
    private static func drawPooled(
        _ p: PooledAttention, _ v: LongMapView, _ s: AttentionState, _ r: Rect, _ c: inout Canvas
    ) {
        // A grid pooled for another size (the terminal resized) is clipped until its successor comes.
        guard let (lw, fitRows, fitColumns) = pooledSize(r, tokens: p.tokens) else { return }
        let rows = min(fitRows, p.rows), columns = min(fitColumns, p.columns)
        let top = max(p.mean.max() ?? 0, 1e-12), x0 = r.x + lw
        let br = PooledAttention.blockIndex(of: s.row, parts: p.rows, over: p.tokens)
        let bc = PooledAttention.blockIndex(of: s.column, parts: p.columns, over: p.tokens)
        drawKeyTicks(p, x0: x0, y: r.y, width: r.maxX - x0, bc, &c)
        for row in 0..<rows {
            let y = r.y + 1 + row, first = p.rowBlock(row).lowerBound
            let label = String(repeating: " ", count: max(0, lw - 1 - grouped(first + 1).count)) + grouped(first + 1)
            c.put(label, x: r.x, y: y, c.theme.style(row == br ? .cursor : .muted, row == br ? [.bold] : []))
            for col in 0..<columns {
                let level = HeatRamp.level(p.mean[row * p.columns + col], of: top), x = x0 + col
                if c.ramp {
                    c.put(" ", x: x, y: y, Style(fg: c.theme.color(.cursor), bg: c.theme.heat(level)))
                } else {
                    c.put(HeatRamp.glyph(level), x: x, y: y, c.theme.style(.foreground))
                }
                c.hits.add(
                    Rect(x: x, y: y, width: 1, height: 1),
                    .cell(row: first, column: p.columnBlock(col).lowerBound))
            }
        }
        drawPooledLegend(p, top: top, Rect(x: r.x, y: r.y + 1 + rows, width: r.width, height: 1), &c)
        guard br < rows, bc < columns else { return }
        var mark = c.grid[x0 + bc, r.y + 1 + br].style
        mark.fg = c.theme.color(.cursor)
        mark.attributes.insert(.bold)
        if !c.ramp { mark.attributes.insert(.reverse) }
        c.put("◆", x: x0 + bc, y: r.y + 1 + br, mark)
    }

    /// Key positions along the top, every few blocks; the cursor's block marked.
    private static func drawKeyTicks(
        _ p: PooledAttention, x0: Int, y: Int, width: Int, _ cursor: Int, _ c: inout Canvas
    ) {
        let clip = Rect(x: x0, y: y, width: width, height: 1)
        var next = 0
        for col in 0..<p.columns where col >= next {
            let text = "│" + grouped(p.columnBlock(col).lowerBound + 1)
            guard col + text.count <= p.columns else { break }
            c.put(text, x: x0 + col, y: y, c.theme.style(.muted), clip: clip)
            next = col + text.count + 2
        }
        // The cursor's column: a mark where the line is blank, else its tick shown in the cursor's colour.
        guard cursor < width else { return }
        if c.grid[x0 + cursor, y].glyph == " " {
            c.put("▼", x: x0 + cursor, y: y, c.theme.style(.cursor, [.bold]), clip: clip)
        } else {
            let colour = c.theme.color(.cursor)
            c.grid.restyle(Rect(x: x0 + cursor, y: y, width: 1, height: 1)) {
                $0.fg = colour; $0.attributes.insert(.bold); $0.attributes.insert(.reverse)
            }
        }
    }

    private static func drawPooledLegend(_ p: PooledAttention, top: Float, _ r: Rect, _ c: inout Canvas) {
        let size = "\(grouped(p.rowBlock(0).count)) × \(grouped(p.columnBlock(0).count))"
        var x = c.put("a cell: the mean of ~\(size) tokens · 0 ", x: r.x, y: r.y, c.theme.style(.muted), clip: r)
        for k in 0..<8 {
            let level = Float(k) / 7
            x =
                c.ramp
                ? c.put(" ", x: x, y: r.y, Style(fg: c.theme.color(.foreground), bg: c.theme.heat(level)), clip: r)
                : c.put(HeatRamp.glyph(level), x: x, y: r.y, c.theme.style(.foreground), clip: r)
        }
        c.put(String(format: " %.4g", top) + c.keys(" · Enter zooms in"), x: x, y: r.y, c.theme.style(.muted), clip: r)
    }
}
