import Analysis
import Encoder
import Tokenizers

extension SessionAnalysis {
    /// The task head's answer and the explanation of its class (models with a task head, nothing masked).
    static let task = SessionAnalysis(
        kind: .task,
        wanted: { s, r in r.task == nil && s.taskWanted(r) && s.taskModel != nil },
        run: { s, r, ctx in
            guard let model = s.taskModel,
                let answer = s.analyzeTask(
                    model, r.input, r.encoding, windows: s.shownWindowOnly ? [] : r.windowEncodings,
                    isCancelled: ctx.isCancelled)
            else { return false }
            r.task = answer
            r.task?.otherWindowsNotRun = s.shownWindowOnly && r.windows != nil
            return true
        })

    /// A long text's label in every window (the head on each), so the
    /// document's other parts are not hidden; after the shown window's answer
    /// and explanation, one pass a window.
    static let windowLabels = SessionAnalysis(
        kind: .windowLabels,
        wanted: { _, r in r.task?.labellingWindows == true },
        run: { s, r, ctx in
            guard let model = s.taskModel, let task = r.task else { return false }
            let windows = r.windowEncodings
            var labels: [(window: Int, label: String, score: Float)] = []
            var head = model
            head.ablation = s.ablation(r.input, on: model.encoder)
            for (k, we) in windows.enumerated() {
                if ctx.isCancelled() { return false }
                ctx.progress(k, windows.count)
                // The shown window's scores are the answer already on screen.
                let scores = k == r.windows?.index ? task.labels : ((try? head.classify(we)) ?? [])
                guard let best = scores.max(by: { $0.score < $1.score }) else { continue }
                labels.append((k, best.label, best.score))
            }
            r.task?.windowLabels = labels
            r.task?.labellingWindows = false
            return true
        })

    /// The explanation of the task head's class, published after its labels
    /// (a long text's window explained by integrated gradients takes seconds).
    static let taskExplanation = SessionAnalysis(
        kind: .taskExplanation,
        wanted: { _, r in r.task?.explaining == true },
        run: { s, r, ctx in
            guard let model = s.taskModel, let target = r.task?.target else { return false }
            let key = r.windows.map { WindowAttributionKey(r.input, window: $0.index, target: target) }
            do {
                guard
                    let a = try s.explainTask(
                        model, r.input, r.encoding, target: target, key: key, isCancelled: ctx.isCancelled)
                else { return false }
                r.task?.attribution = a
            } catch {
                r.task?.error = "\(error)"
            }
            r.task?.explaining = false
            // The shown window's explanation is published first; the other windows' follow.
            let more = s.explainsOtherWindows(r)
            r.task?.explainingWindows = more
            return true
        })
}

extension ModelSession {
    /// The explanation of class `target` on `e` with the input's method; nil
    /// when cancelled. A long text's window (`key`) may have been explained
    /// already, as another window of an earlier input.
    func explainTask(
        _ model: TaskModel, _ input: SessionInput, _ e: Encoding, target: Int, key: WindowAttributionKey?,
        isCancelled: @escaping @Sendable () -> Bool
    ) throws -> Attribution? {
        var explainer = Explainer(encoder: model.encoder, tokenizer: model.tokenizer)
        explainer.ablation = ablation(input, on: model.encoder)
        explainer.isCancelled = isCancelled
        let explain = { try explainer.explainClass(target, of: e, input) }
        do {
            return try key.map { try windowAttribution($0, explain) } ?? explain()
        } catch is CancellationError {
            return nil
        }
    }

    /// The task head's answer for the input; for sequence classifiers the
    /// class to explain (the asked-for one, else the predicted one), which
    /// the `taskExplanation` record explains after the labels are shown.
    /// nil when `isCancelled` says a newer input is waiting.
    func analyzeTask(
        _ model: TaskModel, _ input: SessionInput, _ e: Encoding, windows: [Encoding] = [],
        isCancelled: @escaping @Sendable () -> Bool
    ) -> TaskResult? {
        var task = model
        task.ablation = ablation(input, on: task.encoder)
        var out = TaskResult(kind: task.task.kind)
        out.problemType = task.task.problemType
        out.calmBelow = task.task.calmBelow
        do {
            switch task.task.kind {
            case .sequenceClassification:
                out.labels = try task.classify(e)
                if !input.ablated.isEmpty {
                    var intact = task
                    intact.ablation = HeadSet()
                    out.intact = try intact.classify(e)
                }
                // A long text: the other windows are labelled by their own record, after this answer.
                out.labellingWindows = windows.count > 1
                let labels = out.labels
                out.target = LoadedModel.explainedClass(asked: input.explainTarget, labels: labels.count) { labels }
                out.explaining = true
                out.encoding = e
            case .tokenClassification:
                out.tokens = try task.labelTokens(e)
                out.encoding = e
            case .questionAnswering:
                guard let context = input.pair else {
                    out.error = "question answering: type the question on line A and the context on line B"
                    return out
                }
                let (qe, span) = try task.answer(question: input.text, context: context)
                out.encoding = qe
                out.answer = span
            }
        } catch is CancellationError {
            return nil
        } catch {
            out.error = "\(error)"
        }
        return out
    }
}
