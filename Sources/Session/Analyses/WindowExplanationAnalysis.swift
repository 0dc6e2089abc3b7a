import Analysis
import Encoder
import Tokenizers

extension SessionAnalysis {
    /// A long text's other windows explained for the shown window's class.
    static let windowExplanations = SessionAnalysis(
        kind: .windowExplanations,
        wanted: { _, r in r.task?.explainingWindows == true },
        run: { s, r, ctx in
            guard let model = s.taskModel, let w = r.windows, let target = r.task?.target,
                let other = s.explainWindows(
                    model, r.input, w, r.windowEncodings, target: target, isCancelled: ctx.isCancelled,
                    progress: ctx.progress)
            else { return false }
            r.task?.explainingWindows = false
            r.task?.windowExplanations = other
            return true
        })
}

extension ModelSession {
    /// Whether the other windows of `r`'s long text are explained too (the task record marks it).
    func explainsOtherWindows(_ r: EncodeResult) -> Bool {
        !shownWindowOnly && r.windows != nil && r.task?.attribution != nil && r.task?.target != nil
            && taskModel != nil
    }

    /// A long text's other windows explained for the shown window's class
    /// with its method: each window's strongest token and, where windows
    /// overlap, the shared tokens' attributions there. nil when cancelled.
    func explainWindows(
        _ model: TaskModel, _ input: SessionInput, _ windows: DocumentWindows, _ encodings: [Encoding],
        target: Int, isCancelled: @escaping @Sendable () -> Bool, progress: (Int, Int) -> Void
    ) -> [WindowExplanation]? {
        guard encodings.count == windows.ranges.count, encodings.indices.contains(windows.index) else { return [] }
        let k = windows.index
        var explainer = Explainer(encoder: model.encoder, tokenizer: model.tokenizer)
        explainer.ablation = ablation(input, on: model.encoder)
        explainer.isCancelled = isCancelled
        var out: [WindowExplanation] = []
        let others = encodings.indices.filter { $0 != k }
        for (done, j) in others.enumerated() {
            progress(done, others.count)
            if isCancelled() { return nil }
            let e = encodings[j]
            let a: Attribution
            do {
                a = try windowAttribution(WindowAttributionKey(input, window: j, target: target)) {
                    try explainer.explainClass(target, of: e, input)
                }
            } catch is CancellationError {
                return nil
            } catch {
                continue
            }
            guard let top = a.strongest(in: e) else { continue }
            var shared: [Int: Float] = [:]
            for p in e.tokens.indices where !e.isSpecial(p) && p < a.scores.count {
                if let q = Self.position(p, ofWindow: j, inWindow: k, ranges: windows.ranges, encodings: encodings) {
                    shared[q] = a.scores[p]
                }
            }
            out.append(
                WindowExplanation(
                    window: j, logit: a.logit, strongest: e.tokens[top], strongestValue: a.scores[top], shared: shared))
        }
        progress(others.count, others.count)
        return out
    }

    /// A long text's window explained: kept from an earlier input (as the
    /// shown window or another), or computed now and kept.
    func windowAttribution(_ key: WindowAttributionKey, _ compute: () throws -> Attribution) rethrows -> Attribution {
        if let known = meansLock.withLock({ windowAttributions.get(key) }) { return known }
        let a = try compute()
        meansLock.withLock {
            windowAttributions.put(key, a)
            windowsExplained += 1
        }
        return a
    }
}

/// What a window's explanation depends on: the text (by its bytes, as inputs
/// are compared), the pair, the ablation, the method, the class, the window.
struct WindowAttributionKey: Hashable {
    let text: [UInt8], pair: [UInt8]?
    let ablated: HeadAblation, meanAblation: Bool
    let method: AttributionMethod
    let target: Int, window: Int

    init(_ input: SessionInput, window: Int, target: Int) {
        text = Array(input.text.utf8)
        pair = input.pair.map { Array($0.utf8) }
        ablated = input.ablated
        meanAblation = input.meanAblation
        method = input.explainMethod
        self.target = target
        self.window = window
    }
}
