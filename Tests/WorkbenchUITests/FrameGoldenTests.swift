import Analysis
import Figures
import Foundation
import Session
import Testing
@testable import WorkbenchUI

/// Complete frames drawn from hand-made views: no model is loaded, so these
/// pin the drawing alone, at the sizes people use, in colour and without.
@Suite struct FrameGoldenTests {
    static let theme = try! shippedThemes.load("dark")

    func frame(
        _ v: FrameView, _ s: WorkbenchState, _ w: Int, _ h: Int, mode: ColorMode = .xterm256, predictions: Bool = false
    ) -> CellGrid {
        var layout = FrameLayout.compute(width: w, height: h, s, predictions: predictions)
        if v.second != nil { layout.splitForSecondModel() }
        return FrameRenderer.render(
            v, s, layout, theme: Self.theme, colorMode: mode, width: w, height: h, modelInfo: "model  test\nlayers 2"
        ).grid
    }

    func expectGolden(_ name: String, _ g: CellGrid) {
        if let problem = FrameGolden.check(name, g, theme: Self.theme) { Issue.record(Comment(rawValue: problem)) }
    }

    @Test func tokensAndAttentionSideBySide() {
        var s = ViewFixtures.state(.tokens)
        s.tokens.selected = 5
        expectGolden("tokens-120x40", frame(ViewFixtures.view(), s, 120, 40))
    }

    @Test func attentionStackedAt80x24() {
        var s = ViewFixtures.state(.attention)
        s.attention.row = 2; s.attention.column = 5
        expectGolden("attention-80x24", frame(ViewFixtures.view(), s, 80, 24))
    }

    @Test func attentionWithoutColours() {
        var s = ViewFixtures.state(.attention)
        s.attention.row = 1; s.attention.column = 2
        expectGolden("attention-mono-120x40", frame(ViewFixtures.view(), s, 120, 40, mode: .monochrome))
    }

    @Test func focusListAndScoreParts() {
        var s = ViewFixtures.state(.attention)
        s.attention.focusMode = true; s.attention.row = 2
        var v = ViewFixtures.view()
        v.attention!.scoreParts = "score = c2c +1.250 + c2p -0.300 + p2c +0.050 = +1.000 · i−j = -3"
        v.attention!.ranked = (0..<v.attention!.map.size).sorted { v.attention!.map[2, $0] > v.attention!.map[2, $1] }
        expectGolden("focus-list-120x40", frame(v, s, 120, 40))
    }

