import TextCells

extension ProbingPane {
    /// The projector: a scatter of every corpus token in half blocks (two pixels a cell, so
    /// each half has its own colour, and any terminal font draws it), each pixel coloured by
    /// its most common tag; ◆ the typed token, • its nearest corpus tokens, + the cursor,
    /// whose nearest token's sentence is the last line.
    static func drawScatter(_ v: ScatterView, _ r: Rect, _ c: inout Canvas) {
        let t = c.theme
        let axes =
            v.explained.count == 2
            ? String(format: "PC1 %.1f%% · PC2 %.1f%% of the variance", v.explained[0] * 100, v.explained[1] * 100) : ""
        c.put(axes + " · ◆ typed · • nearest · + cursor", x: r.x, y: r.y, t.style(.muted), clip: r)
        let footer = 2
        let plot = Rect(x: r.x, y: r.y + 1, width: r.width, height: max(0, r.height - 1 - footer))
        guard plot.width > 2, plot.height > 1 else { return }
        let cells = Cells(v, plot)
        for cy in 0..<plot.height {
            for cx in 0..<plot.width {
                let top = cells.pixel(cx, 2 * cy), bottom = cells.pixel(cx, 2 * cy + 1)
                switch (top, bottom) {
                case (nil, nil): continue
                case (let a?, nil): c.put("▀", x: plot.x + cx, y: plot.y + cy, t.style(color(a)), clip: plot)
                case (nil, let b?): c.put("▄", x: plot.x + cx, y: plot.y + cy, t.style(color(b)), clip: plot)
                case (let a?, let b?):
                    c.put("▀", x: plot.x + cx, y: plot.y + cy, t.style(color(a), bg: color(b)), clip: plot)
                }
            }
        }
        for row in v.neighbours {
            if let (x, y) = cells.cell(ofRow: row) {
                c.put("•", x: plot.x + x, y: plot.y + y, t.style(.foreground, [.bold]), clip: plot)
            }
        }
        if let q = v.query, q.count == 2, let (x, y) = cells.cell(of: q[0], q[1]) {
            c.put("◆", x: plot.x + x, y: plot.y + y, t.style(.cursor, [.bold]), clip: plot)
        }
        if v.cursor.count == 2 {
            let x = Int((v.cursor[0] * Double(plot.width - 1)).rounded()),
                y = Int((v.cursor[1] * Double(plot.height - 1)).rounded())
            c.put("+", x: plot.x + x, y: plot.y + y, t.style(.accent, [.bold, .reverse]), clip: plot)
        }
        drawLegend(v, Rect(x: r.x, y: plot.maxY, width: r.width, height: 1), &c)
        if let m = v.underCursor {
            var x = c.put("+ ", x: r.x, y: plot.maxY + 1, t.style(.accent, [.bold]), clip: r)
            let (left, right) = split(m, width: max(8, r.width - 2 - 7))
            x = c.put(left, x: x, y: plot.maxY + 1, t.style(.foreground), clip: r)
            x = c.put(m.token, x: x, y: plot.maxY + 1, t.style(.accent, [.bold, .underline]), clip: r)
            x = c.put(right, x: x, y: plot.maxY + 1, t.style(.foreground), clip: r)
            if let tag = m.tag { c.put(" " + tag, x: x, y: plot.maxY + 1, t.style(.specialToken), clip: r) }
        }
    }

    /// Tag code → colour: the seven most frequent tags their own, the rest grey.
    static func color(_ code: UInt16) -> ThemeKey {
        code == 0 ? .muted : ThemeKey.categories[min(Int(code), ThemeKey.categories.count) - 1]
    }

    private static func drawLegend(_ v: ScatterView, _ r: Rect, _ c: inout Canvas) {
        let t = c.theme
        guard !v.tags.isEmpty else {
            c.put(
                "(no tags in this corpus: index CoNLL-U to colour by part of speech)", x: r.x, y: r.y, t.style(.muted),
                clip: r)
            return
        }
        var x = c.put(v.tagName.uppercased() + " ", x: r.x, y: r.y, t.style(.muted), clip: r)
        let shown = ThemeKey.categories.count - 1
        for (i, tag) in v.tags.prefix(shown).enumerated() {
            x = c.put("■", x: x, y: r.y, t.style(color(UInt16(i + 1))), clip: r)
            x = c.put(tag + " ", x: x, y: r.y, t.style(.foreground), clip: r)
        }
        if v.tags.count > shown {
            x = c.put("■", x: x, y: r.y, t.style(color(UInt16(shown + 1))), clip: r)
            c.put("other", x: x, y: r.y, t.style(.foreground), clip: r)
        }
    }

    /// The points binned into the plot's pixels (a cell's upper and lower half), with each pixel's tag counts.
    struct Cells {
        let width: Int, height: Int, bounds: [Float], points: [Float]
        private var filled: [Bool], counts: [UInt32]
        static let slots = ThemeKey.categories.count + 1

        init(_ v: ScatterView, _ r: Rect) {
            width = r.width; height = r.height; bounds = v.bounds; points = v.points
            filled = [Bool](repeating: false, count: width * height * 2)
            counts = [UInt32](repeating: 0, count: width * height * 2 * Self.slots)
            for row in 0..<(v.points.count / 2) {
                guard let (px, py) = pixel(of: v.points[2 * row], v.points[2 * row + 1]) else { continue }
                let i = py * width + px
                filled[i] = true
                let code = row < v.codes.count ? min(Int(v.codes[row]), Self.slots - 1) : 0
                counts[i * Self.slots + code] += 1
            }
        }

        /// The pixel of a data point (x right, y up), nil outside the bounds.
        func pixel(of x: Float, _ y: Float) -> (Int, Int)? {
            guard bounds.count == 4, x.isFinite, y.isFinite else { return nil }
            let fx = (x - bounds[0]) / (bounds[1] - bounds[0]), fy = (bounds[3] - y) / (bounds[3] - bounds[2])
            guard (0...1).contains(fx), (0...1).contains(fy) else { return nil }
            return (min(width - 1, Int(fx * Float(width))), min(2 * height - 1, Int(fy * Float(2 * height))))
        }

        func cell(of x: Float, _ y: Float) -> (Int, Int)? { pixel(of: x, y).map { ($0.0, $0.1 / 2) } }

        func cell(ofRow row: Int) -> (Int, Int)? {
            guard row >= 0, 2 * row + 1 < points.count else { return nil }
            return cell(of: points[2 * row], points[2 * row + 1])
        }

        /// A pixel's most common tag code (0: untagged points only), nil when no point falls there.
        func pixel(_ x: Int, _ y: Int) -> UInt16? {
            let i = y * width + x
            guard filled[i] else { return nil }
            var best = 0
            for k in 1..<Self.slots where counts[i * Self.slots + k] > (best == 0 ? 0 : counts[i * Self.slots + best]) {
                best = k
            }
            return UInt16(best)
        }
    }
}
