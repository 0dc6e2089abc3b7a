import Session
import Tokenizers

/// The tokenization pane: the text with every token's span marked, a table
/// of piece / id / word / type, and an x-ray of the selected word.
struct TokensPane {
    let workbench: Workbench
    let snapshot: SessionSnapshot
    var theme: Theme { workbench.theme }

    func render(_ g: inout CellGrid, _ r: Rect, focused: Bool) {
        let count = snapshot.result?.encoding.count ?? 0
        g.box(r, title: "Tokens (\(count))", style: theme.style(focused ? "focus_border" : "border"),
              titleStyle: theme.style(focused ? "accent" : "muted", [.bold]))
        let inner = r.inset(by: 1)
        guard inner.width > 4, inner.height > 0, let result = snapshot.result else { return }
        let e = result.encoding
        let selected = max(0, min(e.count - 1, workbench.selectedToken))
        let spanRows = min(3, max(1, inner.height / 5))
        let (spanArea, rest) = inner.splitTop(spanRows)
        drawSpans(&g, spanArea, e, result.input, selected: selected)
        let xray = xrayLines(e, result.input, selected: selected)
        // The table gets what the x-ray leaves; the x-ray sits right under it.
        let xrayHeight = xray.reduce(1) { $0 + Self.wrap($1.1, max(1, rest.width - 14)).count }
        // Short panes give everything to the table; the x-ray needs room to be useful.
        let tableRows = rest.height < 12 ? rest.height : min(e.count + 1, max(3, rest.height - xrayHeight))
        let (tableArea, below) = rest.splitTop(tableRows)
        drawTable(&g, Rect(x: tableArea.x, y: tableArea.y + 1, width: tableArea.width, height: tableArea.height - 1), e, selected: selected)
        if below.height >= 3 { drawXRay(&g, below, xray) }
    }

    /// The text, token by token: pieces of one word joined by a dim `·`,
    /// words in alternating colours, special tokens in their own colour.
    private func drawSpans(_ g: inout CellGrid, _ r: Rect, _ e: Encoding, _ input: SessionInput, selected: Int) {
        var x = r.x, y = r.y
        let a = Array(input.text.unicodeScalars), b = Array((input.pair ?? "").unicodeScalars)
        for i in 0..<e.count {
            let special = e.specialTokensMask[i] == 1
            let source = e.sequenceIds[i] == 1 ? b : a
            let span = e.offsets[i]
            var label = special || span.end > source.count ? e.tokens[i] : String(String.UnicodeScalarView(source[span.start..<span.end]))
            label = Self.visible(label)
            let sameWord = i > 0 && e.wordIds[i] != nil && e.wordIds[i] == e.wordIds[i - 1] && e.sequenceIds[i] == e.sequenceIds[i - 1]
            let sep = i == 0 ? "" : (sameWord ? "·" : " ")
            let w = displayWidth(sep + label)
            if x + w > r.maxX && x > r.x { x = r.x; y += 1 }
            guard y < r.maxY else { return }
            if !sep.isEmpty && x > r.x { x = g.put(sep, x: x, y: y, style: theme.style("muted"), clip: r) }
            var style = theme.style(tokenColor(e, i))
            if e.ids[i] == (workbench.session.model.tokenizer.unkId ?? -1) && !special { style = theme.style("unknown_token", [.bold, .underline]) }
            if i == selected { style = style.with(.reverse) }
            let start = x
            x = g.put(label, x: x, y: y, style: style, clip: r)
            workbench.hitAreas.add(Rect(x: start, y: y, width: x - start, height: 1), .token(i))
        }
    }

    private func tokenColor(_ e: Encoding, _ i: Int) -> String {
        if e.specialTokensMask[i] == 1 { return "special_token" }
        return ((e.wordIds[i] ?? 0) + (e.sequenceIds[i] ?? 0)) % 2 == 0 ? "word_a" : "word_b"
    }