    /// Wide labels in one-column cells: the header stays inside the border.
    @Test func wideLabelsInNarrowColumns() {
        var s = ViewFixtures.state(.attention)
        s.attention.column = 20
        var v = ViewFixtures.view()
        let labels = (0..<30).map { ["東京", "ß", "👩‍👩‍👧", "naïve", "x"][$0 % 5] }
        v.attention = AttentionView(map: ViewFixtures.map(1, size: 30), labels: labels)
        let g = frame(v, s, 80, 24)
        for y in 11..<22 { #expect(g.line(y).hasPrefix("│") && g.line(y).hasSuffix("│"), "row \(y): \(g.line(y))") }
        expectGolden("wide-labels-80x24", g)
    }

    /// The labelled grids at every size from tiny to wide: each stays inside its pane (its bottom border whole).
    @Test func labelledGridsStayInsideThePaneAtEverySize() {
        var v = ViewFixtures.view()
        let a = ViewFixtures.map(1, size: 6), b = ViewFixtures.map(2, size: 6)
        let labels = ["[CLS]", "the", "bank", "of", "river", "[SEP]"]
        v.comparison = ComparisonView(
            textB: "the bank of money", labelsA: labels, labelsB: labels, mapA: a, mapB: b,
            difference: zip(a.values, b.values).map { $0 - $1 }, alignment: "token by token",
            words: [
                SentenceComparison.Word(word: "bank", a: [2], b: [2], cosine: [1, 0.9, 0.7], toEmbedding: [1, 1, 1])
            ],
            what: "layer 1 · head 1")
        v.importance = ImportanceView(
            importance: HeadImportance(
                position: 3, target: 7, targetToken: "unaffable", baseLogProbability: -0.93,
                deltas: (0..<72).map { Float($0 % 9) * 0.3 - 1.2 }, layers: 6, heads: 12), waiting: "")
        v.overview = OverviewView(layers: 6, heads: 12, maps: [], entropies: (0..<72).map { Float($0 % 7) })
        var states: [WorkbenchState] = []
        for flag in 0..<4 {
            var s = ViewFixtures.state(.attention)
            s.attention.comparing = flag == 0
            s.attention.importance = flag == 1
            s.attention.overview = flag == 2
            s.attention.column = 5
            states.append(s)
        }
        for s in states {
            for w in stride(from: 20, through: 110, by: 9) {
                for h in stride(from: 8, through: 44, by: 4) {
                    let layout = FrameLayout.compute(width: w, height: h, s, predictions: false)
                    let g = frame(v, s, w, h)
                    guard !layout.tooSmall, let r = layout.attention, r.height > 1 else { continue }
                    #expect(g.line(r.maxY - 1).dropFirst(r.x).hasPrefix("└"), "\(w)×\(h)")
                }
            }
        }
    }

    /// Zoomed at 250×70 the cells are 8 columns wide: labels run across (alternating rows when
    /// longer than a cell), "##ffa" and "playwright" whole, and the cursor's column whole in its colour.
    @Test func columnLabelsAcrossWideCells() {
        var s = ViewFixtures.state(.attention)
        s.zoomed = true
        let labels = ["[CLS]", "the", "playwright", "'", "s", "una", "##ffa", "##ble", "protagonists", "were", "[SEP]"]
        var v = ViewFixtures.view()
        v.attention = AttentionView(map: ViewFixtures.map(1, size: labels.count), labels: labels)
        s.attention.column = 8
        let g = frame(v, s, 250, 70)
        let header = [g.line(5), g.line(6)]
        #expect(header.contains { $0.contains(" playwright ") } && header.contains { $0.contains(" ##ffa ") })
        #expect(header.contains { $0.contains(" protagonists ") }, "the cursor's column label whole")
    }

    @Test func headFinder() {
        var s = ViewFixtures.state(.attention)
        s.attention.finder = HeadFinderState(criterion: .cell, selected: 1)
        s.attention.row = 6; s.attention.column = 2
        var v = ViewFixtures.view()
        let entries = (0..<6).map { HeadRanking.Entry(layer: $0 / 3, head: $0 % 3, value: Float(6 - $0) / 10) }
        v.finder = HeadFinderView(criterion: .cell, query: "river", key: "bank", entries: entries)
        expectGolden("head-finder-120x40", frame(v, s, 120, 40))
    }

    @Test func overviewOfAllHeads() {
        var s = ViewFixtures.state(.attention)
        s.attention.overview = true; s.attention.layer = 1; s.attention.head = 2
        expectGolden("overview-160x48", frame(ViewFixtures.view(), s, 160, 48))
        // Twelve heads at 80×24: no room for thumbnails, the entropy table names both axes.
        var v = ViewFixtures.view()
        v.overview = OverviewView(
            layers: 6, heads: 12, maps: [], entropies: (0..<72).map { Float($0 % 10) * 0.4 + 0.3 })
        let table = frame(v, s, 80, 24)
        #expect(table.text.contains("      H1   H2   H3"), "the entropy table names its heads")
        expectGolden("overview-entropies-80x24", table)
    }

    @Test func predictionsBesideTheTokens() {
        var s = ViewFixtures.state(.predictions)
        s.masked = [2]
        expectGolden("predictions-160x48", frame(ViewFixtures.view(), s, 160, 48, predictions: true))
    }

    /// The sentiment walk-through: "terrible" carries the largest negative attribution.
    @Test func classificationWithAttributions() {
        var s = ViewFixtures.state(.predictions)
        s.predictions.explainCursor = 5
        var v = ViewFixtures.view()
        v.predictions = PredictionsView(
            content: .task(ViewFixtures.sentimentPanel()), headNote: "sentiment head trained by BertScope")
        expectGolden("classify-160x48", frame(v, s, 160, 48, predictions: true))
        expectGolden("classify-80x24", frame(v, s, 80, 24, predictions: true))
        expectGolden("classify-mono-120x40", frame(v, s, 120, 40, mode: .monochrome, predictions: true))
        // The gradient's norm has no sign: the heat ramp and a 0-to-max legend, not purple against / orange toward.
        var norm = ViewFixtures.sentimentPanel()
        norm.method = .gradientNorm
        norm.pieces = norm.pieces.map {
            var p = $0; p.value = abs(p.value); return p
        }
        v.predictions = PredictionsView(content: .task(norm), headNote: "sentiment head trained by BertScope")
        let oneSided = frame(v, s, 160, 48, predictions: true)
        #expect(!oneSided.text.contains("purple") && oneSided.text.contains("brighter: a larger gradient norm"))
        #expect(oneSided.text.contains("tokens by gradient norm, largest first:"))
        expectGolden("classify-gradient-norm-160x48", oneSided)
        v.predictions = PredictionsView(
            content: .task(ViewFixtures.sentimentPanel()), headNote: "sentiment head trained by BertScope")
        // A long text's second window: every window's label and strongest token, the shown one bracketed,
        // and the cursor's token as the first window (which also holds it) explains it.
        var long = ViewFixtures.sentimentPanel()
        long.windows = .init("by window:", ["1 positive 91%", "[2 negative 97%]", "3 negative 88%"])
        long.strongest = .init(
            "strongest by window:", ["1 \"wonderful\" -2.10", "[2 \"terrible\" +1.73]", "3 \"cold\" +1.20"])
        long.pieces[5].elsewhere = [.init(window: 0, value: 0.8123)]
        v.predictions = PredictionsView(content: .task(long), headNote: "sentiment head trained by BertScope")
        expectGolden("classify-windows-120x40", frame(v, s, 120, 40, predictions: true))
        // 510 tokens do not fit the pane: the flow scrolls to the cursor, its value line under it.
        var many = ViewFixtures.sentimentPanel()
        many.pieces = (0..<510).map { .init(text: "w\($0)", value: Float($0 % 7) / 7) }
        for cursor in [0, 250, 509] {
            s.predictions.explainCursor = cursor
            v.predictions = PredictionsView(content: .task(many))
            let text = frame(v, s, 120, 40, predictions: true).text
            #expect(text.contains(" w\(cursor) ") || text.contains("│w\(cursor) "), "cursor \(cursor) drawn")
            #expect(text.contains("\"w\(cursor)\" " + String(format: "%+.4f", Float(cursor % 7) / 7)))
        }
        s.predictions.explainCursor = 5
        long.strongest = .init("explaining the other windows: 1 of 2…")
        long.pieces[5].elsewhere = []
        v.predictions = PredictionsView(content: .task(long), headNote: "sentiment head trained by BertScope")
        expectGolden("classify-windows-waiting-80x24", frame(v, s, 80, 24, predictions: true))
        // A factual sentence: the head taught to keep neutral text near 50/50 says "neither" under its bars.
        var calm = ViewFixtures.sentimentPanel()
        calm.bars = [.init(label: "negative", score: 0.5406, explained: true), .init(label: "positive", score: 0.4594)]
        calm.neither = "neither, really: no label reaches 75%"
        v.predictions = PredictionsView(content: .task(calm), headNote: "sentiment head trained by BertScope")
        let neither = frame(v, s, 80, 24, predictions: true)
        #expect(
            neither.text.contains("neither, really: no label reaches 75%")
                && neither.text.contains("(the head learnt neutral text as 50/50)"))
        expectGolden("classify-neither-80x24", neither)
    }

