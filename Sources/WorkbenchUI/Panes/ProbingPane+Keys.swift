extension ProbingPane {
    @Sendable static func noProbes(_ s: WorkbenchState, _ e: Extent) -> String? {
        e.probes > 0 ? nil : "no probing tasks trained yet (`bertscope probe --task upos` trains one)"
    }

    static let bindings: [Binding] =
        [
            .state([.left, .char("h")], .probing, "previous probing task") { s, e in
                s.probing.task = clamped(s.probing.task - 1, e.probes)
            }.unless(noTasksShown).hint("task"),
            .state([.right, .char("l")], .probing, "next probing task") { s, e in
                s.probing.task = clamped(s.probing.task + 1, e.probes)
            }.unless(noTasksShown).hint("task"),
            .state([.char("r")], .probing, "representation view: cosine to the previous layer and norm") { s, _ in
                s.probing.representation.toggle()
                s.probing.corpus = false
            }.hint("representation"),
            .state([.char("c")], .probing, "corpus view: the selected token's nearest tokens in the --corpus index") {
                s, _ in
                s.probing.corpus.toggle()
                s.probing.representation = false
            }.hint("corpus"),
        ] + corpusBindings + projectorBindings + datasetBindings

    static let corpusBindings: [Binding] = [
        .state([.char("[")], .corpus, "the previous layer the index stores") { s, e in
            stepLayer(&s, e, -1)
        }.unless(noIndex).hint("layer"),
        .state([.char("]")], .corpus, "the next layer the index stores") { s, e in
            stepLayer(&s, e, 1)
        }.unless(noIndex).hint("layer"),
        .state([.char("a")], .corpus, "match by an attention head's output (exBERT) or by the hidden state") { s, e in
            s.probing.corpusHead = s.probing.corpusHead == nil ? max(0, min(e.heads - 1, s.attention.head)) : nil
        }.unless(noHeadOutputs).hint("by head"),
        .state([.char(",")], .corpus, "matching by a head: the previous head (the attention pane follows)") { s, e in
            stepHead(&s, e, -1)
        }.unless(notByHead),
        .state([.char(".")], .corpus, "matching by a head: the next head (the attention pane follows)") { s, e in
            stepHead(&s, e, 1)
        }.unless(notByHead).hint("head"),
        .state([.up, .char("k")], .corpus, "previous match") { s, e in
            s.probing.corpusMatch = clamped(s.probing.corpusMatch - 1, e.corpusMatches)
        }.unless(noCorpusMatches),
        .state([.down, .char("j")], .corpus, "next match") { s, e in
            s.probing.corpusMatch = clamped(s.probing.corpusMatch + 1, e.corpusMatches)
        }.unless(noCorpusMatches).hint("match"),
        .effect([.enter], .corpus, "open the match's sentence as the typed text", .openCorpusMatch)
            .unless(noCorpusMatches).hint("open"),
        .state([.char("p")], .corpus, "projector: every corpus token of the layer on two principal axes") { s, _ in
            s.probing.corpusProjection.toggle()
            s.probing.dataset = false
        }.unless(noIndex).hint("projector"),
        .state([.char("d")], .corpus, "dataset table: the stored classifier over the corpus's labels") { s, _ in
            s.probing.dataset.toggle()
            s.probing.corpusProjection = false
        }.unless(noIndex).hint("dataset"),
    ]

    static let datasetBindings: [Binding] = [
        .state([.char("s")], .dataset, "sort by loss → least confident → longest → corpus order") { s, _ in
            let all = DatasetSort.allCases
            s.probing.datasetSort = all[((all.firstIndex(of: s.probing.datasetSort) ?? 0) + 1) % all.count]
            s.probing.datasetRow = 0
        }.hint("sort"),
        .state([.char("f")], .dataset, "filter: every row → misclassified → each gold class") { s, e in
            s.probing.datasetFilter = (s.probing.datasetFilter + 1) % max(2, 2 + e.datasetClasses)
            s.probing.datasetRow = 0
        }.hint("filter"),
        .state([.up, .char("k")], .dataset, "previous row") { s, e in
            s.probing.datasetRow = clamped(s.probing.datasetRow - 1, e.datasetRows)
        }.unless(noDatasetRows),
        .state([.down, .char("j")], .dataset, "next row") { s, e in
            s.probing.datasetRow = clamped(s.probing.datasetRow + 1, e.datasetRows)
        }.unless(noDatasetRows).hint("row"),
        .state([.pageDown], .dataset, "a page of rows down") { s, e in
            s.probing.datasetRow = clamped(s.probing.datasetRow + 10, e.datasetRows)
        }.unless(noDatasetRows),
        .state([.pageUp], .dataset, "a page of rows up") { s, e in
            s.probing.datasetRow = clamped(s.probing.datasetRow - 10, e.datasetRows)
        }.unless(noDatasetRows),
        .effect(
            [.enter], .dataset, "open the row's sentence (the classifier's answer and explanation follow)",
            .openCorpusMatch
        )
        .unless(noDatasetRows).hint("open"),
    ]

    @Sendable static func noDatasetRows(_ s: WorkbenchState, _ e: Extent) -> String? {
        e.datasetRows > 0 ? nil : "no rows: the filter keeps none, or the index has no classifier answers"
    }

    /// The projector's cursor moves a fortieth of the plot a key.
    static let plotStep = 1.0 / 40

    static let projectorBindings: [Binding] = [
        cursor([.left, .char("h")], "cursor left", dx: -1), cursor([.right, .char("l")], "cursor right", dx: 1),
        cursor([.up, .char("k")], "cursor up", dy: -1), cursor([.down, .char("j")], "cursor down", dy: 1),
        .effect(
            [.enter], .projector, "open the sentence of the token (or sentence) nearest the cursor", .openCorpusMatch
        )
        .unless(noCorpusMatches).hint("open"),
        .state([.char("s")], .projector, "points: every token ⇄ every sentence (the mean of its tokens)") { s, _ in
            s.probing.projectorSentences.toggle()
        }.hint("sentences"),
        .state([.char("o")], .projector, "colour by the next: tags, gold label, the classifier's answer, right/wrong") {
            s, e in
            let all = e.corpusColourings
            let now = all.firstIndex { $0 == (e.corpusColouring ?? "") } ?? -1
            s.probing.projectorColour = all.isEmpty ? nil : all[(now + 1) % all.count]
        }.unless(oneColouring).hint("colour"),
    ]

    @Sendable static func oneColouring(_ s: WorkbenchState, _ e: Extent) -> String? {
        e.corpusColourings.count > 1
            ? nil
            : e.corpusColourings.isEmpty
                ? "nothing to colour by: index CoNLL-U, or use --silver, labels or --classify"
                : "\(e.corpusColourings[0]) is all this index can colour by"
    }

    static func cursor(_ keys: [Key], _ help: String, dx: Double = 0, dy: Double = 0) -> Binding {
        .state(keys, .projector, help) { s, _ in
            s.probing.plotX = min(1, max(0, s.probing.plotX + dx * plotStep))
            s.probing.plotY = min(1, max(0, s.probing.plotY + dy * plotStep))
        }.hint("move")
    }

    /// The task keys act on the probes' table, which the corpus view covers.
    @Sendable static func noTasksShown(_ s: WorkbenchState, _ e: Extent) -> String? {
        s.probing.corpus ? "the corpus view is open (c closes it)" : noProbes(s, e)
    }

    @Sendable static func noIndex(_ s: WorkbenchState, _ e: Extent) -> String? {
        e.corpusLayers.isEmpty ? "no corpus index: start with bertscope --corpus DIR" : nil
    }

    @Sendable static func noHeadOutputs(_ s: WorkbenchState, _ e: Extent) -> String? {
        noIndex(s, e)
            ?? (e.corpusHeadLayers.isEmpty
                ? "this index stores no head outputs: build it with corpus index --contexts" : nil)
    }

    @Sendable static func notByHead(_ s: WorkbenchState, _ e: Extent) -> String? {
        noHeadOutputs(s, e) ?? (s.probing.corpusHead == nil ? "a matches by a head first" : nil)
    }

    static func stepLayer(_ s: inout WorkbenchState, _ e: Extent, _ delta: Int) {
        let steps = s.probing.corpusSteps(layers: e.corpusLayers, headLayers: e.corpusHeadLayers)
        s.probing.corpusLayer = stepped(s.probing.corpusLevel(in: steps), delta, steps)
    }

    /// The head matched by moves (wrapping), and the attention pane shows it with its layer.
    static func stepHead(_ s: inout WorkbenchState, _ e: Extent, _ delta: Int) {
        let h = max(1, e.heads)
        s.probing.corpusHead = (((s.probing.corpusHead ?? 0) + delta) % h + h) % h
        s.attention.head = s.probing.corpusHead ?? 0
        let steps = s.probing.corpusSteps(layers: e.corpusLayers, headLayers: e.corpusHeadLayers)
        if let level = s.probing.corpusLevel(in: steps), level >= 1 { s.attention.layer = min(e.layers, level) - 1 }
    }

    @Sendable static func noCorpusMatches(_ s: WorkbenchState, _ e: Extent) -> String? {
        noIndex(s, e) ?? (e.corpusMatches > 0 ? nil : "nothing on screen to open")
    }

    /// The stored layer `delta` steps from `level` (wrapping), or nil without layers.
    static func stepped(_ level: Int?, _ delta: Int, _ stored: [Int]) -> Int? {
        guard let level, let i = stored.firstIndex(of: level) else { return stored.last }
        return stored[((i + delta) % stored.count + stored.count) % stored.count]
    }
}
