import Analysis

extension PredictionsPane {
    static let bindings: [Binding] = [
        .state([.up, .char("k")], .predictions, "previous mask") { s, e in
            s.predictions.selectedMask = clamped(s.predictions.selectedMask - 1, e.masks)
        }.unless(noMasks).hint("mask"),
        .state([.down, .char("j")], .predictions, "next mask") { s, e in
            s.predictions.selectedMask = clamped(s.predictions.selectedMask + 1, e.masks)
        }.unless(noMasks).hint("mask"),
        .state([.char("r")], .predictions, "iterative fill: left to right / most confident first") { s, _ in
            s.predictions.mostConfidentFirst.toggle()
        },
        .state(
            [.char("T")], .predictions,
            "experiment: the softmax temperature of the guesses, in turn: 1 → 2 → 0.5 (display only; :temperature T sets any)"
        ) { s, _ in
            let steps: [Float] = [1, 2, 0.5]
            s.predictions.temperature =
                steps[((steps.firstIndex(of: s.predictions.temperature) ?? -1) + 1) % steps.count]
        }.unless(noMasks).hint("temperature"),
        Binding([.char("b")], .predictions, "masking lab: BERT's 15% / 80-10-10 corruption with a new seed") { s, _ in
            s.labSeed = (s.labSeed ?? 0) &+ 1
            return .inputChanged
        }.hint("masking lab"),
        Binding([.char("x")], .predictions, "leave the masking lab") { s, _ in
            s.labSeed = nil
            return .inputChanged
        }.unless { s, _ in s.labSeed == nil ? "no masking lab is running (b starts one)" : nil }.hint("leave lab"),
        Binding(
            [.char("e")], .predictions,
            "task head: explain with the next attribution method, in turn: "
                + explainOrder.map(\.rawValue).joined(separator: " → ")
        ) { s, _ in
            let i = explainOrder.firstIndex(of: s.predictions.explainMethod) ?? 0
            s.predictions.explainMethod = explainOrder[(i + 1) % explainOrder.count]
            return .inputChanged
        }.unless(noExplanation).hint("method"),
        Binding([.char("c")], .predictions, "task head: explain the next class (wraps to the predicted one)") {
            s, e in
            guard e.labels > 1 else { return .none }
            let next = ((s.predictions.explainTarget ?? e.predicted) + 1) % e.labels
            s.predictions.explainTarget = next == e.predicted ? nil : next
            return .inputChanged
        }.unless { _, e in
            e.labels > 1 ? nil : "no classes to explain: c needs a sequence classifier's answer on screen"
        }.hint("class"),
        .state([.left, .char("h")], .predictions, "task head: previous token") { s, e in
            s.predictions.explainCursor = clamped(s.predictions.explainCursor - 1, e.taskTokens)
        }.unless(noExplanation).hint("token"),
        .state([.right, .char("l")], .predictions, "task head: next token") { s, e in
            s.predictions.explainCursor = clamped(s.predictions.explainCursor + 1, e.taskTokens)
        }.unless(noExplanation).hint("token"),
        .state([.home], .predictions, "task head: first token") { s, _ in s.predictions.explainCursor = 0 },
        .state([.end], .predictions, "task head: last token") { s, e in
            s.predictions.explainCursor = max(0, e.taskTokens - 1)
        },
    ]
}

extension PredictionsPane {
    /// The order `e` steps through the attribution methods, from the one
    /// shown first; its help lists this same array.
    static let explainOrder: [AttributionMethod] = {
        let all = AttributionMethod.allCases, first = all.firstIndex(of: PredictionsState().explainMethod) ?? 0
        return Array(all[first...] + all[..<first])
    }()

    @Sendable static func noMasks(_ s: WorkbenchState, _ e: Extent) -> String? {
        e.masks > 0 ? nil : "no masks: m on a token in the tokens pane masks it"
    }

    @Sendable static func noExplanation(_ s: WorkbenchState, _ e: Extent) -> String? {
        e.taskTokens > 0 ? nil : "no task head's answer on screen (masks give the masked LM its turn)"
    }
}