    /// A context-mixing view: the pane names the measure; rows need not sum to 1 before normalising.
    @Test func contextMixingViews() {
        var s = ViewFixtures.state(.attention)
        s.attention.row = 2; s.attention.column = 3
        for (view, name) in [(AttentionViewKind.valueZeroing, "value-zeroing"), (.normResidual, "norm-res-ln")] {
            s.attention.view = view
            expectGolden("mixing-\(name)-120x40", frame(ViewFixtures.view(), s, 120, 40))
        }
        // Attention flow before the session's second phase brings it.
        s.attention.view = .flow
        var v = ViewFixtures.view()
        v.attention = nil
        v.flowWaiting = "computing attention flow through layer 1: 3 of 8 rows…"
        expectGolden("flow-waiting-80x24", frame(v, s, 80, 24))
    }

    /// Head importance: layers × heads, the strongest effects brightest, the cursor head reversed.
    @Test func headImportanceGrid() {
        var s = ViewFixtures.state(.attention)
        s.attention.importance = true
        s.attention.layer = 1; s.attention.head = 2
        var v = ViewFixtures.view()
        let deltas: [Float] = (0..<12).map { i in i == 6 ? -2.4 : i == 9 ? 0.8 : Float(i % 4) * 0.05 - 0.1 }
        var imp = HeadImportance(
            position: 2, target: 7, targetToken: "bank", baseLogProbability: -0.93, deltas: deltas, layers: 3, heads: 4)
        v.importance = ImportanceView(importance: imp, waiting: "")
        expectGolden("importance-160x48", frame(v, s, 160, 48))
        // The default model's 6 × 12 heads and a long word: the keys and the legend wrap, nothing is cut.
        let twelve = HeadImportance(
            position: 3, target: 7, targetToken: "unaffable", baseLogProbability: -0.93,
            deltas: (0..<72).map { Float($0 % 9) * 0.3 - 1.2 }, layers: 6, heads: 12)
        v.importance = ImportanceView(importance: twelve, waiting: "")
        let wide = frame(v, s, 160, 48)
        #expect(wide.text.contains("Enter opens · Esc closes") && wide.text.contains(" H12 "))
        expectGolden("importance-heads-160x48", wide)
        imp = HeadImportance(
            position: 0, target: 0, targetToken: "is next", baseLogProbability: -0.2, deltas: deltas, layers: 3,
            heads: 4)
        imp.isNextSentence = true
        v.importance = ImportanceView(importance: imp, waiting: "")
        expectGolden("importance-nsp-80x24", frame(v, s, 80, 24))
        v.importance = ImportanceView(importance: nil, waiting: "computing head importance: 31 of 72 passes…")
        expectGolden("importance-waiting-80x24", frame(v, s, 80, 24))
    }

    /// A long text: the window strip over the document (overlaps ▒, the window shown bright) and the status.
    @Test func longTextWindows() {
        let s = ViewFixtures.state(.tokens)
        var v = ViewFixtures.view()
        v.tokens?.windows = DocumentWindows(
            index: 1, size: 512, stride: 128, ranges: [0..<510, 382..<892, 764..<1100], documentTokens: 1100,
            spans: [0..<2500, 1900..<4400, 3800..<5400])
        v.status.windows = "window 2/3 of 512, stride 128"
        expectGolden("windows-120x40", frame(v, s, 120, 40))
    }

    /// A second model (`:compare-model`): its tokens under the text, attention and predictions on the right.
    @Test func secondModelSideBySide() {
        let s = ViewFixtures.state(.attention)
        var v = ViewFixtures.view()
        v.tokens?.arena = [ViewFixtures.robertaRow("B: roberta-base")]
        var b = AttentionState()
        b.row = 1; b.column = 2
        var predictions = v.predictions
        predictions?.headNote = "B: roberta-base"
        v.second = SecondView(
            name: "roberta-base", layers: 12, heads: 12,
            attention: AttentionView(
                map: ViewFixtures.map(3, size: 9),
                labels: ["<s>", "The", "Ġbank", "Ġof", "Ġthe", "Ġê", "Ļ", "Ġriver", "</s>"]),
            attentionState: b, predictions: predictions)
        expectGolden("second-model-160x48", frame(v, s, 160, 48, predictions: true))
    }

