import CorpusText
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
        let marks = v.sentences ? " · sentences · ◆ typed · + cursor" : " · ◆ typed · • nearest · + cursor"
        c.put(axes + marks, x: r.x, y: r.y, t.style(.muted), clip: r)
        let footer = 2
        let plot = Rect(x: r.x, y: r.y + 1, width: r.width, height: max(0, r.height - 1 - footer))
        guard plot.width > 2, plot.height > 1 else { return }
        let cells = Cells(v.grid, plot)
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
        func cell(_ f: [Double]) -> (Int, Int)? {
            guard f.count == 2 else { return nil }
            return (
                min(plot.width - 1, max(0, Int(f[0] * Double(plot.width)))),
                min(plot.height - 1, max(0, Int(f[1] * Double(plot.height))))
            )
        }
        for n in v.neighbours {
            if let (x, y) = cell(n) {
                c.put("•", x: plot.x + x, y: plot.y + y, t.style(.foreground, [.bold]), clip: plot)
            }
        }
        // Reversed, so no point's colour can hide it.
        if let q = v.query, let (x, y) = cell(q) {
            c.put("◆", x: plot.x + x, y: plot.y + y, t.style(.foreground, [.bold, .reverse]), clip: plot)
        }
        if let (x, y) = cell(v.cursor) {
            c.put("+", x: plot.x + x, y: plot.y + y, t.style(.foreground, [.bold, .reverse]), clip: plot)
        }
        drawLegend(v, Rect(x: r.x, y: plot.maxY, width: r.width, height: 1), &c)
        if let m = v.underCursor, v.sentences {
            // A sentence's point: the whole sentence, no token singled out.
            let x = c.put("+ ", x: r.x, y: plot.maxY + 1, t.style(.accent, [.bold]), clip: r)
            let (left, right) = split(m, width: max(8, r.width - 2))
            c.put(left + m.token + right, x: x, y: plot.maxY + 1, t.style(.foreground), clip: r)
        } else if let m = v.underCursor {
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
        guard v.colouring != nil, !v.grid.tags.isEmpty else {
            let why =
                v.sentences
                ? "(nothing colours sentences: index labels or use --classify)"
                : "(no tags in this corpus: index CoNLL-U, or --silver, to colour by part of speech)"
            c.put(why, x: r.x, y: r.y, t.style(.muted), clip: r)
            return
        }
        var x = c.put(legendName(v.grid.tagName) + " ", x: r.x, y: r.y, t.style(.muted), clip: r)
        let shown = ThemeKey.categories.count - 1
        for (i, tag) in v.grid.tags.prefix(shown).enumerated() {
            x = c.put("■", x: x, y: r.y, t.style(color(UInt16(i + 1))), clip: r)
            x = c.put(tag + " ", x: x, y: r.y, t.style(.foreground), clip: r)
        }
        if v.grid.tags.count > shown {
            x = c.put("■", x: x, y: r.y, t.style(color(UInt16(shown + 1))), clip: r)
            c.put("other", x: x, y: r.y, t.style(.foreground), clip: r)
        }
    }

    /// The legend's name of a colouring.
    static func legendName(_ tag: String) -> String {
        switch tag {
        case "label": return "gold label"
        case "prediction": return "answer"
        case "correct": return "answer is"
        default: return tag.uppercased()
        }
    }

    /// The grid's pixels gathered into the plot's (a cell's upper and lower half): each plot
    /// pixel sums the grid pixels that fall in it, so a frame's work is the grid's size.
    struct Cells {
        let width: Int, height: Int
        private var counts: [UInt32]
        static let slots = ScatterGrid.slots

        init(_ g: ScatterGrid, _ r: Rect) {
            width = r.width; height = 2 * r.height
            counts = [UInt32](repeating: 0, count: width * height * Self.slots)
            let gw = ScatterGrid.width, gh = ScatterGrid.height
            guard g.counts.count == gw * gh * Self.slots, width > 0, height > 0 else { return }
            for gy in 0..<gh {
                let py = gy * height / gh
                for gx in 0..<gw {
                    let px = gx * width / gw, from = (gy * gw + gx) * Self.slots, to = (py * width + px) * Self.slots
                    for k in 0..<Self.slots where g.counts[from + k] > 0 { counts[to + k] += g.counts[from + k] }
                }
            }
        }

        /// A pixel's most common tag code (0: untagged points only), nil when no point falls there.
        func pixel(_ x: Int, _ y: Int) -> UInt16? {
            let i = (y * width + x) * Self.slots
            guard (0..<Self.slots).contains(where: { counts[i + $0] > 0 }) else { return nil }
            var best = 0
            for k in 1..<Self.slots where counts[i + k] > (best == 0 ? 0 : counts[i + best]) { best = k }
            return UInt16(best)
        }
    }
}
