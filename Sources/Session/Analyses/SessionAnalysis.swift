import Dispatch

/// An analysis the session runs after the encoding, by name: progress and
/// waiting lines say which one is running, and requests and outcomes of
/// analyses added later are filed under it.
public struct AnalysisKind: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    public init(_ name: String) { self.name = name }
    public var description: String { name }

    public static let mixing = AnalysisKind("mixing"), task = AnalysisKind("task")
    public static let taskExplanation = AnalysisKind("taskExplanation")
    public static let windowLabels = AnalysisKind("windowLabels")
    public static let nextSentence = AnalysisKind("nextSentence")
    public static let sentenceSimilarity = AnalysisKind("sentenceSimilarity")
    public static let importance = AnalysisKind("importance")
    public static let windowExplanations = AnalysisKind("windowExplanations")
    public static let maskElsewhere = AnalysisKind("maskElsewhere"), patching = AnalysisKind("patching")
    public static let comparison = AnalysisKind("comparison"), flow = AnalysisKind("flow")
}

/// What the view on screen asks an analysis for (its settings: a layer, a
/// head): part of the input, so a change runs the analysis again and the
/// result is cached with it.
public struct AnalysisRequest: Hashable, @unchecked Sendable {
    // Sendable: only Hashable & Sendable values go in (the initializer).
    private let value: AnyHashable
    public init<T: Hashable & Sendable>(_ value: T) { self.value = AnyHashable(value) }
    public func value<T>(as _: T.Type) -> T? { value.base as? T }
}

extension EncodeResult {
    /// Whether the input asks `kind` (an analysis filed in `requests`) and its outcome is not in yet.
    func awaits(_ kind: AnalysisKind) -> Bool { input.requests[kind] != nil && outcomes[kind] == nil }
}

/// What an analysis added as a record leaves in the result (`EncodeResult.outcomes`).
public protocol AnalysisOutcome: Sendable {
    /// Counted against the result cache's byte budget.
    var approximateBytes: Int { get }
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
    /// Keeps running while a newer input asks it the same on the same encoding
    /// (a cursor moved): for analyses that keep what they finish in the session.
    var outlivesOtherRequests = false

    /// In the order they run: the view on screen first (context mixing), then
    /// the task head's answer before its slower companions.
    static let all: [SessionAnalysis] = [
        .mixing, .attentionBand, .attentionPool, .headEntropies, .arithmetic, .anatomy, .ffnLens, .corpusSearch,
        .corpusProjection, .corpusDataset,
        .task, .nextSentence,
        .sentenceSimilarity,
        .taskExplanation, .windowLabels,
        .importance,
        .windowExplanations, .maskElsewhere,
        .patching,
        .comparison, .flow,
    ]
}

/// What a running analysis may ask: whether it was overtaken, and where its passes go.
struct AnalysisContext: Sendable {
    let isCancelled: @Sendable () -> Bool
    let progress: @Sendable (Int, Int) -> Void
}
