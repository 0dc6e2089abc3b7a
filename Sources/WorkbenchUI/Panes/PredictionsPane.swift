import Foundation
import TextCells

/// Masked-token predictions: top-k per mask with bars, the iterative fill,
/// the logit lens at the selected mask, and the masking lab.
enum PredictionsPane {
    static func render(_ v: PredictionsView?, _ s: PredictionsState, _ r: Rect, focused: Bool, into c: inout Canvas) {
        var title = "Predictions"
        if case .task(let p) = v?.content { title = TaskPane.title(p) }
        c.frame(r, title: title + (v?.headNote.map { " · " + $0 } ?? ""), focused: focused)
        let inner = r.inset(by: 1)
        guard inner.width > 8, inner.height > 0, let v else { return }
        var w = Writer(area: inner)
        let t = c.theme
        if let pair = v.pair { drawPair(pair, &w, &c) }
        for (k, line) in v.similarity.enumerated() where !w.full {
            w.line(line, k == 0 ? t.style(.accent, [.bold]) : t.style(.muted), &c)
        }
        if let e = v.experiment { w.line(e, t.style(.accent, [.bold]), &c) }
        // Under a pair's own answers, the classifier's bars get a heading of their own.
        if v.pair != nil || !v.similarity.isEmpty, case .task(let p) = v.content, p.kind == .sequenceClassification,
            p.waiting == nil, !w.full
        {
            w.line("the task head on A and B together:", t.style(.accent, [.bold]), &c)
        }
        switch v.content {
        case .noHead(let model):
            w.line("\(model) has no masked-LM head.", t.style(.error, [.bold]), &c)
            w.line("Load a checkpoint that has one, e.g.", t.style(.muted), &c)
            w.line(":model bert-base-uncased (Hugging Face cache)", t.style(.muted), &c)
        case .replaced(let rows):
            drawReplaced(rows, inner, &c)
        case .noMask:
            if c.figure { return w.line("No [MASK] in the sentence.", t.style(.muted), &c) }
            w.line("No [MASK] yet: press m on a token in the Tokens pane (M: the whole word),", t.style(.muted), &c)
            w.line("type [MASK] in the sentence, or press b here for BERT's masking lab.", t.style(.muted), &c)
        case .task(let p):
            TaskPane.render(p, s, &w, &c)
        case .masks(let masks, let leftToRight, let mostConfident, let lab, let error):
            if let error { w.line(error, t.style(.error), &c) }
            // What `b` asked for comes first, so it is on screen in any pane height.
            if let lab { drawLab(lab, &w, &c) }
            // The typed masks are answered on the sentence as typed, not on the lab's corruption above.
            if lab != nil, !masks.isEmpty {
                w.line("your masks, on the sentence as typed (without the lab's changes):", t.style(.muted), &c)
            }
            let selected = max(0, min(masks.count - 1, s.selectedMask))
            for (i, m) in masks.enumerated() { drawMask(m, i, of: masks.count, selected: i == selected, &w, &c) }
            drawFill(
                s.mostConfidentFirst ? mostConfident : leftToRight, mostConfidentFirst: s.mostConfidentFirst, &w, &c)
            if let m = masks[safe: selected], !m.lens.isEmpty { drawLens(m.lens, &w, &c) }
        }
    }

    /// Lines written downwards inside an area, clipped at its bottom.
    struct Writer {
        let area: Rect
        var y: Int
        init(area: Rect) { self.area = area; y = area.y }
        var full: Bool { y >= area.maxY }
        mutating func line(_ text: String, _ style: Style, _ c: inout Canvas) {
            guard y < area.maxY else { return }
            c.put(text, x: area.x, y: y, style, clip: area)
            y += 1
        }

