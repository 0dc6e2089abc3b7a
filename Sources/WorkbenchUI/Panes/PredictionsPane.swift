import Analysis
import Session
import Tokenizers

/// Masked-token predictions: top-k per mask with bars, the iterative fill,
/// the logit lens at the selected mask, and the masking lab.
struct PredictionsPane {
    let workbench: Workbench
    let snapshot: SessionSnapshot
    var theme: Theme { workbench.theme }

    func render(_ g: inout CellGrid, _ r: Rect, focused: Bool) {
        let model = workbench.session.model
        var title = "Predictions"
        if let note = model.headNote { title += " · " + note }
        g.box(r, title: title, style: theme.style(focused ? "focus_border" : "border"), titleStyle: theme.style(focused ? "accent" : "muted", [.bold]))
        let inner = r.inset(by: 1)
        guard inner.width > 8, inner.height > 0 else { return }
        var y = inner.y
        func line(_ text: String, _ style: Style, x: Int? = nil) {
            guard y < inner.maxY else { return }
            g.put(text, x: x ?? inner.x, y: y, style: style, clip: inner)
            y += 1
        }
        if !workbench.session.hasMaskedLM, workbench.session.hasReplacedTokenHead {
            return drawReplaced(&g, inner)
        }
        guard workbench.session.hasMaskedLM else {
            line("\(model.name) has no masked-LM head.", theme.style("error", [.bold]))
            line("Load a checkpoint that has one, e.g.", theme.style("muted"))
            line(":model bert-base-uncased (Hugging Face cache)", theme.style("muted"))
            return
        }
        guard let result = snapshot.result, let mlm = result.mlm else {
            line("No [MASK] yet: press m on a token in the Tokens pane (M: the whole word),", theme.style("muted"))
            line("type [MASK] in the sentence, or press b here for BERT's masking lab.", theme.style("muted"))
            return
        }
        if let err = mlm.error { line(err, theme.style("error")) }
        let e = result.encoding
        let selected = max(0, min(mlm.predictions.count - 1, workbench.predictions.selectedMask))
        for (i, m) in mlm.predictions.enumerated() {
            let was = originalToken(at: m.position)
            let head = "mask \(i + 1)/\(mlm.predictions.count) at #\(m.position)" + (was.map { " (was \"\($0)\")" } ?? "")
            let start = y
            if i == selected {
                line(head, theme.style("accent", [.bold]))
                let k = max(1, min(m.predictions.count, (inner.maxY - y) / 2))
                let top = m.predictions.first?.probability ?? 1
                for p in m.predictions.prefix(k) { bar(&g, inner, &y, p, scale: top) }
            } else {
                let brief = m.predictions.prefix(3).map { "\($0.token) \(String(format: "%.0f%%", $0.probability * 100))" }.joined(separator: "  ")
                line(head + ": " + brief, theme.style("foreground"))
            }
            workbench.hitAreas.add(Rect(x: inner.x, y: start, width: inner.width, height: max(1, y - start)), .mask(i))
        }
        drawFill(mlm, e, line)
        if let m = mlm.predictions[safe: selected], let lens = mlm.lens[m.position] { drawLens(lens, line) }
        if let lab = mlm.lab { drawLab(lab, e, line) }
    }

    /// ELECTRA discriminators: P(replaced) per typed token, the task they were trained on.
    private func drawReplaced(_ g: inout CellGrid, _ r: Rect) {
        g.put("Replaced-token detection (ELECTRA)", x: r.x, y: r.y, style: theme.style("accent", [.bold]), clip: r)
        g.put("P(replaced) per token; swap in an odd word to see it rise.", x: r.x, y: r.y + 1, style: theme.style("muted"), clip: r)
        var y = r.y + 2
        guard let result = snapshot.result, let p = result.replaced else { return }
        let e = result.encoding
        let labelWidth = min(14, max(6, e.tokens.map { displayWidth(TokensPane.visible($0)) }.max() ?? 6))
        let barWidth = max(4, r.width - labelWidth - 10)
        for i in e.ids.indices where e.specialTokensMask[i] == 0 && i < p.count && y < r.maxY {
            let label = TokensPane.visible(e.tokens[i])
            var x = g.put(label.padding(toLength: labelWidth, withPad: " ", startingAt: 0), x: r.x, y: y, style: theme.style("foreground"), clip: r)
            x = g.put(String(format: "%5.1f%% ", p[i] * 100), x: x + 1, y: y, style: theme.style(p[i] > 0.5 ? "error" : "muted", p[i] > 0.5 ? [.bold] : []), clip: r)
            g.put(String(repeating: "█", count: Int((p[i] * Float(barWidth)).rounded())), x: x, y: y,
                  style: Style(fg: workbench.colorMode.hasColorRamp ? theme.heat(p[i]) : theme.color("accent")), clip: r)
            y += 1
        }
    }

