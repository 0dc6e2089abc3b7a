extension PredictionsPane {
    static let bindings: [Binding] = [
        .state([.up, .char("k")], .predictions, "previous mask") { s, e in
            s.predictions.selectedMask = clamped(s.predictions.selectedMask - 1, e.masks)
        },
        .state([.down, .char("j")], .predictions, "next mask") { s, e in
            s.predictions.selectedMask = clamped(s.predictions.selectedMask + 1, e.masks)
        },
        .state([.char("r")], .predictions, "iterative fill: left to right / most confident first") { s, _ in
            s.predictions.mostConfidentFirst.toggle()
        },
        Binding([.char("b")], .predictions, "masking lab: BERT's 15% / 80-10-10 corruption with a new seed") { s, _ in
            s.labSeed = (s.labSeed ?? 0) &+ 1
            return .inputChanged
        },
        Binding([.char("x")], .predictions, "leave the masking lab") { s, _ in
            s.labSeed = nil
            return .inputChanged
        },
    ]
}

extension ProbingPane {
    static let bindings: [Binding] = [
        .state([.left, .char("h")], .probing, "previous probing task") { s, e in
            s.probing.task = clamped(s.probing.task - 1, e.probes)
        },
        .state([.right, .char("l")], .probing, "next probing task") { s, e in
            s.probing.task = clamped(s.probing.task + 1, e.probes)
        },
        .state([.char("r")], .probing, "representation view: cosine to the previous layer and norm") { s, _ in
            s.probing.representation.toggle()
        },
    ]
}
