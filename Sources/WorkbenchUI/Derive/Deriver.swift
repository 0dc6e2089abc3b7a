import Analysis
import CorpusText
import Session
import TextCells
import Tokenizers
import Foundation

/// The derivation step: from one snapshot and the state, the view of every
/// pane on screen. The expensive parts (maps, rollout, the overview's
/// thumbnails, probe labels per word × layer) are cached by input and settings,
/// so a frame that only moves a cursor recomputes nothing heavy.
final class Deriver {
    /// Values only: the model's facts and its tokenizer (the x-ray, token names).
    let model: ModelFacts
    private let tokenizer: Tokenizer
    // Bounded in bytes: at 512 tokens a map is 1 MB and one layer's mixing maps ~40 MB.
    private var maps = ByteBudgetCache<MapKey, AttentionMap>(capacity: 64, byteBudget: 128 << 20) {
        $0.values.count * MemoryLayout<Float>.stride
    }
    private var tokens: (key: TokensKey, view: TokensView)?
    private var overview: (key: OverviewKey, thumbnails: (rows: Int, columns: Int, values: [[Float]]))?
    private var probing: (key: ProbingKey, view: ProbingView)?
    /// The dataset table sorted and filtered (10,000 rows sorted once, not every frame).
    private var datasetTable: (key: DatasetKey, view: DatasetView)?
    private var predictions: (key: SessionInput, view: PredictionsView)?
    private var attention: (key: AttentionKey, view: AttentionView)?
    private var finder: (key: FinderKey, view: HeadFinderView)?
    private var comparison: (key: MapKey, view: ComparisonView)?
    private var temperedCache: (input: SessionInput, t: Float, view: PredictionsView)?
    private var labels: (encoding: Encoding, labels: [String])?

    init(facts: ModelFacts, tokenizer: Tokenizer) { self.model = facts; self.tokenizer = tokenizer }

    struct MapKey: Hashable { let input: SessionInput, spec: AttentionViewSpec }
    struct TokensKey: Equatable { let input: SessionInput, selected: Int }
    struct AttentionKey: Equatable {
        let input: SessionInput, spec: AttentionViewSpec, row: Int, column: Int
        /// DeBERTa's score terms arrive with the session's arithmetic, after the map.
        let parts: Bool
    }
    struct FinderKey: Equatable {
        let input: SessionInput, spec: AttentionViewSpec, row: Int, column: Int, criterion: HeadRanking.Criterion
    }
    struct OverviewKey: Equatable { let input: SessionInput, hideSpecial: Bool, rows: Int, columns: Int }
    struct ProbingKey: Equatable { let input: SessionInput, task: Int, drift: Bool, probes: Int, gold: Bool }

    /// The attention map of `r` for `spec` (memoized: rollout is O(L·n³)).
    func map(_ r: EncodeResult, _ spec: AttentionViewSpec) -> AttentionMap? {
        guard let t = r.trace, t.keepsAttention(AttentionViews.layersRead(spec)) else { return nil }
        // Attention flow comes in the session's second phase: no map (and nothing cached) until then.
        let flow = r.flow.flatMap { $0.layer == spec.layer ? $0.map : nil }
        if spec.kind == .flow, flow == nil { return nil }
        // So does context mixing: no map (not the raw head in its place) until its layers are in.
        if let layers = AttentionViews.mixingLayersRead(spec),
            !layers.allSatisfy({ r.mixing?.layer($0, valueZeroing: spec.kind.needsValueZeroing) != nil })
        {
            return nil
        }
        let key = MapKey(input: r.input, spec: spec)
        if let m = maps.get(key) { return m }
        let m = AttentionViews.map(t, r.encoding, spec, flow: flow) {
            self.mixing(r, layer: $0, valueZeroing: spec.kind.needsValueZeroing)
        }
        maps.put(key, m)
        return m
    }

    /// The comparison of `r` with its A′, memoized by input and view (rollout is O(L·n³) per sentence).
    func comparisonView(_ r: EncodeResult, _ s: AttentionState) -> ComparisonView? {
        guard r.comparison != nil else { return nil }
        let key = MapKey(input: r.input, spec: s.spec)
        if let c = comparison, c.key == key { return c.view }
        let facts = model
        guard let v = ComparisonView.derive(r, s, layersTitle: { facts.layersTitle($0) }) else { return nil }
        comparison = (key, v)
        return v
    }