    /// One prediction: token, probability, a bar scaled to the top prediction, id.
    private func bar(_ g: inout CellGrid, _ r: Rect, _ y: inout Int, _ p: TokenProbability, scale: Float) {
        guard y < r.maxY else { return }
        let labelWidth = 14
        var x = g.put(fit(TokensPane.visible(p.token), labelWidth), x: r.x + 2, y: y, style: theme.style("foreground", [.bold]), clip: r)
        x = g.put(String(format: "%6.2f%% ", p.probability * 100), x: x, y: y, style: theme.style("muted"), clip: r)
        let width = max(1, r.maxX - x - 10)
        let filled = max(1, Int((p.probability / max(scale, 1e-9) * Float(width)).rounded()))
        x = g.put(String(repeating: "█", count: filled), x: x, y: y, style: Style(fg: workbench.colorMode.hasColorRamp ? theme.heat(p.probability.squareRoot()) : theme.color("accent")), clip: r)
        g.put(" id \(p.id)", x: x, y: y, style: theme.style("muted"), clip: r)
        y += 1
    }

    private func originalToken(at position: Int) -> String? {
        guard workbench.masked.contains(position), let input = snapshot.result?.input else { return nil }
        let e = workbench.session.model.tokenizer.encode(input.text, pair: input.pair)
        return position < e.count ? e.tokens[position] : nil
    }

    private func drawFill(_ mlm: MLMResult, _ e: Encoding, _ line: (String, Style, Int?) -> Void) {
        let steps = workbench.predictions.mostConfidentFirst ? mlm.mostConfident : mlm.leftToRight
        guard !steps.isEmpty else { return }
        let order = workbench.predictions.mostConfidentFirst ? "most confident first" : "left to right"
        line("iterative fill, \(order) (r switches):", theme.style("accent", [.bold]), nil)
        let text = steps.enumerated().map { "\($0 + 1). #\($1.position) → \($1.token) \(String(format: "%.0f%%", $1.probability * 100))" }.joined(separator: "  ")
        line("  " + text, theme.style("foreground"), nil)
    }

    private func drawLens(_ lens: [LensRow], _ line: (String, Style, Int?) -> Void) {
        line("logit lens (the head on each layer; rank of the final answer):", theme.style("accent", [.bold]), nil)
        for row in lens {
            let tops = row.top.map { "\($0.token) \(String(format: "%.0f%%", $0.probability * 100))" }.joined(separator: "  ")
            line(String(format: "  %@ rank %5d  ", row.layer == 0 ? "emb" : "L\(row.layer) ", row.finalRank) + tops, theme.style(row.finalRank == 1 ? "foreground" : "muted"), nil)
        }
    }

    private func drawLab(_ lab: MaskingLab, _ e: Encoding, _ line: (String, Style, Int?) -> Void) {
        let tok = workbench.session.model.tokenizer
        line("masking lab · seed \(lab.seed) (b: new seed, x: off)", theme.style("accent", [.bold]), nil)
        let typed = e.specialTokensMask.filter { $0 == 0 }.count
        line(lab.choices.isEmpty ? "  15% of \(typed) tokens chose none this time: press b for another seed"
             : "  chose \(lab.choices.count) of \(typed) tokens; the model recovered \(lab.recoveredCount)", theme.style("foreground"), nil)
        for c in lab.choices {
            let original = tok.token(for: c.original) ?? "?"
            let fate: String
            switch c.fate {
            case .masked: fate = "→ [MASK]"
            case .randomized: fate = "→ random \"\(tok.token(for: c.input) ?? "?")\""
            case .kept: fate = "→ kept"
            }
            let guess = tok.token(for: c.predicted) ?? "?"
            line("  #\(c.position) \(original) \(fate)   model: \(guess) \(c.recovered ? "✓" : "✗")", theme.style(c.recovered ? "foreground" : "unknown_token"), nil)
        }
    }
}

extension Array {
    subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