    private func drawTable(_ g: inout CellGrid, _ r: Rect, _ e: Encoding, selected: Int) {
        guard r.height > 1 else { return }
        let pieceWidth = min(18, max(6, e.tokens.map(displayWidth).max() ?? 6))
        func right(_ v: String, _ w: Int) -> String { String(repeating: " ", count: max(0, w - v.count)) + v }
        let header = right("#", 3) + " " + fit("piece", pieceWidth) + right("id", 7) + right("word", 5) + right("type", 5)
        g.put(header, x: r.x, y: r.y - 1, style: theme.style("muted", [.bold]), clip: Rect(x: r.x, y: r.y - 1, width: r.width, height: 1))
        let rows = r.height
        let first = max(0, min(selected - rows / 2, e.count - rows))
        let unk = (workbench.session.model.tokenizer.unkId ?? -1)
        let reasons = unknownReasons(e)
        for (row, i) in (first..<min(e.count, first + rows)).enumerated() {
            let y = r.y + row
            var text = right(String(i), 3) + " " + fit(Self.visible(e.tokens[i]), pieceWidth) + right(String(e.ids[i]), 7)
            text += right(e.wordIds[i].map(String.init) ?? "-", 5) + right(String(e.typeIds[i]), 5)
            if e.ids[i] == unk, e.specialTokensMask[i] == 0, let why = reasons[i] { text += " ← " + why }
            var style = theme.style(e.ids[i] == unk && e.specialTokensMask[i] == 0 ? "unknown_token" : tokenColor(e, i))
            if i == selected { style = style.bg(theme.color("selection")).with(.bold) }
            g.fill(Rect(x: r.x, y: y, width: r.width, height: 1), style: i == selected ? style : theme.style("foreground"))
            g.put(text, x: r.x, y: y, style: style, clip: r)
            workbench.hitAreas.add(Rect(x: r.x, y: y, width: r.width, height: 1), .token(i))
        }
    }

    /// Why each [UNK] is unknown, from the tokenizer's own pass over the word.
    private func unknownReasons(_ e: Encoding) -> [Int: String] {
        let tok = workbench.session.model.tokenizer
        if case .unigram(let model, _) = tok.kind, let unk = model.unkId {
            // Unigram falls back to the unknown id for characters no piece covers (runs fused).
            let pairs = e.ids.indices.filter { e.ids[$0] == unk && e.specialTokensMask[$0] == 0 }
                .map { ($0, "no piece covers \"\(Self.visible(e.tokens[$0]))\"") }
            return Dictionary(uniqueKeysWithValues: pairs)
        }
        guard let wp = tok.wordPiece else { return [:] }
        let input = snapshot.result!.input
        var out: [Int: String] = [:]
        for i in 0..<e.count where e.ids[i] == wp.unkId && e.specialTokensMask[i] == 0 {
            let x = tok.xray(e.sequenceIds[i] == 1 ? (input.pair ?? "") : input.text, span: e.offsets[i])
            let word = Array((x.preTokens.first ?? "").unicodeScalars)
            if word.count > wp.maxInputCharsPerWord {
                out[i] = "\(word.count) chars > \(wp.maxInputCharsPerWord)"
            } else if word.isEmpty {
                out[i] = "typed [UNK]"
            } else {
                let matched = (x.steps.first ?? []).compactMap(\.piece).map { $0.hasPrefix(wp.prefix) ? String($0.dropFirst(wp.prefix.count)) : $0 }
                let rest = String(String.UnicodeScalarView(word.dropFirst(matched.joined().unicodeScalars.count)))
                out[i] = "\"\(Self.visible(rest))\" not in vocab"
            }
        }
        return out
    }

