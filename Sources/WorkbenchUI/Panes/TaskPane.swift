import Analysis
import Checkpoint
import TextCells

/// The predictions pane for a model with a task head: label bars and the
/// sentence coloured by attribution (a diverging, colour-blind-safe ramp,
/// exact value under the cursor), labelled tokens, or the answer span.
enum TaskPane {
    static func title(_ p: TaskPanel) -> String {
        switch p.kind {
        case .sequenceClassification: return p.waiting == nil ? "Classification" : "Task head"
        case .tokenClassification: return "Token labels"
        case .questionAnswering: return "Answer"
        }
    }

    static func render(_ p: TaskPanel, _ s: PredictionsState, _ w: inout PredictionsPane.Writer, _ c: inout Canvas) {
        let t = c.theme, ramp = c.ramp, canvas = c
        if let waiting = p.waiting { return w.line(waiting, t.style(.stale), &c) }
        if let error = p.error { w.line(error, t.style(.error), &c) }
        let cursor = max(0, min(p.pieces.count - 1, s.explainCursor))
        switch p.kind {
        case .sequenceClassification:
            drawBars(p, &w, &c)
            if let windows = p.windows { w.segments(windows, t.style(.muted), &c) }
            if let strongest = p.strongest { w.segments(strongest, t.style(.muted), &c) }
            guard let method = p.method else { return }
            let target = p.bars.first { $0.explained }?.label ?? "?"
            w.line(
                "why \"\(target)\"? \(method.rawValue) of its logit"
                    + (p.logit.map { String(format: " (%.3f)", $0) } ?? ""),
                t.style(.accent, [.bold]), &c)
            let top = max(1e-12, p.pieces.filter { !$0.special }.map { abs($0.value) }.max() ?? 0)
            let under = p.pieces[safe: cursor]?.elsewhere.isEmpty == false ? 3 : 2
            flow(p.pieces, cursor: cursor, reserve: under, &w, &c) { piece in
                piece.special ? t.style(.specialToken) : valueStyle(piece.value / top, signed: method.isSigned, canvas)
            }
            if let piece = p.pieces[safe: cursor], !w.full {
                var x = c.put(
                    "\"\(visibleText(piece.text))\" " + String(format: method.isSigned ? "%+.4f" : "%.4f", piece.value)
                        + "   ", x: w.area.x,
                    y: w.y,
                    t.style(.foreground, [.bold]), clip: w.area)
                x = legend(top: top, signed: method.isSigned, x: x, &w, &c)
                w.y += 1
                if !piece.elsewhere.isEmpty {
                    // An overlap token: what the other windows that hold it say of it.
                    w.line(
                        "also in "
                            + piece.elsewhere.map { "window \($0.window + 1) " + String(format: "%+.4f", $0.value) }
                            .joined(separator: " · "), t.style(.foreground), &c)
                }
            }
            // Wrapped, not cut: what the colours mean comes first, then the keys.
            let meaning =
                method.isSigned
                ? "\(negativeName(ramp)) against \"\(target)\", \(positiveName(ramp)) toward it"
                : "brighter: a larger gradient norm (it has no sign)"
            for line in c.legendLines(meaning, keys: "e method · c class · ←→ token", width: w.area.width) {
                w.line(line, t.style(.muted), &c)
            }
            if let gap = p.gap {
                w.line(
                    String(format: "completeness gap %.2g: Σ attributions − (logit − baseline logit)", gap),
                    t.style(.muted), &c)
            }
            if let note = p.note { w.line(note, t.style(.muted), &c) }
            ranked(p.pieces, top: top, signed: method.isSigned, &w, &c)
        case .tokenClassification:
            w.line("the most likely label of each token (←→ token)", t.style(.accent, [.bold]), &c)
            // Entities as spans: B-X I-X I-X… share X's colour, and X is written after the span's last token.
            let ends = spanEnds(p.pieces)
            flow(p.pieces, cursor: cursor, tag: { i, _ in ends[i] }, &w, &c) { piece in
                guard let label = piece.label, label != "O" else {
                    return t.style(piece.special ? .specialToken : .muted)
                }
                return Style(fg: entityColor(label), attributes: [.bold])
            }
            if let piece = p.pieces[safe: cursor], let label = piece.label {
                w.line(
                    "\"\(visibleText(piece.text))\": \(label) " + String(format: "%.1f%%", piece.value * 100),
                    t.style(.foreground), &c)
            }
        case .questionAnswering:
            if let answer = p.answer {
                w.line(
                    "answer: \(answer)"
                        + (p.answerScore.map { String(format: "   (score %.4g = P(start)·P(end))", $0) } ?? ""),
                    t.style(.accent, [.bold]), &c)
            }
            flow(p.pieces, cursor: cursor, &w, &c) { piece in
                if piece.inAnswer { return t.style(.foreground, bg: .selection, [.bold]) }
                return t.style(piece.special ? .specialToken : .foreground)
            }
            if let piece = p.pieces[safe: cursor] {
                w.line(
                    "\"\(visibleText(piece.text))\": "
                        + String(format: "P(start) %.4f  P(end) %.4f", piece.value, piece.end ?? 0),
                    t.style(.foreground), &c)
            }
        }
    }