    /// The tokenizer arena: each listed tokenizer's pieces under the text, differing splits highlighted.
    @Test func tokenizerArena() {
        let s = ViewFixtures.state(.tokens)
        var v = ViewFixtures.view()
        v.tokens?.arena = [
            ViewFixtures.robertaRow("roberta-base"),
            .init(
                name: "albert-base-v2", pieces: ["▁the", "▁bank", "▁of", "▁the", "▁", "ꙮ", "▁river"],
                differs: [false, false, false, false, false, false, false],
                unknown: [false, false, false, false, false, true, false],
                joins: [false, false, false, false, false, true, false]),
        ]
        expectGolden("arena-120x40", frame(v, s, 120, 40))
    }

    /// Sentence comparison: A, A′ and A − A′, then one word's drift chart; narrow panes show one map.
    @Test func sentenceComparison() {
        var s = ViewFixtures.state(.attention)
        s.attention.comparing = true
        s.attention.compareWord = 1
        var v = ViewFixtures.view()
        let a = ViewFixtures.map(1, size: 6), b = ViewFixtures.map(2, size: 6)
        let labels = ["[CLS]", "the", "bank", "of", "river", "[SEP]"]
        let word = { (w: String, c: [Float]) in
            SentenceComparison.Word(word: w, a: [2], b: [2], cosine: c, toEmbedding: c.map { $0 * 0.8 })
        }
        v.comparison = ComparisonView(
            textB: "the bank of money", labelsA: labels, labelsB: labels.map { $0 == "river" ? "money" : $0 }, mapA: a,
            mapB: b, difference: zip(a.values, b.values).map { $0 - $1 }, alignment: "token by token",
            words: [word("the", [1, 0.99, 0.98]), word("bank", [1, 0.93, 0.71])], what: "layer 1 · head 1")
        let wide = frame(v, s, 160, 48)
        // Every map names its columns; A − A′'s colours and both drift columns are said in words.
        #expect(wide.text.contains("key→    [ t b o r [") && wide.text.contains("A − A′:"))
        #expect(wide.text.contains("A vs A′") && wide.text.contains("A vs its embedding"))
        expectGolden("comparison-160x48", wide)
        let small = frame(v, s, 80, 24)
        // Too short for every layer: the last layer, where A and A′ part most, stays on screen.
        #expect(small.text.contains("│L2  ") && !small.text.contains("│emb "), "\(small.text)")
        expectGolden("comparison-80x24", small)
        v.comparison = nil
        v.comparisonWaiting = "encoding A′ and comparing…"
        expectGolden("comparison-waiting-80x24", frame(v, s, 80, 24))
    }

    /// Activation patching: positions × hidden states and layers × heads on the diverging ramp.
    @Test func patchingGrid() {
        var s = ViewFixtures.state(.attention)
        s.attention.patching = true
        s.counterfactual = "the keys to the cabinet [MASK] here"
        var v = ViewFixtures.view()
        let tokens = ["[CLS]", "the", "key", "to", "the", "cabinets", "[MASK]", "here", "[SEP]"]
        let positions: [[Float]] = (0...3).map { l in
            tokens.indices.map { i in
                i == 2
                    ? 1.2 - 0.4 * Float(l) : i == 5 ? -0.9 + 0.3 * Float(l) : i == 6 ? (l == 3 ? 1 : 0.1 * Float(l)) : 0
            }
        }
        let heads: [[Float]] = (0..<3).map { l in (0..<4).map { h in Float(l * 4 + h) / 10 - 0.5 } }
        var outcome = PatchingOutcome()
        outcome.tokens = tokens
        outcome.target = PatchTarget(readout: .mask(position: 6), a: 1, b: 2, labelA: "is", labelB: "are")
        outcome.result = PatchingResult(
            positions: positions, heads: heads, clean: 1.25, counterfactual: -0.5,
            alignment: PatchAlignment(partner: tokens.indices.map { $0 }, isPositional: true))
        v.patching = PatchingView(outcome: outcome, waiting: "", counterfactual: s.counterfactual)
        expectGolden("patching-160x48", frame(v, s, 160, 48))
        // The default model's six layers × twelve heads: the heads have their own header, H12 whole.
        var wide = outcome
        wide.result?.heads = (0..<6).map { l in (0..<12).map { h in Float((l * 12 + h) % 9) * 7.3 - 30 } }
        v.patching = PatchingView(outcome: wide, waiting: "", counterfactual: s.counterfactual)
        let twelve = frame(v, s, 160, 48)
        #expect(twelve.text.contains(" H12 ") && !twelve.text.contains("…"))
        expectGolden("patching-heads-160x48", twelve)
        // Word-aligned ("key" against "key ##s"): the unpaired row reads –, the header says how many.
        s.counterfactual = "the keys to the cabinets [MASK] here"
        outcome.result?.alignment = PatchAlignment(partner: [0, 1, nil, 4, 5, 6, 7, 8, 9], isPositional: false)
        outcome.result?.positions = positions.map { row in row.indices.map { $0 == 2 ? .nan : row[$0] } }
        v.patching = PatchingView(outcome: outcome, waiting: "", counterfactual: s.counterfactual)
        expectGolden("patching-aligned-120x40", frame(v, s, 120, 40))
        v.patching = PatchingView(outcome: nil, waiting: "type :counterfactual TEXT", counterfactual: "")
        expectGolden("patching-waiting-80x24", frame(v, s, 80, 24))
    }