    /// One layer's context-mixing maps, as the session computed them in the background.
    private func mixing(_ r: EncodeResult, layer: Int, valueZeroing: Bool) -> ContextMixing? {
        r.mixing?.layer(layer, valueZeroing: valueZeroing)
    }

    /// One label per token, escaped for display (built once per encoding: a long input has thousands).
    func tokenLabels(_ e: Encoding) -> [String] {
        if let c = labels, c.encoding == e { return c.labels }
        let out = (0..<e.count).map { visibleText(AttentionViews.label([$0], e)) }
        labels = (e, out)
        return out
    }

    func tokensView(_ r: EncodeResult, selected: Int) -> TokensView {
        let key = TokensKey(input: r.input, selected: selected)
        if let c = tokens, c.key == key { return c.view }
        let v = TokensView.derive(r, tokenizer: tokenizer, selected: selected)
        tokens = (key, v)
        return v
    }

    func attentionView(_ r: EncodeResult, _ s: AttentionState) -> AttentionView? {
        guard let m = map(r, s.spec), m.size > 0 else { return nil }
        let e = r.encoding
        let row = max(0, min(m.size - 1, s.row)), col = max(0, min(m.size - 1, s.column))
        let key = AttentionKey(input: r.input, spec: s.spec, row: row, column: col, parts: r.arithmetic != nil)
        if let c = attention, c.key == key { return c.view }
        let kinds = m.groups.map { TokenKind.of(e.tokens[$0[0]], special: e.isSpecial($0[0])) }
        var parts: String? = nil
        if s.view == .head, !s.words, !s.hideSpecial {
            // DeBERTa: the session's arithmetic of this head has the cell's terms.
            parts = r.arithmetic.flatMap {
                $0.request == ArithmeticRequest(layer: s.layer, head: s.head)
                    ? $0.scoreBreakdown(query: m.groups[row][0], key: m.groups[col][0]) : nil
            }
        }
        let ranked = (0..<m.size).sorted { m[row, $0] > m[row, $1] }
        let v = AttentionView(
            map: m, labels: m.groups.map { visibleText(AttentionViews.label($0, e)) },
            specialNames: Self.specialNames(e),
            // Norm maps' rows are not distributions: their statistics are of the row-normalised map.
            statistics: HeadStatistics(
                s.view.isNorm ? AttentionViews.rowNormalised(m) : m, kinds: kinds,
                window: Self.windowed.contains(s.view) && model.localWindows.indices.contains(s.layer)
                    ? model.localWindows[s.layer] : nil, positions: m.groups.map { $0[0] }),
            scoreParts: parts, ranked: ranked)
        attention = (key, v)
        return v
    }

    /// The one-layer views a local layer's window bounds (rollouts cross layers; the residual's self term is not attention).
    static let windowed: Set<AttentionViewKind> = [.head, .mean, .norm, .normSum, .valueZeroing]

    /// Every head ranked for the cursor cell of `s` (L × H maps: cached by cell and criterion).
    func finderView(_ r: EncodeResult, _ s: AttentionState) -> HeadFinderView? {
        guard let f = s.finder, let t = r.trace, let m = map(r, s.spec), m.size > 0 else { return nil }
        let row = max(0, min(m.size - 1, s.row)), col = max(0, min(m.size - 1, s.column))
        var spec = s.spec
        spec.kind = .head  // the finder ranks single heads
        let key = FinderKey(input: r.input, spec: spec, row: row, column: col, criterion: f.criterion)
        if let c = finder, c.key == key { return c.view }
        let e = r.encoding
        let v = HeadFinderView(
            criterion: f.criterion, query: visibleText(AttentionViews.label(m.groups[row], e)),
            key: visibleText(AttentionViews.label(m.groups[col], e)),
            entries: HeadRanking.rank(t, e, spec, row: row, column: col, by: f.criterion))
        finder = (key, v)
        return v
    }

    /// All heads pooled to the thumbnails of `area`, read from the trace
    /// (cached by input and size), and their entropies when the session has
    /// them (`HeadEntropies`: the table waits for them, the thumbnails do not).
    func overviewView(_ r: EncodeResult, hideSpecial: Bool, area: Rect? = nil, ramp: Bool = true) -> OverviewView? {
        guard let t = r.trace else { return nil }
        var v = OverviewView(
            layers: t.layers, heads: t.heads, maps: [],
            entropies: r.headEntropies?.entropies(hidingSpecials: hideSpecial) ?? [])
        guard let area, let size = OverviewView.thumbnailSize(area, layers: t.layers, heads: t.heads, ramp: ramp)
        else { return v }
        let key = OverviewKey(input: r.input, hideSpecial: hideSpecial, rows: size.rows, columns: size.width)
        if let c = overview, c.key == key {
            v.thumbnails = c.thumbnails
            return v
        }
        let thumbnails = (
            size.rows, size.width,
            (0..<(t.layers * t.heads)).map {
                AttentionViews.pooledHead(
                    t, r.encoding, layer: $0 / t.heads, head: $0 % t.heads, hidingSpecials: hideSpecial,
                    rows: size.rows, columns: size.width)
            }
        )
        overview = (key, thumbnails)
        v.thumbnails = thumbnails
        return v
    }