    private static func negativeName(_ ramp: Bool) -> String { ramp ? "purple" : "red" }
    private static func positiveName(_ ramp: Bool) -> String { ramp ? "orange" : "accent" }

    /// An attribution's colour at `v` of the largest: the diverging ramp
    /// for signed methods, the heat ramp for one-sided ones (the gradient's norm).
    static func valueStyle(_ v: Float, signed: Bool, _ c: Canvas) -> Style {
        let bold: TextAttributes = abs(v) > 0.5 ? [.bold] : []
        guard c.ramp else { return c.theme.style(signed && v < 0 ? .error : .accent, bold) }
        guard signed else {
            let level = HeatRamp.level(max(0, v), of: 1)
            return Style(fg: level > 0.6 ? .indexed(16) : c.theme.color(.foreground), bg: c.theme.heat(level))
                .with(bold)
        }
        let (bg, fg) = c.diverging(v)
        return Style(fg: fg, bg: bg, attributes: bold)
    }

    /// The tokens ranked by |attribution| as bars, as `bertscope explain` lists them, while rows are left.
    private static func ranked(
        _ pieces: [TaskPanel.Piece], top: Float, signed: Bool, _ w: inout PredictionsPane.Writer, _ c: inout Canvas
    ) {
        let typed = pieces.filter { !$0.special }.sorted { abs($0.value) > abs($1.value) }
        guard w.area.maxY - w.y >= 3, !typed.isEmpty else { return }
        w.y += 1
        w.line(
            signed ? "tokens by |attribution|, strongest first:" : "tokens by gradient norm, largest first:",
            c.theme.style(.accent, [.bold]), &c)
        let width = min(16, max(6, typed.map { displayWidth(visibleText($0.text)) }.max() ?? 6))
        let barWidth = max(4, min(30, w.area.width - width - 13))
        for piece in typed where !w.full {
            let x = c.put(
                fit(visibleText(piece.text), width) + String(format: signed ? " %+9.4f " : " %9.4f ", piece.value),
                x: w.area.x, y: w.y,
                c.theme.style(.foreground), clip: w.area)
            let style = valueStyle(piece.value / top, signed: signed, c)
            // The bar in the token's colour: its background on a colour ramp, else the glyphs' colour.
            let barStyle = c.ramp ? Style(fg: style.bg) : style
            c.put(BarGlyphs.bar(Double(abs(piece.value) / top), width: barWidth), x: x, y: w.y, barStyle, clip: w.area)
            w.y += 1
        }
    }

    /// "−2.97 ▕ramp▏ +2.97": the diverging scale the tokens are coloured on; "0 ▕ramp▏ 2.97" for a one-sided one.
    @discardableResult
    private static func legend(
        top: Float, signed: Bool, x: Int, _ w: inout PredictionsPane.Writer, _ c: inout Canvas
    ) -> Int {
        guard signed else {
            var x = c.put("0 ", x: x, y: w.y, c.theme.style(.muted), clip: w.area)
            for k in 0..<9 where x < w.area.maxX {
                let v = Float(k) / 8
                x = c.put(
                    c.ramp ? " " : HeatRamp.glyph(v), x: x, y: w.y,
                    c.ramp ? Style(bg: c.theme.heat(v)) : c.theme.style(.muted), clip: w.area)
            }
            return c.put(String(format: " %.3g", top), x: x, y: w.y, c.theme.style(.muted), clip: w.area)
        }
        var x = c.put(String(format: "%.3g ", -top), x: x, y: w.y, c.theme.style(.muted), clip: w.area)
        if c.ramp {
            for k in 0..<9 where x < w.area.maxX {
                // Steps at the values that give each palette level: ±(level/4)².
                let level = Float(k - 4) / 4
                x = c.put(" ", x: x, y: w.y, Style(bg: c.diverging(level * abs(level)).bg), clip: w.area)
            }
        } else {
            x = c.put("− 0 +", x: x, y: w.y, c.theme.style(.muted), clip: w.area)
        }
        return c.put(String(format: " %+.3g", top), x: x, y: w.y, c.theme.style(.muted), clip: w.area)
    }