    @Test func tokenLabelsAndAnswers() {
        var s = ViewFixtures.state(.predictions)
        s.predictions.explainCursor = 3
        var v = ViewFixtures.view()
        var ner = TaskPanel(kind: .tokenClassification)
        ner.pieces = [
            .init(text: "[CLS]", value: 0, special: true), .init(text: "she", value: 0.7, label: "O"),
            .init(text: "moved", value: 0.8, label: "O"), .init(text: "to", value: 0.6, label: "O"),
            .init(text: "paris", value: 0.88, label: "B-LOC"), .init(text: "with", value: 0.9, label: "O"),
            .init(text: "marie", value: 0.81, label: "B-PER"), .init(text: "curie", value: 0.77, label: "I-PER"),
            .init(text: "[SEP]", value: 0, special: true),
        ]
        v.predictions = PredictionsView(content: .task(ner))
        expectGolden("token-labels-120x40", frame(v, s, 120, 40, predictions: true))
        var qa = TaskPanel(kind: .questionAnswering)
        qa.answer = "the mat"
        qa.answerScore = 0.4312
        let words = [
            "[CLS]", "where", "did", "the", "cat", "sit", "?", "[SEP]", "the", "cat", "sat", "on", "the", "mat", ".",
            "[SEP]",
        ]
        qa.pieces = words.enumerated().map { i, w in
            .init(
                text: w, value: i == 12 ? 0.62 : 0.02, end: i == 13 ? 0.7 : 0.01, special: i < 8 || i == 15,
                inAnswer: i == 12 || i == 13)
        }
        s.predictions.explainCursor = 12
        v.predictions = PredictionsView(content: .task(qa))
        expectGolden("answer-120x40", frame(v, s, 120, 40, predictions: true))
    }

    @Test func probingPane() {
        // upos is best at L1, not the top layer: the words' labels are compared with L1's, and it says so.
        let g = frame(ViewFixtures.view(), ViewFixtures.state(.probing), 120, 40)
        #expect(g.text.contains("bright: agrees with L1, the best layer (88.0%)"))
        expectGolden("probing-120x40", g)
        var v = ViewFixtures.view()
        v.probing = ProbingView(content: .noProbes(estimate: "a few minutes per task"))
        expectGolden("probing-none-80x24", frame(v, ViewFixtures.state(.probing), 80, 24))
        // Narrow: the advice wraps to the pane, the command whole on its own line.
        v.probing = ProbingView(
            content: .noProbes(estimate: "about a minute per task from a cold start on 2 cores; UPOS: 58 s"))
        expectGolden("probing-none-44x20", frame(v, ViewFixtures.state(.probing), 44, 20))
    }

    /// A model whose heads retrained its top layers: the attention and
    /// probing titles name the layers they show (the tokens pane's x-ray is
    /// the tokenizer's, the same for every layer set); without probes
    /// on a head's layers, the pane gives the command that trains them.
    @Test func panesNameTheLayersTheyShow() {
        var v = ViewFixtures.view()
        v.layersShown = "task head's layers (5–6 retrained)"
        var s = ViewFixtures.state(.attention)
        s.attention.row = 2; s.attention.column = 5
        let g = frame(v, s, 160, 48)
        #expect(g.text.contains("Tokens (8) ─") && !g.text.contains("x-ray: task"))
        #expect(g.text.contains("head 1/3 · task head's layers (5–6 retrained)"))
        expectGolden("layers-shown-160x48", g)
        v.probing = ProbingView(content: .noProbes(estimate: "a few minutes per task", layers: "task"))
        let p = frame(v, ViewFixtures.state(.probing), 80, 24)
        #expect(p.text.contains("No probes trained on this head's layers yet"))
        #expect(p.text.contains("bertscope probe --task all --layers task"))
        expectGolden("layers-shown-probing-80x24", p)
    }

    /// Ctrl-P filtered by "mask": the best match highlighted, the count, its whole text on the last row.
    @Test func commandPalette() {
        var s = ViewFixtures.state(.tokens)
        var p = PaletteState()
        p.query = LineEditor("mask")
        s.overlay = .palette(p)
        expectGolden("palette-80x24", frame(ViewFixtures.view(), s, 80, 24))
    }