    /// Every head's map in full, as the overview shows them (figures; off the key path).
    static func overviewMaps(_ r: EncodeResult, hideSpecial: Bool) -> [AttentionMap] {
        guard let t = r.trace else { return [] }
        return (0..<(t.layers * t.heads)).map {
            let m = AttentionViews.head(t, layer: $0 / t.heads, head: $0 % t.heads)
            return hideSpecial ? AttentionViews.hidingSpecials(m, r.encoding) : m
        }
    }

    static func specialNames(_ e: Encoding) -> String {
        var seen: [String] = []
        for i in e.tokens.indices where e.isSpecial(i) && !seen.contains(e.tokens[i]) { seen.append(e.tokens[i]) }
        return seen.isEmpty ? "specials" : seen.joined(separator: "/")
    }
}

extension Deriver {
    func predictionsView(
        _ r: EncodeResult?, progress: (done: Int, total: Int)? = nil, temperature: Float = 1
    ) -> PredictionsView {
        var v: PredictionsView
        if let r, let t = r.task {
            v = PredictionsView(
                content: .task(
                    TaskPanel.make(
                        t, r.encoding, problem: t.problemType, shownWindow: r.windows?.index, progress: progress,
                        method: r.input.explainMethod.rawValue)),
                headNote: model.taskNote)
        } else if let r, model.answersWithTaskHead(r) {
            // The session answers with the task head just after the encoding.
            var waiting = TaskPanel(kind: .sequenceClassification)
            waiting.waiting = "running the task head and its attribution (\(r.input.explainMethod.rawValue))…"
            v = PredictionsView(content: .task(waiting), headNote: model.taskNote)
        } else {
            v = predictionsContent(r)
            if temperature != 1, let r { v = tempered(v, r, temperature) }
        }
        v.pair = r.flatMap(pairAnswer)
        v.similarity = r.map(similarityLines) ?? []
        return v
    }

    /// The guesses' probabilities at softmax temperature `t` (display only:
    /// the model's answer is at 1), memoized: each mask sums its whole vocabulary once.
    private func tempered(_ v: PredictionsView, _ r: EncodeResult, _ t: Float) -> PredictionsView {
        guard let mlm = r.mlm, case .masks(var masks, let ltr, let mc, let lab, let error) = v.content else { return v }
        if let c = temperedCache, c.input == r.input, c.t == t { return c.view }
        var missing = 0
        for i in masks.indices {
            guard let f = mlm.tempering(at: masks[i].position, temperature: t) else { missing += 1; continue }
            for g in masks[i].guesses.indices { masks[i].guesses[g].probability = f(masks[i].guesses[g].probability) }
        }
        var out = v
        out.content = .masks(masks: masks, leftToRight: ltr, mostConfident: mc, lab: lab, error: error)
        out.experiment =
            String(format: "experiment: softmax temperature %g (display only; the model answers at 1)", t)
            + (missing > 0 ? " · masks after the \(MLMResult.distributionLimit)th stay at 1" : "")
        temperedCache = (r.input, t, out)
        return out
    }

    /// A typed pair on a sentence-transformers model: the cosine of the two
    /// sentence vectors (what the model was trained for), then the tokens'
    /// strongest matches (BERTScore's greedy matching).
    private func similarityLines(_ r: EncodeResult) -> [String] {
        guard r.input.pair != nil, let pooling = model.sentencePooling else { return [] }
        guard let out = r.sentenceSimilarity else { return ["sentence similarity: comparing A and B…"] }
        guard let s = out.similarity else { return ["sentence similarity: " + (out.error ?? "no answer")] }
        let best = s.bestForA
        // Words only (not punctuation), each once, strongest first.
        var seen = Set<String>()
        let matches = s.tokensA.indices.filter {
            s.tokensB.indices.contains(best[$0]) && s.tokensA[$0].contains { $0.isLetter || $0.isNumber }
        }
        .sorted { s.similarity($0, best[$0]) > s.similarity($1, best[$1]) }
        .filter { seen.insert(s.tokensA[$0]).inserted }.prefix(4)
        .map {
            "\(visibleText(s.tokensA[$0]))→\(visibleText(s.tokensB[best[$0]])) "
                + String(format: "%.2f", s.similarity($0, best[$0]))
        }
        return [
            String(format: "sentence similarity: cosine %.3f (1 = same meaning)", s.cosine),
            "what \(model.name) was trained for (\(pooling))",
            String(format: "token matches (BERTScore F1 %.2f): ", s.f1) + matches.joined(separator: " · "),
        ]
    }

