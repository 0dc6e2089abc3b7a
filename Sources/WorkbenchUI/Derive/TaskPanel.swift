import Analysis
import Checkpoint
import Session
import Tokenizers

/// What the predictions pane shows for a model with a task head: the
/// labels as bars and the sentence coloured by attribution (sequence
/// classification), labelled tokens (token classification), or the answer
/// span with start/end probabilities (question answering).
public struct TaskPanel: Equatable, Sendable {
    public struct Bar: Equatable, Sendable {
        public var label: String, score: Float, intact: Float?, explained: Bool
        public init(label: String, score: Float, intact: Float? = nil, explained: Bool = false) {
            self.label = label; self.score = score; self.intact = intact; self.explained = explained
        }
    }

    /// One token: its text, the number shown for it (attribution, label
    /// probability, or P(start)), and what else the kind gives it.
    public struct Piece: Equatable, Sendable {
        public var text: String, value: Float
        public var label: String?
        public var end: Float?
        public var special: Bool
        public var inAnswer: Bool
        /// A long text: this token's attribution in the other windows that hold it (window, value).
        public var elsewhere: [WindowValue]
        public init(
            text: String, value: Float, label: String? = nil, end: Float? = nil, special: Bool = false,
            inAnswer: Bool = false, elsewhere: [WindowValue] = []
        ) {
            self.text = text; self.value = value; self.label = label; self.end = end; self.special = special
            self.inAnswer = inAnswer; self.elsewhere = elsewhere
        }
    }

    public struct WindowValue: Equatable, Sendable {
        public var window: Int, value: Float
        public init(window: Int, value: Float) { self.window = window; self.value = value }
    }

    public var kind: TaskKind
    public var bars: [Bar] = []
    /// Regression heads show the raw value, not a probability.
    public var regression = false
    public var method: AttributionMethod?
    public var logit: Float?
    public var gap: Float?
    public var note: String?
    /// "neither": the top label is under the probability the head keeps on neutral text.
    public var neither: String?
    public var pieces: [Piece] = []
    public var answer: String?
    public var answerScore: Float?
    public var error: String?
    /// A long text: every window's predicted label, the one shown in brackets.
    public var windows: Segments?
    /// A long text: each window's strongest token for the explained class, or how far that work is.
    public var strongest: Segments?

    /// A heading and items drawn whole, wrapped onto further lines ("by window: 1 … · 2 …").
    public struct Segments: Equatable, Sendable {
        public var head: String, items: [String]
        public init(_ head: String, _ items: [String] = []) { self.head = head; self.items = items }
    }
    /// Set while the session is still computing the head's answer.
    public var waiting: String?

    public init(kind: TaskKind) { self.kind = kind }

    /// From a session result: the session already ran the head and the attribution.
    static func make(
        _ t: TaskResult, _ e: Encoding, problem: ProblemType, shownWindow: Int? = nil,
        progress: (done: Int, total: Int)? = nil, method: String? = nil
    ) -> TaskPanel {
        var p = TaskPanel(kind: t.kind)
        p.error = t.error
        if t.labellingWindows {
            p.windows = Segments("by window: labelling the other windows…")
        } else if !t.windowLabels.isEmpty {
            p.windows = Segments(
                "by window:",
                t.windowLabels.map { w in
                    let text = "\(w.window + 1) \(w.label) \(String(format: "%.0f%%", w.score * 100))"
                    return w.window == shownWindow ? "[\(text)]" : text
                })
        }
        let enc = t.encoding ?? e
        switch t.kind {
        case .sequenceClassification:
            p.regression = problem == .regression
            p.bars = t.labels.map { l in
                Bar(
                    label: l.label, score: l.score, intact: t.intact?.first { $0.id == l.id }?.score,
                    explained: l.id == t.target)
            }
            p.neither = TaskSummary.neither(calmBelow: t.calmBelow, scores: t.labels.map(\.score))
            p.method = t.attribution?.method
            p.logit = t.attribution?.logit
            p.gap = t.attribution?.completenessGap
            p.note = t.attribution?.degenerate
            let scores = t.attribution?.scores ?? []
            p.pieces = enc.tokens.indices.map { i in
                Piece(
                    text: enc.tokens[i], value: scores[safe: i] ?? 0, special: enc.isSpecial(i),
                    elsewhere: t.windowExplanations.compactMap { w in
                        w.shared[i].map { WindowValue(window: w.window, value: $0) }
                    })
            }
            p.strongest = strongestLine(t, enc, shownWindow: shownWindow, progress: progress)
            if t.explaining, let m = method {
                // The labels are in; the attribution follows (seconds for a long text's window).
                p.strongest = Segments("explaining \"\(t.labels[safe: t.target ?? -1]?.label ?? "")\" (\(m))…")
            }
        case .tokenClassification:
            let byPosition = Dictionary(t.tokens.map { ($0.position, $0) }, uniquingKeysWith: { a, _ in a })
            p.pieces = enc.tokens.indices.map { i in
                let l = byPosition[i]
                return Piece(
                    text: enc.tokens[i], value: l?.probability ?? 0, label: l?.label, special: enc.isSpecial(i))
            }
        case .questionAnswering:
            p.answer = t.answer?.text
            p.answerScore = t.answer?.score
            let a = t.answer
            p.pieces = enc.tokens.indices.map { i in
                Piece(
                    text: enc.tokens[i], value: a?.startProbabilities[safe: i] ?? 0, end: a?.endProbabilities[safe: i],
                    special: enc.isSpecial(i) || enc.sequenceIds[i] != 1,
                    inAnswer: a.map { i >= $0.startToken && i <= $0.endToken } ?? false)
            }
        }
        return p
    }

    /// strongest by window: [1 "terrible" +4.04] · 2 "awful" +3.10, or the work still running.
    static func strongestLine(
        _ t: TaskResult, _ e: Encoding, shownWindow: Int?, progress: (done: Int, total: Int)?
    ) -> Segments? {
        if let shownWindow, t.otherWindowsNotRun {
            return Segments("window \(shownWindow + 1) only: a figure does not run the other windows")
        }
        guard let shownWindow, let a = t.attribution, t.windowLabels.count > 1 else { return nil }
        if t.explainingWindows {
            return Segments(
                "explaining the other windows: "
                    + (progress.map { "\($0.done) of \($0.total)…" } ?? "\(t.windowLabels.count - 1) windows…"))
        }
        var entries = t.windowExplanations.map { ($0.window, $0.strongest, $0.strongestValue) }
        if let top = a.strongest(in: e) { entries.append((shownWindow, e.tokens[top], a.scores[top])) }
        entries.sort { $0.0 < $1.0 }
        return Segments(
            "strongest by window:",
            entries.map { w in
                let text = "\(w.0 + 1) \"\(w.1)\" " + String(format: "%+.2f", w.2)
                return w.0 == shownWindow ? "[\(text)]" : text
            })
    }
}