    /// A frame as a figure: the screen exactly as drawn, as SVG (cells as runs of
    /// rectangles and stretched monospace text) and as text; goldens byte for byte.
    @Test func screenFigures() throws {
        let g = frame(ViewFixtures.view(), ViewFixtures.state(.attention), 60, 16)
        let whole = Rect(x: 0, y: 0, width: 60, height: 16)
        let svg = SVGWriter.svg(GridFigure.figure(g, whole, theme: Self.theme))
        let url = FrameGolden.directory.appendingPathComponent("screen-60x16.svg")
        if ProcessInfo.processInfo.environment["BERTSCOPE_UPDATE_FRAMES"] != nil { try Data(svg.utf8).write(to: url) }
        #expect(svg == (try String(contentsOf: url, encoding: .utf8)))
        #expect(svg.contains("textLength=\"459\""), "a 54-cell run spans its 54 cells (8.5 each)")
        // Plain text is the grid's text without trailing blanks; ANSI carries the theme's colours.
        #expect(
            TextExport.plain(g, whole) == g.lines.map {
                $0.replacingOccurrences(of: " +$", with: "", options: .regularExpression)
            }.joined(separator: "\n") + "\n")
        let accent = Self.theme.rgb(Self.theme.color(.accent), background: false)
        #expect(TextExport.ansi(g, whole, theme: Self.theme).contains("38;2;\(accent.r);\(accent.g);\(accent.b)"))
    }

    /// A tour's caption banner above the status bar, the panes fitted above it.
    @Test func tourBanner() throws {
        var s = ViewFixtures.state(.attention)
        let tour = try TourFile.parse(
            """
            title = What attention heads do
            [step]
            > Layer 1, head 3 is a previous-token head: nearly every query row puts its
            > weight on the token just before it (the statistics line: "prev").
            [step]
            > The end.
            """)
        s.tour = TourPlayback(tour: tour)
        expectGolden("tour-80x24", frame(ViewFixtures.view(), s, 80, 24))
        s.tour?.index = 1
        expectGolden("tour-last-160x48", frame(ViewFixtures.view(), s, 160, 48))
    }

    /// A step that asks veils its pane until the learner answers.
    @Test func tourQuestion() throws {
        var s = ViewFixtures.state(.predictions)
        let tour = try TourFile.parse(
            """
            title = Masked language modelling
            [step]
            pane = predictions
            ask = Which word will the model put in place of [MASK]?
            answer = book
            > BERT was trained to fill in masked words: "book" leads.
            """)
        s.tour = TourPlayback(tour: tour)
        s.tour?.guess = "lett"
        expectGolden("tour-question-80x24", frame(ViewFixtures.view(), s, 80, 24))
        s.tour?.guess = "letter"
        s.tour?.revealed = true
        expectGolden("tour-answered-160x48", frame(ViewFixtures.view(), s, 160, 48))
    }

    @Test func overlaysAndTinyTerminals() {
        var s = ViewFixtures.state(.tokens)
        s.overlay = .help(scroll: 0)
        expectGolden("help-80x24", frame(ViewFixtures.view(), s, 80, 24))
        s.overlay = .command(LineEditor("lay"))
        expectGolden("command-80x24", frame(ViewFixtures.view(), s, 80, 24))
        expectGolden("too-small-30x8", frame(ViewFixtures.view(), s, 30, 8))
        var notice = ViewFixtures.view()
        notice.status.notice = Notice(text: "no sample matches \"zebra\"", isError: true)
        notice.status.stale = true
        expectGolden("tabs-notice-60x16", frame(notice, ViewFixtures.state(.attention), 60, 16))
    }

    /// The goldens are what a fresh full repaint of the same view gives:
    /// drawing a frame twice gives the same cells.
    @Test func drawingIsPure() {
        let v = ViewFixtures.view(), s = ViewFixtures.state(.attention)
        #expect(frame(v, s, 120, 40) == frame(v, s, 120, 40))
    }
}

/// Hand-made views: "The bank of the ꙮ river" on a 2-layer, 3-head model.
enum ViewFixtures {
    static let tokens = ["[CLS]", "the", "bank", "of", "the", "[UNK]", "river", "[SEP]"]

    static func state(_ focus: Focus) -> WorkbenchState {
        var s = WorkbenchState(text: "The bank of the ꙮ river")
        s.focus = focus
        return s
    }

    static func map(_ seed: Int, size n: Int = 8) -> AttentionMap {
        var v = [Float](repeating: 0, count: n * n)
        for i in 0..<n {
            var row = (0..<n).map { j in Float(1 + (i * 7 + j * 3 + seed * 5) % 11) * (j == (i + seed) % n ? 6 : 1) }
            let sum = row.reduce(0, +)
            row = row.map { $0 / sum }
            for j in 0..<n { v[i * n + j] = row[j] }
        }
        return AttentionMap(size: n, values: v)
    }