    /// The x-ray of the selected token's whole word: each normalizer stage,
    /// the pre-tokens, and the greedy WordPiece steps.
    private func xrayLines(_ e: Encoding, _ input: SessionInput, selected: Int) -> [(String, String)] {
        guard e.specialTokensMask[selected] == 0 else {
            return [("x-ray", "\(e.tokens[selected]) is added by the post-processor template, not typed")]
        }
        let members = e.wordMembers(of: selected)
        let span = Encoding.Span(e.offsets[members.first!].start, e.offsets[members.last!].end)
        let text = e.sequenceIds[selected] == 1 ? (input.pair ?? "") : input.text
        let tok = workbench.session.model.tokenizer
        let x = tok.xray(text, span: span)
        var lines: [(String, String)] = [("x-ray", "word \(e.wordIds[selected] ?? 0) of sentence \(e.sequenceIds[selected] == 1 ? "B" : "A"), offsets \(span.start)..\(span.end)"),
                                         ("original", Self.visible(x.original))]
        for (name, t) in x.normalization { lines.append((name, Self.visible(t))) }
        lines.append(("pre-tokens", x.preTokens.map(Self.visible).joined(separator: " │ ")))
        switch tok.kind {
        case .bytePairs:
            lines.append(("BPE pieces", members.map { "\(Self.visible(e.tokens[$0])) (\(e.ids[$0]))" }.joined(separator: " + ")))
        case .unigram(let model, _):
            // The segmentation Viterbi chose, with each piece's log-probability score.
            let scores = members.map { model.pieces.indices.contains(e.ids[$0]) ? model.pieces[e.ids[$0]].score : 0 }
            let parts = zip(members, scores).map { "\(Self.visible(e.tokens[$0])) (\(e.ids[$0]), \(String(format: "%.2f", $1)))" }
            lines.append(("unigram", parts.joined(separator: " + ") + " = \(String(format: "%.2f", scores.reduce(0, +))), the best-scoring split"))
        case .wordPiece:
            break
        }
        for (word, steps) in zip(x.preTokens, x.steps) {
            guard let wp = tok.wordPiece else { break }
            if word.unicodeScalars.count > wp.maxInputCharsPerWord {
                lines.append(("wordpiece", "\(word.unicodeScalars.count) characters > max_input_chars_per_word (\(wp.maxInputCharsPerWord)) → [UNK]"))
                continue
            }
            let shown = steps.map { s in
                s.piece.map { "\(Self.visible($0)) (\(s.id!))" + (s.misses > 0 ? " after \(s.misses) longer misses" : "") } ?? "✗ no piece matches here → whole word [UNK]"
            }
            lines.append(("wordpiece", shown.joined(separator: " → ")))
        }
        return lines
    }

    /// Key/value lines; long values wrap under themselves.
    private func drawXRay(_ g: inout CellGrid, _ r: Rect, _ lines: [(String, String)]) {
        g.put(String(repeating: "─", count: r.width), x: r.x, y: r.y, style: theme.style("border"))
        var y = r.y + 1
        let keyWidth = 14, valueWidth = max(1, r.width - keyWidth)
        for (i, (k, v)) in lines.enumerated() {
            guard y < r.maxY else { return }
            g.put(fit(k, keyWidth), x: r.x, y: y, style: theme.style(i == 0 ? "accent" : "muted", i == 0 ? [.bold] : []), clip: r)
            for chunk in Self.wrap(v, valueWidth) {
                guard y < r.maxY else { return }
                g.put(chunk, x: r.x + keyWidth, y: y, style: theme.style("foreground"), clip: r)
                y += 1
            }
        }
    }

    /// Splits text into pieces of at most `width` display columns.
    static func wrap(_ text: String, _ width: Int) -> [String] {
        var out = [""], used = 0
        for ch in text {
            let w = displayWidth(String(ch))
            if used + w > width { out.append(""); used = 0 }
            out[out.count - 1].append(ch)
            used += w
        }
        return out
    }

    /// Control and invisible characters as escapes, so layout never breaks.
    static func visible(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            let cat = u.properties.generalCategory
            if u.value < 0x20 || u.value == 0x7F || (0x80..<0xA0).contains(u.value) || cat == .format || cat == .lineSeparator
                || cat == .paragraphSeparator || cat == .privateUse || cat == .unassigned || cat == .surrogate {
                out += "\\u{\(String(u.value, radix: 16))}"
            } else if u == " " && s.unicodeScalars.count == 1 {
                out += "␠"
            } else {
                out.unicodeScalars.append(u)
            }
        }
        return out
    }
}