        /// The heading and whole items joined by " · ", wrapped onto at most
        /// `maxLines` lines (indented); what does not fit is counted, never cut.
        mutating func segments(_ s: TaskPanel.Segments, _ style: Style, _ c: inout Canvas, maxLines: Int = 3) {
            var text = s.head, lines = 1, shown = 0
            for (i, item) in s.items.enumerated() {
                let piece = (shown == 0 && lines == 1 ? " " : " · ") + item
                let more = i + 1 < s.items.count ? " · … \(s.items.count - i - 1) more" : ""
                if displayWidth(text + piece + (lines == maxLines ? more : "")) <= area.width {
                    text += piece
                    shown += 1
                    continue
                }
                if lines == maxLines || displayWidth("  " + item) > area.width {
                    text += " · … \(s.items.count - i) more"
                    break
                }
                line(text + " ·", style, &c)
                text = "  " + item
                lines += 1
                shown += 1
            }
            line(text, style, &c)
        }
    }

    /// The pair head's answer for sentences A and B, as two bars.
    private static func drawPair(_ p: PredictionsView.Pair, _ w: inout Writer, _ c: inout Canvas) {
        switch p {
        case .noHead(let model):
            w.line(
                "sentence pair: \(model) has no next-sentence head (a BertForPreTraining or ALBERT checkpoint has one)",
                c.theme.style(.muted), &c)
        case .answer(let yes, let no, let pYes, let pNo, let albert, let note):
            w.line(
                albert
                    ? "sentence order (ALBERT's SOP head): are A, B in order?"
                    : "next sentence (NSP head): does B follow A?",
                c.theme.style(.accent, [.bold]), &c)
            for (label, p) in [(yes, pYes), (no, pNo)] where !w.full {
                let x = c.put(
                    "  " + fit(label, 10) + String(format: "%6.2f%% ", p * 100), x: w.area.x, y: w.y,
                    c.theme.style(p >= 0.5 ? .foreground : .muted, p >= 0.5 ? [.bold] : []), clip: w.area)
                c.put(
                    BarGlyphs.solid(Int((p * Float(max(1, w.area.maxX - x - 1))).rounded())), x: x,
                    y: w.y, c.heat(p),
                    clip: w.area)
                w.y += 1
            }
            for line in note.map({ wordWrap($0, max(1, w.area.width - 2)) }) ?? [] {
                w.line("  " + line, c.theme.style(.muted), &c)
            }
        }
    }

    private static func drawMask(
        _ m: PredictionsView.Mask, _ i: Int, of count: Int, selected: Bool, _ w: inout Writer, _ c: inout Canvas
    ) {
        let head =
            "mask \(i + 1)/\(count) at #\(m.position)" + (m.window.map { " of \($0)" } ?? "")
            + (m.was.map { " (was \"\($0)\")" } ?? "")
        let start = w.y
        if selected {
            w.line(head, c.theme.style(.accent, [.bold]), &c)
            let k = max(1, min(m.guesses.count, (w.area.maxY - w.y) / 2))
            let top = m.guesses.first?.probability ?? 1
            for g in m.guesses.prefix(k) { bar(g, scale: top, &w, &c) }
            for line in m.elsewhere { w.line("  " + line, c.theme.style(.muted), &c) }
        } else {
            let brief = m.guesses.prefix(3).map { "\($0.token) \(String(format: "%.0f%%", $0.probability * 100))" }
                .joined(separator: "  ")
            w.line(head + ": " + brief, c.theme.style(.foreground), &c)
        }
        c.hits.add(Rect(x: w.area.x, y: start, width: w.area.width, height: max(1, w.y - start)), .mask(i))
    }

    /// ELECTRA discriminators: P(replaced) per typed token, the task they were trained on.
    private static func drawReplaced(_ rows: [(token: String, probability: Float)], _ r: Rect, _ c: inout Canvas) {
        c.put("Replaced-token detection (ELECTRA)", x: r.x, y: r.y, c.theme.style(.accent, [.bold]), clip: r)
        c.put(
            "P(replaced) per token; swap in an odd word to see it rise.", x: r.x, y: r.y + 1, c.theme.style(.muted),
            clip: r)
        let labelWidth = min(14, max(6, rows.map { displayWidth($0.token) }.max() ?? 6))
        let barWidth = max(4, r.width - labelWidth - 10)
        for (k, row) in rows.enumerated() where r.y + 2 + k < r.maxY {
            let y = r.y + 2 + k, p = row.probability
            var x = c.put(fit(row.token, labelWidth), x: r.x, y: y, c.theme.style(.foreground), clip: r)
            x = c.put(
                String(format: "%5.1f%% ", p * 100), x: x + 1, y: y,
                c.theme.style(p > 0.5 ? .error : .muted, p > 0.5 ? [.bold] : []), clip: r)
            c.put(BarGlyphs.solid(Int((p * Float(barWidth)).rounded())), x: x, y: y, c.heat(p), clip: r)
        }
    }