    /// Every typed pair gets the pair head's verdict, or a word that there is none.
    private func pairAnswer(_ r: EncodeResult) -> PredictionsView.Pair? {
        guard r.input.pair != nil else { return nil }
        guard let labels = model.pairHead else { return .noHead(model: model.name) }
        guard let p = r.nextSentence else { return nil }
        return .answer(
            yes: labels.yes, no: labels.no, pYes: p.yes, pNo: p.no, albert: labels.sentenceOrder, note: labels.note)
    }

    private func predictionsContent(_ r: EncodeResult?) -> PredictionsView {
        let note = model.headNote
        guard model.hasMaskedLM else {
            guard model.hasReplacedTokenHead else {
                return PredictionsView(content: .noHead(model: model.name), headNote: note)
            }
            guard let r, let p = r.replaced else { return PredictionsView(content: .replaced([]), headNote: note) }
            let e = r.encoding
            let rows = e.typedPositions.filter { $0 < p.count }.map {
                (token: visibleText(e.tokens[$0]), probability: p[$0])
            }
            return PredictionsView(content: .replaced(rows), headNote: note)
        }
        guard let r, let mlm = r.mlm else { return PredictionsView(content: .noMask, headNote: note) }
        if let c = predictions, c.key == r.input { return c.view }
        let v = PredictionsView(content: Self.masks(mlm, r, tokenizer), headNote: note)
        predictions = (r.input, v)
        return v
    }

    private static func masks(_ mlm: MLMResult, _ r: EncodeResult, _ tok: Tokenizer) -> PredictionsView.Content {
        typealias V = PredictionsView
        func guesses(_ ps: [TokenProbability]) -> [V.Guess] {
            ps.map { V.Guess(token: visibleText($0.token), probability: $0.probability, id: $0.id) }
        }
        let masks = mlm.predictions.map { m in
            var mask = V.Mask(
                position: m.position, was: r.maskedOriginals[m.position].map(visibleText),
                guesses: guesses(m.predictions).map { g in
                    var g = g
                    g.intact = mlm.intact[m.position]?[g.id]
                    return g
                },
                lens: (mlm.lens[m.position] ?? []).map {
                    V.LensLine(layer: $0.layer, finalRank: $0.finalRank, top: guesses($0.top))
                })
            // A long text: the window shown, and what the other windows holding this mask guess there.
            mask.window = r.windows.map { "window \($0.index + 1)/\($0.count)" }
            mask.elsewhere = (r.elsewhere[m.position] ?? []).map { w in
                "in window \(w.window + 1): "
                    + w.guesses.map { "\(visibleText($0.token)) \(String(format: "%.0f%%", $0.probability * 100))" }
                    .joined(separator: "  ")
            }
            return mask
        }
        func fills(_ s: [FillStep]) -> [V.Fill] {
            s.map { V.Fill(position: $0.position, token: visibleText($0.token), probability: $0.probability) }
        }
        var lab: V.Lab? = nil
        if let l = mlm.lab {
            let choices = l.choices.map { c -> V.LabChoice in
                let fate: String
                switch c.fate {
                case .masked: fate = "→ [MASK]"
                case .randomized: fate = "→ random \"\(visibleText(tok.token(for: c.input) ?? "?"))\""
                case .kept: fate = "→ kept"
                }
                return V.LabChoice(
                    position: c.position, original: visibleText(tok.token(for: c.original) ?? "?"), fate: fate,
                    guess: visibleText(tok.token(for: c.predicted) ?? "?"), recovered: c.recovered)
            }
            lab = V.Lab(
                seed: l.seed, typed: r.encoding.typedPositions.count, recovered: l.recoveredCount, choices: choices)
        }
        return .masks(
            masks: masks, leftToRight: fills(mlm.leftToRight), mostConfident: fills(mlm.mostConfident), lab: lab,
            error: mlm.error)
    }
}

