import Dispatch

/// The analyses the session runs after the encoding, by name: progress and
/// waiting lines say which one is running.
public enum AnalysisKind: String, Sendable, CaseIterable {
    case mixing, task, importance, windowExplanations, maskElsewhere, patching, comparison, flow
}

/// A long analysis's passes: which analysis, how many done of how many.
public struct AnalysisProgress: Sendable, Equatable {
    public var analysis: AnalysisKind
    public var done: Int, total: Int
    public init(_ analysis: AnalysisKind, done: Int, total: Int) {
        self.analysis = analysis; self.done = done; self.total = total
    }
}

/// One analysis as a record the session runs in the background, after the
/// encoding is published: when it is wanted (from the input and what is
/// computed so far), how it runs (cancellable, with a pass count) and where
/// its result goes (a field of `EncodeResult`). Adding an analysis is one
/// such record in its own file and its name in `SessionAnalysis.all`.
struct SessionAnalysis: Sendable {
    let kind: AnalysisKind
    /// Whether `result` (its input, and the analyses before this one) asks for it.
    let wanted: @Sendable (ModelSession, EncodeResult) -> Bool
    /// Runs into `result`; false when a newer input cancelled it (the partial result is dropped).
    let run: @Sendable (ModelSession, inout EncodeResult, AnalysisContext) -> Bool

    /// In the order they run: the view on screen first (context mixing), then
    /// the task head's answer before its slower companions.
    static let all: [SessionAnalysis] = [
        .mixing, .task, .importance, .windowExplanations, .maskElsewhere, .patching, .comparison, .flow,
    ]
}

/// What a running analysis may ask: whether it was overtaken, and where its passes go.
struct AnalysisContext: Sendable {
    let isCancelled: @Sendable () -> Bool
    let progress: @Sendable (Int, Int) -> Void
}
