import TextCells

extension ProbingPane {
    /// The corpus view: which index and layer, then one match a line (cosine,
    /// the sentence cut around the token, its tag), then the tags' histogram.
    static func drawCorpus(_ v: CorpusView, _ r: Rect, _ c: inout Canvas) {
        let t = c.theme
        guard let index = v.index else {
            let lines =
                wordWrap("No corpus index. Build one from your text files with", r.width)
                + ["  bertscope corpus index --out DIR FILE…"]
                + wordWrap("and start the workbench with --corpus DIR (docs/corpus.md).", r.width)
            for (k, line) in lines.prefix(r.height).enumerated() {
                c.put(line, x: r.x, y: r.y + k, t.style(.muted), clip: r)
            }
            return
        }
        c.put(index, x: r.x, y: r.y, t.style(.muted), clip: r)
        // The dataset table is about the corpus's rows, not the typed token: no query line.
        if !v.readingDataset { drawQueryLine(v, Rect(x: r.x, y: r.y + 1, width: r.width, height: 1), &c) }
        let top = v.readingDataset ? 1 : 2
        let body = Rect(x: r.x, y: r.y + top, width: r.width, height: r.height - top)
        switch v.status {
        case .noIndex, .ready: break
        case .searching:
            let what =
                v.readingDataset
                ? "reading the classifier's answers…"
                : v.projecting
                    ? "projecting the layer's tokens on their principal axes (once a layer)…" : "searching the corpus…"
            c.put(what, x: body.x, y: body.y, t.style(.muted), clip: body)
            return
        case .problem(let why):
            for (k, line) in wordWrap(why, body.width).prefix(body.height).enumerated() {
                c.put(line, x: body.x, y: body.y + k, t.style(.error), clip: body)
            }
            return
        }
        if let scatter = v.scatter { return drawScatter(scatter, body, &c) }
        if let table = v.dataset { return drawDataset(table, body, &c) }
        guard !v.matches.isEmpty else {
            c.put("no tokens in the index", x: body.x, y: body.y, t.style(.muted), clip: body)
            return
        }
        drawMatches(v, body, &c)
    }

    /// `"bank" (6) at layer emb L3 [L6]  21 ms`: the query token and the index's layers, the searched one bracketed.
    private static func drawQueryLine(_ v: CorpusView, _ r: Rect, _ c: inout Canvas) {
        let t = c.theme
        // Sentence points: the typed sentence is the query, not its selected token.
        let query = v.scatter?.sentences == true ? "the typed sentence " : "\"\(v.query)\" (\(v.position)) "
        var x = c.put(query, x: r.x, y: r.y, t.style(.foreground), clip: r)
        // The projector draws hidden states whatever the search matches by: no head named over it.
        if let h = v.head, !v.projecting {
            x = c.put("by head \(h + 1)'s output ", x: x, y: r.y, t.style(.accent, [.bold]), clip: r)
        }
        x = c.put("at layer ", x: x, y: r.y, t.style(.foreground), clip: r)
        for (k, l) in v.layers.enumerated() {
            let name = l == 0 ? "emb" : "L\(l)"
            x = c.put(
                (k > 0 ? " " : "") + (l == v.layer ? "[\(name)]" : name), x: x, y: r.y,
                t.style(l == v.layer ? .accent : .muted, l == v.layer ? [.bold] : []), clip: r)
        }
        if let ms = v.milliseconds { c.put(String(format: "  %.0f ms", ms), x: x, y: r.y, t.style(.muted), clip: r) }
    }

    private static func drawMatches(_ v: CorpusView, _ r: Rect, _ c: inout Canvas) {
        let t = c.theme
        // The histograms' lines (UPOS, then dependency and entity labels) while two matches still fit.
        let upos = "UPOS\(v.silverTags ? " (silver, from probes)" : "") of these \(v.matches.count): "
        let named = (v.tags.isEmpty ? [] : [(upos, v.tags)]) + v.moreTags.map { ($0.name + ": ", $0.counts) }
        let histograms = named.prefix(max(0, r.height - 2)).map { name, counts in
            name + counts.prefix(6).map { "\($0.0) \($0.1)" }.joined(separator: " · ")
        }
        let rows = r.height - histograms.count
        let tagWidth = v.matches.contains { $0.tag != nil } ? 6 : 0
        let context = max(8, r.width - 2 - 7 - tagWidth)
        let first = max(0, min(v.selected - rows + 1, v.matches.count - rows))
        for (k, m) in v.matches.dropFirst(first).prefix(rows).enumerated() {
            let y = r.y + k, chosen = first + k == v.selected
            var x = c.put(chosen ? "▶ " : "  ", x: r.x, y: y, t.style(.accent, [.bold]), clip: r)
            x = c.put(String(format: "%.3f  ", m.cosine), x: x, y: y, t.style(chosen ? .accent : .muted), clip: r)
            let (left, right) = split(m, width: context)
            x = c.put(left, x: x, y: y, t.style(.foreground), clip: r)
            x = c.put(m.token, x: x, y: y, t.style(.accent, [.bold, .underline]), clip: r)
            x = c.put(right, x: x, y: y, t.style(.foreground), clip: r)
            if let tag = m.tag, tagWidth > 0 {
                c.put(fit(tag, tagWidth - 1), x: r.maxX - tagWidth + 1, y: y, t.style(.specialToken), clip: r)
            }
        }
        for (k, line) in histograms.enumerated() {
            c.put(line, x: r.x, y: r.maxY - histograms.count + k, t.style(.muted), clip: r)
        }
    }

    /// The left and right context fitted to `width` columns with the token: the token
    /// sits about a third in, each side cut with `…` where it is longer.
    static func split(_ m: CorpusView.Match, width: Int) -> (String, String) {
        let room = max(0, width - displayWidth(m.token))
        let leftRoom = min(displayWidth(m.left), max(room / 3, room - displayWidth(m.right)))
        let left = truncatedFromStart(m.left, to: leftRoom)
        let right = truncated(m.right, to: max(0, room - displayWidth(left)))
        return (left, right)
    }
}
