import Analysis
import Session

/// A tour step's `check` lines: claims about what the model shows on that
/// step, so a caption cannot say what the screen does not (the test suite
/// and `bertscope tour --check` run them on the real model).
///
///     token N is PIECE        unknown N            type N is K
///     prev|next|self|cls|sep|punct|entropy OP X    (the attention view on screen)
///     prediction is WORD      probability of WORD OP X      (the first mask)
///     class is LABEL          attribution of WORD OP X      (the task head)
///     similarity LAYER OP X   (mean cosine of each token to itself one layer down)
///     tokenizer N is P1·P2·…  (the step's N-th other tokenizer's pieces)
///     lab corrupted OP N      (the masking lab's chosen positions)
///     is-next OP X            (the next-sentence head's P(B follows A), a pair)
///     changed L OP X          (compare-layers: layer L's largest head distance, A vs A′)
///     anatomy L attn|ffn OP X (the layer anatomy: what attention / the FFN adds to the selected token)
///     cell p OP X             (the attention arithmetic: the cursor cell's probability)
///     cosine OP X             (a pair's sentence similarity, as sentence-transformers pools it)
///
/// OP is one of < <= > >= =.
extension Workbench {
    /// Every failed check of the step on screen, as "check: what was found".
    public func failedChecks(_ checks: [String]) -> [String] {
        session.waitUntilIdle()
        _ = render(width: lastFrameSize.width, height: lastFrameSize.height)
        return checks.compactMap { c in
            do {
                let (ok, found) = try evaluate(c)
                return ok ? nil : "\(c): \(found)"
            } catch {
                return "\(c): \(error)"
            }
        }
    }

    private func evaluate(_ check: String) throws -> (Bool, String) {
        let w = check.split(separator: " ").map(String.init)
        guard let r = snapshot.result, let first = w.first else { throw TourError("no result to check") }
        let e = r.encoding
        func position(_ s: String) throws -> Int {
            guard let n = Int(s), e.ids.indices.contains(n) else {
                throw TourError("no token \(s) (\(e.count) tokens)")
            }
            return n
        }
        func compare(_ v: Float, _ op: String, _ limit: String) throws -> (Bool, String) {
            guard let x = Float(limit) else { throw TourError("\(limit) is not a number") }
            let ok: Bool
            switch op {
            case "<": ok = v < x
            case "<=": ok = v <= x
            case ">": ok = v > x
            case ">=": ok = v >= x
            case "=": ok = abs(v - x) < 1e-6
            default: throw TourError("\(op) is not one of < <= > >= =")
            }
            return (ok, "\(v)")
        }
        switch (first, w.count) {
        case ("token", 4) where w[2] == "is":
            let p = try position(w[1])
            return (e.tokens[p] == w[3], e.tokens[p])
        case ("unknown", 2):
            let p = try position(w[1])
            return (e.unknown[p] != nil, e.tokens[p])
        case ("type", 4) where w[2] == "is":
            let p = try position(w[1])
            return (String(e.typeIds[p]) == w[3], String(e.typeIds[p]))
        case ("prev", 3), ("next", 3), ("self", 3), ("cls", 3), ("sep", 3), ("punct", 3), ("entropy", 3):
            guard let v = deriver.attentionView(r, state.attention) else { throw TourError("no attention view") }
            let st = v.statistics
            let value: Float =
                [
                    "prev": st.toPrevious, "next": st.toNext, "self": st.toSelf, "cls": st.toCLS, "sep": st.toSEP,
                    "punct": st.toPunctuation, "entropy": st.entropy,
                ][first]!
            return try compare(value, w[1], w[2])
        case ("prediction", 3) where w[1] == "is":
            guard let top = r.mlm?.predictions.first?.predictions.first else { throw TourError("no mask predicted") }
            return (top.token == w[2], top.token)
        case ("probability", 5) where w[1] == "of":
            guard let preds = r.mlm?.predictions.first?.predictions else { throw TourError("no mask predicted") }
            let p = preds.first { $0.token == w[2] }?.probability ?? 0
            return try compare(p, w[3], w[4])
        case ("class", 3) where w[1] == "is":
            guard let best = r.task?.labels.max(by: { $0.score < $1.score }) else {
                throw TourError("no task head result")
            }
            return (best.label == w[2], best.label)
        case ("attribution", 5) where w[1] == "of":
            guard let t = r.task, let a = t.attribution, let enc = t.encoding else { throw TourError("no attribution") }
            guard let p = enc.tokens.firstIndex(of: w[2]) else { throw TourError("no token \(w[2])") }
            return try compare(a.scores[p], w[3], w[4])
        case ("similarity", 4):
            guard let t = r.trace, let l = Int(w[1]), (1...t.layers).contains(l) else {
                throw TourError("similarity takes a layer 1…\(r.trace?.layers ?? 0)")
            }
            let cells = LayerDrift(t).cells
            let mean = cells.map { $0[l - 1].cosine }.reduce(0, +) / Float(max(1, cells.count))
            return try compare(mean, w[2], w[3])
        case ("tokenizer", 4) where w[2] == "is":
            guard let n = Int(w[1]), n >= 1, n <= arena.entries.count else {
                throw TourError("no tokenizer \(w[1]) (the step lists \(arena.entries.count))")
            }
            let row = arena.rows(r)[n - 1]
            let pieces = row.pieces.joined(separator: "·")
            return (pieces == w[3], pieces)
        case ("is-next", 3):
            guard let p = r.nextSentence else {
                throw TourError("no next-sentence answer (a pair, on a model with the head)")
            }
            return try compare(p.yes, w[1], w[2])
        case ("changed", 4):
            guard let d = r.comparison?.comparison?.attentionDistance else {
                throw TourError("no layers compared (compare-layers, on a model whose heads retrained layers)")
            }
            guard let l = Int(w[1]), (1...d.count).contains(l) else {
                throw TourError("changed takes a layer 1…\(d.count)")
            }
            return try compare(d[l - 1].max() ?? 0, w[2], w[3])
        case ("anatomy", 5):
            // anatomy L attn|ffn OP X: ‖what attention / the FFN adds‖ to the selected token in layer L.
            guard let a = r.anatomy?.anatomy, let l = Int(w[1]), (1...a.layers).contains(l),
                let step = a.step(layer: l - 1, token: state.tokens.selected)
            else { throw TourError("no layer anatomy of the selected token (panel = anatomy) at layer \(w[1])") }
            guard let v = ["attn": step.attention, "ffn": step.ffn][w[2]] else {
                throw TourError("anatomy takes attn or ffn, not \(w[2])")
            }
            return try compare(v, w[3], w[4])
        case ("cosine", 3):
            // cosine OP X: a typed pair's sentence similarity (a sentence-transformers model).
            guard let s = r.sentenceSimilarity?.similarity else {
                throw TourError("no sentence similarity (a pair, on a model with sentence-transformers files)")
            }
            return try compare(s.cosine, w[1], w[2])
        case ("cell", 4) where w[1] == "p":
            // cell p OP X: the attention arithmetic's probability of the cursor cell.
            guard let h = r.arithmetic?.head,
                let cell = h.cell(query: state.tokens.selected, key: state.attention.keyToken)
            else { throw TourError("no attention arithmetic (panel = arithmetic)") }
            return try compare(cell.probability, w[2], w[3])
        case ("lab", 4) where w[1] == "corrupted":
            guard let lab = r.mlm?.lab else { throw TourError("no masking lab run") }
            return try compare(Float(lab.choices.count), w[2], w[3])
        default:
            throw TourError("not a check (see the tour checks in docs/figures-and-tours.md)")
        }
    }
}