    private static func drawBars(_ p: TaskPanel, _ w: inout PredictionsPane.Writer, _ c: inout Canvas) {
        let best = p.bars.indices.max { p.bars[$0].score < p.bars[$1].score }
        let width = min(16, max(6, p.bars.map { displayWidth($0.label) }.max() ?? 6))
        for (k, b) in p.bars.enumerated() where !w.full {
            let mark = k == best ? "▶ " : "  "
            let number = p.regression ? String(format: "%8.4f ", b.score) : String(format: "%6.2f%% ", b.score * 100)
            var x = c.put(
                mark + fit(b.label, width) + " " + number, x: w.area.x, y: w.y,
                c.theme.style(k == best ? .foreground : .muted, k == best ? [.bold] : []), clip: w.area)
            if let intact = b.intact {
                x = c.put(
                    String(format: "(intact %5.1f%%) ", intact * 100), x: x, y: w.y, c.theme.style(.accent),
                    clip: w.area)
            }
            if !p.regression {
                // At most 60 cells: a bar as wide as a 250-column pane reads no better.
                let room = max(1, min(60, w.area.maxX - x - 1))
                c.put(
                    BarGlyphs.solid(max(1, Int((b.score * Float(room)).rounded()))), x: x, y: w.y,
                    c.heat(b.score), clip: w.area)
            }
            w.y += 1
        }
        if let neither = p.neither, !w.full {
            w.line(neither, c.theme.style(.accent), &c)
            if !w.full { w.line("(the head learnt neutral text as 50/50)", c.theme.style(.muted), &c) }
        }
    }

    /// Tokens left to right, wrapped at the pane's width, each in `style`;
    /// the cursor's token underlined; `tag` adds a label after a token.
    private static func flow(
        _ pieces: [TaskPanel.Piece], cursor: Int, reserve: Int = 1,
        tag: (Int, TaskPanel.Piece) -> String? = { _, _ in nil },
        _ w: inout PredictionsPane.Writer, _ c: inout Canvas, style: (TaskPanel.Piece) -> Style
    ) {
        guard !w.full else { return }
        // Lay the pieces out first: a text longer than the pane scrolls so the
        // cursor's line shows, with `reserve` lines left under it for its value.
        var lineOf: [Int] = [], x = 0, line = 0
        for (i, piece) in pieces.enumerated() {
            let need = displayWidth(visibleText(piece.text)) + displayWidth(tag(i, piece).map { "·" + $0 } ?? "")
            if x > 0 && x + need > w.area.width { line += 1; x = 0 }
            lineOf.append(line)
            x += need + 1
        }
        let room = max(1, w.area.maxY - w.y - reserve), cursorLine = lineOf[safe: cursor] ?? 0
        let first = cursorLine < room ? 0 : cursorLine - room + 1
        x = w.area.x
        var drawn = first
        for (i, piece) in pieces.enumerated() where lineOf[i] >= first {
            if lineOf[i] >= first + room { break }
            if lineOf[i] > drawn { w.y += 1; x = w.area.x; drawn = lineOf[i] }
            let text = visibleText(piece.text), label = tag(i, piece).map { "·" + $0 } ?? ""
            var st = style(piece)
            // The cursor keeps its colour (the colour is the information): underlined and bold.
            if i == cursor { st.attributes.insert(.underline); st.attributes.insert(.bold) }
            x = c.put(text, x: x, y: w.y, st, clip: w.area)
            if !label.isEmpty { x = c.put(label, x: x, y: w.y, Style(fg: st.fg, attributes: [.dim]), clip: w.area) }
            x += 1
        }
        w.y += 1
    }

    /// For each token, the entity type to write after it when it ends a span (nil otherwise).
    static func spanEnds(_ pieces: [TaskPanel.Piece]) -> [String?] {
        func type(_ l: String?) -> String? {
            guard let l, l != "O" else { return nil }
            return l.count > 2 && (l.hasPrefix("B-") || l.hasPrefix("I-")) ? String(l.dropFirst(2)) : l
        }
        return pieces.indices.map { i in
            guard let t = type(pieces[i].label) else { return nil }
            let next = i + 1 < pieces.count ? pieces[i + 1].label : nil
            // The span goes on when the next token continues the same type (I-X, or a subword of the same label).
            let continues = type(next) == t && !(next?.hasPrefix("B-") ?? false)
            return continues ? nil : t
        }
    }

    /// One colour per entity type (B-LOC and I-LOC share LOC's).
    static func entityColor(_ label: String) -> Color {
        let type =
            label.count > 2 && (label.hasPrefix("B-") || label.hasPrefix("I-")) ? String(label.dropFirst(2)) : label
        let palette: [UInt8] = [39, 208, 76, 170, 220, 45, 203, 141]
        let h = type.unicodeScalars.reduce(0) { ($0 &* 31 &+ Int($1.value)) & 0xFFFF }
        return .indexed(palette[h % palette.count])
    }
}