    /// One prediction: token, probability, a bar scaled to the top prediction, id.
    private static func bar(_ g: PredictionsView.Guess, scale: Float, _ w: inout Writer, _ c: inout Canvas) {
        guard !w.full else { return }
        let r = w.area, y = w.y
        var x = c.put(fit(g.token, 14), x: r.x + 2, y: y, c.theme.style(.foreground, [.bold]), clip: r)
        x = c.put(String(format: "%6.2f%% ", g.probability * 100), x: x, y: y, c.theme.style(.muted), clip: r)
        if let intact = g.intact {
            // The ablated model's answer beside the intact one's.
            x = c.put(String(format: "(intact %5.1f%%) ", intact * 100), x: x, y: y, c.theme.style(.accent), clip: r)
        }
        let width = max(1, r.maxX - x - 10)
        let filled = max(1, Int((g.probability / max(scale, 1e-9) * Float(width)).rounded()))
        x = c.put(BarGlyphs.solid(filled), x: x, y: y, c.heat(HeatRamp.level(g.probability, of: 1)), clip: r)
        c.put(" id \(g.id)", x: x, y: y, c.theme.style(.muted), clip: r)
        w.y += 1
    }

    private static func drawFill(
        _ steps: [PredictionsView.Fill], mostConfidentFirst: Bool, _ w: inout Writer, _ c: inout Canvas
    ) {
        guard !steps.isEmpty else { return }
        w.line(
            "iterative fill, \(mostConfidentFirst ? "most confident first" : "left to right")"
                + (c.figure ? ":" : " (r switches):"),
            c.theme.style(.accent, [.bold]), &c)
        let text = steps.enumerated().map {
            "\($0 + 1). #\($1.position) → \($1.token) \(String(format: "%.0f%%", $1.probability * 100))"
        }
        w.line("  " + text.joined(separator: "  "), c.theme.style(.foreground), &c)
    }

    private static func drawLens(_ lens: [PredictionsView.LensLine], _ w: inout Writer, _ c: inout Canvas) {
        w.line("logit lens (the head on each layer; rank of the final answer):", c.theme.style(.accent, [.bold]), &c)
        for row in lens {
            let tops = row.top.map { "\($0.token) \(String(format: "%.0f%%", $0.probability * 100))" }.joined(
                separator: "  ")
            let layer = row.layer == 0 ? "emb" : "L\(row.layer) "
            w.line(
                String(format: "  %@ rank %5d  ", layer, row.finalRank) + tops,
                c.theme.style(row.finalRank == 1 ? .foreground : .muted), &c)
        }
    }

    private static func drawLab(_ lab: PredictionsView.Lab, _ w: inout Writer, _ c: inout Canvas) {
        w.line(
            "masking lab · seed \(lab.seed)" + (c.figure ? "" : " (b: new seed, x: off)"),
            c.theme.style(.accent, [.bold]),
            &c)
        w.line(
            lab.choices.isEmpty
                ? "  15% of \(lab.typed) tokens chose none this time" + (c.figure ? "" : ": press b for another seed")
                : "  chose \(lab.choices.count) of \(lab.typed) tokens; the model recovered \(lab.recovered)",
            c.theme.style(.foreground), &c)
        for ch in lab.choices {
            w.line(
                "  #\(ch.position) \(ch.original) \(ch.fate)   model: \(ch.guess) \(ch.recovered ? "✓" : "✗")",
                c.theme.style(ch.recovered ? .foreground : .unknownToken), &c)
        }
    }
}

extension Array {
    subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