extension Deriver {
    func probingView(
        _ r: EncodeResult, _ s: ProbingState, probes: [TrainedProbes], gold: LabeledSentence?,
        corpus: (any CorpusSearching)? = nil, selected: Int = 1
    ) -> ProbingView? {
        guard let t = r.trace else { return nil }
        if s.corpus {
            // A handful of rows from a finished search: derived every frame, never cached.
            let e = r.encoding
            let query = e.tokens.indices.contains(selected) ? visibleText(e.tokens[selected]) : ""
            return ProbingView(
                content: .corpus(
                    CorpusView(r, s, selected: selected, index: corpus, query: query, dataset: datasetView(r, s))))
        }
        let key = ProbingKey(
            input: r.input, task: s.task, drift: s.representation, probes: probes.count, gold: gold != nil)
        if let c = probing, c.key == key { return c.view }
        let e = r.encoding
        let v: ProbingView
        if s.representation {
            let d = LayerDrift(t)
            v = ProbingView(
                content: .drift(
                    .init(
                        tokens: e.tokens.map(visibleText), cosine: d.cells.map { $0.map(\.cosine) },
                        norm: d.cells.map { $0.map(\.norm) })))
        } else if probes.isEmpty {
            v = ProbingView(
                content: .noProbes(
                    estimate:
                        "about a minute per task from a cold start on 2 cores; UPOS: 58 s on the default model",
                    layers: r.input.layers == .published ? nil : r.input.layers.rawValue))
        } else {
            let sel = max(0, min(probes.count - 1, s.task))
            let tasks = probes.map { p in
                ProbingView.Task(
                    name: p.task, accuracy: p.report.accuracy, selectivity: p.report.selectivity,
                    bestLayer: p.report.bestLayer,
                    expectedLayer: p.report.expectedLayer)
            }
            let starts = e.wordStarts
            let words = starts.map { visibleText(Self.typedWord(e, $0, r.input)) }
            let gl = Self.goldLabels(probes[sel].task, e, starts, gold: gold, text: r.input.text)
            v = ProbingView(
                content: .probes(
                    tasks: tasks, selected: sel,
                    grid: .init(words: words, labels: probes[sel].labels(t, positions: starts), gold: gl)))
        }
        probing = (key, v)
        return v
    }

    private struct DatasetKey: Equatable {
        let classifier: String, rows: Int, sort: DatasetSort, filter: Int, word: String?
    }

    /// The dataset table of the result's answered rows in the state's order and filter.
    func datasetView(_ r: EncodeResult, _ s: ProbingState) -> DatasetView? {
        guard s.dataset, let d = r.corpusDataset?.dataset else { return nil }
        // Sorted and filtered once per order and filter; moving the highlight only re-clamps it.
        let key = DatasetKey(
            classifier: d.classifier, rows: d.rows.count, sort: s.datasetSort, filter: s.datasetFilter,
            word: s.datasetWord)
        var v: DatasetView
        if let c = datasetTable, c.key == key {
            v = c.view
        } else {
            v = DatasetView(d, sort: s.datasetSort, filter: s.datasetFilter, word: s.datasetWord, selected: 0)
            datasetTable = (key, v)
        }
        v.selected = max(0, min(v.rows.count - 1, s.datasetRow))
        return v
    }

    /// The word as typed (its pieces' span in the input), so [UNK] words read as themselves.
    static func typedWord(_ e: Encoding, _ i: Int, _ input: SessionInput) -> String {
        e.typedWord(of: i, in: e.sequenceIds[i] == 1 ? input.pair ?? "" : input.text)
            ?? AttentionViews.label(e.wordMembers(of: i), e)
    }

    /// Gold labels per shown word when the input is the labelled sentence on
    /// screen and its words line up with the encoding's words.
    static func goldLabels(_ task: String, _ e: Encoding, _ starts: [Int], gold: LabeledSentence?, text: String)
        -> [String]?
    {
        guard let s = gold, let labels = s.labels[task], s.text.0.unicodeScalars.elementsEqual(text.unicodeScalars)
        else { return nil }
        let ranges = s.text.1
        var out: [String] = []
        for i in starts {
            guard e.sequenceIds[i] == 0, let w = ranges.firstIndex(where: { $0.contains(e.offsets[i].start) }) else {
                return nil
            }
            out.append(labels[w])
        }
        return out
    }
}