    static func view() -> FrameView {
        let kinds: [TokensView.Kind] = [.special, .wordA, .wordB, .wordA, .wordB, .unknown, .wordA, .special]
        let spans = ["[CLS]", "The", "bank", "of", "the", "ꙮ", "river", "[SEP]"]
        let ids = [101, 1996, 2924, 1997, 1996, 100, 2314, 102]
        let rows = tokens.indices.map { i in
            TokensView.Row(
                piece: tokens[i], spanText: spans[i], id: ids[i], word: (1...6).contains(i) ? i - 1 : nil, typeId: 0,
                kind: kinds[i],
                joinsPrevious: false, unknownReason: i == 5 ? "\"ꙮ\" not in vocab" : nil)
        }
        let xray: [(key: String, value: String)] = [
            ("x-ray", "word 5 in A (id 4), offsets 16..17"), ("original", "ꙮ"), ("lowercase", "ꙮ"),
            ("pre-tokens", "ꙮ"), ("wordpiece", "✗ no piece matches here → whole word [UNK]"),
        ]
        let m = map(0)
        let kindsOfTokens = tokens.map { TokenKind.of($0, special: $0.hasPrefix("[")) }
        let attention = AttentionView(
            map: m, labels: tokens, specialNames: "[CLS]/[SEP]", statistics: HeadStatistics(m, kinds: kindsOfTokens))
        let maps = (0..<6).map { map($0) }
        let overview = OverviewView(
            layers: 2, heads: 3, maps: maps, entropies: maps.map { HeadStatistics($0, kinds: kindsOfTokens).entropy })
        typealias P = PredictionsView
        let masks = [
            P.Mask(
                position: 2, was: "bank",
                guesses: [
                    P.Guess(token: "bank", probability: 0.42, id: 2924),
                    P.Guess(token: "side", probability: 0.21, id: 2217),
                    P.Guess(token: "edge", probability: 0.08, id: 3341),
                ],
                lens: [
                    P.LensLine(layer: 0, finalRank: 812, top: [P.Guess(token: "the", probability: 0.05, id: 1996)]),
                    P.LensLine(layer: 2, finalRank: 1, top: [P.Guess(token: "bank", probability: 0.42, id: 2924)]),
                ])
        ]
        let predictions = P(content: .masks(masks: masks, leftToRight: [], mostConfident: [], lab: nil, error: nil))
        let tasks = [
            ProbingView.Task(
                name: "upos", accuracy: [0.61, 0.88, 0.83], selectivity: [0.10, 0.21, 0.19], bestLayer: 1,
                expectedLayer: 1.4),
            ProbingView.Task(
                name: "ner", accuracy: [0.70, 0.74, 0.79], selectivity: [0.02, 0.05, 0.08], bestLayer: 2,
                expectedLayer: 1.7),
        ]
        let grid = ProbingView.WordGrid(
            words: ["The", "bank", "of", "the", "ꙮ", "river"],
            labels: [
                ["DET", "DET", "DET"], ["NOUN", "NOUN", "NOUN"], ["ADP", "ADP", "ADP"], ["DET", "DET", "DET"],
                ["NOUN", "PROPN", "X"], ["VERB", "NOUN", "NOUN"],
            ])
        let status = StatusView(
            model: "tiny-bert", family: "bert", layers: 2, heads: 3, tokens: 8, milliseconds: 1.5, theme: "dark")
        return FrameView(
            tokens: TokensView(rows: rows, xray: xray), attention: attention, overview: overview,
            predictions: predictions,
            probing: ProbingView(content: .probes(tasks: tasks, selected: 0, grid: grid)), status: status)
    }
}

extension ViewFixtures {
    /// "The bank of the ꙮ river" under RoBERTa's byte-level BPE: the unknown character's three byte pieces differ.
    static func robertaRow(_ name: String) -> TokensView.ArenaRow {
        .init(
            name: name, pieces: ["The", "Ġbank", "Ġof", "Ġthe", "Ġê", "Ļ", "®", "Ġriver"],
            differs: [false, false, false, false, true, true, true, false],
            unknown: [false, false, false, false, false, false, false, false],
            joins: [false, false, false, false, false, true, true, false])
    }

    /// "The movie was absolutely terrible." explained for its predicted class, "negative":
    /// "terrible" pushes hardest toward it (the largest attribution), "movie" a little against.
    static func sentimentPanel() -> TaskPanel {
        var p = TaskPanel(kind: .sequenceClassification)
        p.bars = [.init(label: "negative", score: 0.9731, explained: true), .init(label: "positive", score: 0.0269)]
        p.method = .gradInput
        p.logit = 2.8144
        let tokens: [(String, Float)] = [
            ("[CLS]", 0), ("the", 0.041), ("movie", -0.212), ("was", 0.064), ("absolutely", 0.395),
            ("terrible", 1.733), (".", -0.018), ("[SEP]", 0),
        ]
        p.pieces = tokens.map { .init(text: $0.0, value: $0.1, special: $0.0.hasPrefix("[")) }
        return p
    }
}

extension FrameGoldenTests {
    /// The attention arithmetic of one cell (`x`): the strips, the score with
    /// DeBERTa's position terms, the softmax, the context and the head's share.
    @Test func attentionArithmetic() {
        var s = ViewFixtures.state(.attention)
        s.attention.row = 2; s.attention.column = 3
        s.attention.panel = .arithmetic
        var a = ArithmeticView(layer: 0, head: 1, queryLabel: "cat", keyLabel: "sat")
        let d = 8
        a.query = (0..<d).map { Float($0 - 3) * 0.4 }
        a.key = (0..<d).map { Float(($0 * 5) % 7 - 3) * 0.3 }
        a.products = zip(a.query, a.key).map { $0 * $1 }
        a.context = (0..<d).map { Float($0 % 3) - 1 }
        a.dimension = 2
        a.dot = a.products.reduce(0, +); a.scale = 0.3536; a.scaled = a.dot * 0.3536
        a.c2p = 0.125; a.p2c = -0.5; a.distance = -1; a.bucket = -1
        a.score = a.scaled - 0.375; a.rowMax = 1.2; a.rowSum = 3.4; a.probability = 0.1234; a.model = 0.1234
        a.difference = 3e-8
        a.row = [0.3, 0.1, 0.05, 0.1234, 0.2, 0.2266]; a.labels = ["[CLS]", "the", "cat", "sat", "on", "[SEP]"]
        a.keyIndex = 3
        a.contextNorm = 1.7; a.share = 0.8; a.heads = 3.2
        var v = ViewFixtures.view()
        v.panel = PanelView(.arithmetic, a)
        expectGolden("arithmetic-160x48", frame(v, s, 160, 48))
        expectGolden("arithmetic-80x24", frame(v, s, 80, 24))
        v.panel = PanelView(.arithmetic, ArithmeticView(waiting: "computing the arithmetic of layer 1, head 2…"))
        expectGolden("arithmetic-waiting-80x24", frame(v, s, 80, 24))
        // ModernBERT: q and k rotated by position (what the rotation adds), a local layer's window.
        a.c2p = nil; a.p2c = nil; a.distance = nil; a.bucket = nil
        a.rotary = .init(theta: 10000, unrotatedDot: a.dot + 0.6, distance: -1, window: 64)
        a.score = a.scaled
        v.panel = PanelView(.arithmetic, a)
        let rotary = frame(v, s, 80, 24)
        #expect(rotary.text.contains("rotary θ 10000, window ±64: q̃·k̃ 0.000 + positions -0.600 (i − j = -1)"))
        expectGolden("arithmetic-rotary-80x24", rotary)
        a.masked = true; a.rotary?.distance = -70; a.probability = 0; a.score = -.greatestFiniteMagnitude
        v.panel = PanelView(.arithmetic, a)
        let outside = frame(v, s, 160, 48)
        #expect(outside.text.contains("mask −∞ (outside the ±64 window) = score −∞"), "\(outside.text)")
        expectGolden("arithmetic-outside-window-160x48", outside)
    }
}

