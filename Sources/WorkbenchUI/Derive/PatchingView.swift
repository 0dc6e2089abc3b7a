import Session

/// What the patching grid shows: the session's outcome, or why there is none yet.
public struct PatchingView: Equatable, Sendable {
    public var outcome: PatchingOutcome?
    public var waiting: String
    public var counterfactual: String
    public init(outcome: PatchingOutcome?, waiting: String, counterfactual: String) {
        self.outcome = outcome; self.waiting = waiting; self.counterfactual = counterfactual
    }
}

extension PatchingOutcome: Equatable {
    public static func == (a: PatchingOutcome, b: PatchingOutcome) -> Bool {
        a.result == b.result && a.target == b.target && a.tokens == b.tokens && a.error == b.error
    }
}