extension FrameGoldenTests {
    /// Sentence similarity (`=`): the cosine, the token matrix with each row's greedy match, the matches.
    @Test func sentenceSimilarity() {
        var s = ViewFixtures.state(.attention)
        s.attention.panel = .similarity
        var v = ViewFixtures.view()
        var sim = SimilarityView(cosine: 0.619, precision: 0.62, recall: 0.61, f1: 0.614)
        sim.rows = ["a", "cat", "sat", "on", "the", "mat", "."]
        sim.columns = ["a", "kitten", "rested", "on", "the", "rug", "."]
        sim.matrix = (0..<49).map { (k: Int) -> Float in
            let off = Float((k * 37) % 11) / 30
            return k / 7 == k % 7 ? 0.75 : off
        }
        sim.best = Array(0..<7)
        v.panel = PanelView(.similarity, sim)
        let wide = frame(v, s, 160, 48)
        #expect(wide.text.contains("sentence cosine 0.619 · BERTScore P 0.62 R 0.61 F1 0.61"), "\(wide.text)")
        #expect(wide.text.contains("cat→kitten 0.75"))
        expectGolden("similarity-160x48", wide)
        expectGolden("similarity-80x24", frame(v, s, 80, 24))
        v.panel = PanelView(
            .similarity, SimilarityView(waiting: "type a second sentence on line B: this compares it with line A"))
        expectGolden("similarity-waiting-80x24", frame(v, s, 80, 24))
    }

    /// The layer anatomy (`A`): the embedding's parts and every layer's norms, the layer shown highlighted.
    @Test func layerAnatomy() {
        var s = ViewFixtures.state(.attention)
        s.attention.panel = .anatomy
        s.attention.layer = 1
        var a = AnatomyView(token: "bank", position: 2, layer: 1)
        a.embedding = "word 1.34 + position 0.44 + type 0.48 → ‖sum‖ 1.39 → LayerNorm → ‖h₀‖ 11.73"
        a.rows = [
            .init(
                input: 11.73, attention: 2.7, afterAttention: 12.04, ffn: 4.23, output: 12.58, attentionCosine: 0.912,
                ffnCosine: 0.945, neurons: "#546 1.85 #14 1.20", difference: 2e-7),
            .init(
                input: 12.58, attention: 6.9, afterAttention: 11.77, ffn: 10.79, output: 11.22, attentionCosine: 0.869,
                ffnCosine: 0.777, neurons: "#829 1.83 #94 1.10", difference: 1.4e-6),
        ]
        var v = ViewFixtures.view()
        v.panel = PanelView(.anatomy, a)
        expectGolden("anatomy-160x48", frame(v, s, 160, 48))
        // Six layers at 80×24: every layer's row stays, the embedding line gives way.
        a.rows = Array(repeating: a.rows[0], count: 6)
        v.panel = PanelView(.anatomy, a)
        let small = frame(v, s, 80, 24)
        #expect((1...6).allSatisfy { l in small.lines.contains { $0.contains("│L\(l) ") } }, "\(small.text)")
        expectGolden("anatomy-6-layers-80x24", small)
        v.panel = PanelView(
            .anatomy, AnatomyView(waiting: "running every layer again for every token (about one forward pass)…"))
        expectGolden("anatomy-waiting-80x24", frame(v, s, 80, 24))
        // ModernBERT's pre-LN order: the title says where the norms sit, the embedding has no positions.
        a.preLayerNorm = true
        a.embedding =
            "word 1.84 → LayerNorm (mean -0.037, variance 0.10) → ‖h₀‖ 5.70  (positions: rotations of q and k)"
        a.layerNorms = "L2 LayerNorms · x: mean 0.012, variance 4.21 → … · h: mean -0.020, variance 5.10 → …"
        v.panel = PanelView(.anatomy, a)
        let pre = frame(v, s, 160, 48)
        #expect(pre.text.contains("pre-LN layers: h = x + attn(LN(x)), y = h + FFN(LN(h))"), "\(pre.text)")
        expectGolden("anatomy-pre-ln-160x48", pre)
    }
}
