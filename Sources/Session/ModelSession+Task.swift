import Analysis
import Checkpoint
import Encoder
import Tokenizers

extension ModelSession {
    /// The task head's answer for the input and, for sequence classifiers, an
    /// explanation of the asked-for class (the predicted one by default).
    /// nil when `isCancelled` says a newer input is waiting.
    func analyzeTask(
        _ model: TaskModel, _ input: SessionInput, _ e: Encoding, windows: [Encoding] = [], shownWindow: Int? = nil,
        isCancelled: @escaping @Sendable () -> Bool,
        progress: @escaping (Int, Int) -> Void = { _, _ in }
    )
        -> TaskResult?
    {
        var task = model
        task.ablation = ablation(input, on: task.encoder)
        var out = TaskResult(kind: task.task.kind)
        out.problemType = task.task.problemType
        do {
            switch task.task.kind {
            case .sequenceClassification:
                out.labels = try task.classify(e)
                if !input.ablated.isEmpty {
                    var intact = task
                    intact.ablation = HeadSet()
                    out.intact = try intact.classify(e)
                }
                let predicted = out.labels.max { $0.score < $1.score }?.id ?? 0
                // A long text: the head on every window, so the document's other parts are not hidden.
                if windows.count > 1 {
                    for (k, we) in windows.enumerated() {
                        if isCancelled() { return nil }
                        // The shown window is `e`, classified just above.
                        let scores = k == shownWindow ? out.labels : try task.classify(we)
                        guard let best = scores.max(by: { $0.score < $1.score }) else { continue }
                        out.windowLabels.append((k, best.label, best.score))
                    }
                }
                let target = input.explainTarget.map { max(0, min(out.labels.count - 1, $0)) } ?? predicted
                out.target = target
                var explainer = Explainer(encoder: task.encoder, tokenizer: task.tokenizer)
                explainer.ablation = task.ablation
                // 16 points keep integrated gradients interactive; `explain` defaults to 50.
                explainer.isCancelled = isCancelled
                // A long text's window may have been explained already, as another window of an earlier input.
                let explain = {
                    try explainer.explain(e, target: .taskLogit(label: target), method: input.explainMethod, steps: 16)
                }
                if let k = shownWindow {
                    out.attribution = try windowAttribution(
                        WindowAttributionKey(input, window: k, target: target), explain)
                } else {
                    out.attribution = try explain()
                }
                out.encoding = e
                if input.importance {
                    // Head importance for the explained class (no mask to explain).
                    guard
                        let imp = try HeadImportance.compute(
                            task, e, label: target, isCancelled: isCancelled, progress: progress)
                    else { return nil }
                    out.importance = imp
                }
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

extension ModelSession {
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
                    try explainer.explain(e, target: .taskLogit(label: target), method: input.explainMethod, steps: 16)
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

extension ModelSession {
    /// Patching the input from its counterfactual: on the masked-LM when the
    /// input has a mask, else on the sequence classifier; nil when cancelled.
    func analyzePatching(_ input: SessionInput, _ e: Encoding, isCancelled: @escaping @Sendable () -> Bool)
        -> PatchingOutcome?
    {
        var out = PatchingOutcome()
        out.tokens = e.tokens
        guard let text = input.counterfactual else { return out }
        do {
            let tok = model.tokenizer
            if let mask = tok.maskId, e.ids.contains(mask), let encoder = model.mlmEncoder {
                let cf = tok.encode(text, maxLength: encoder.config.maxTokens)
                var lm = try MaskedLanguageModel(encoder: encoder, tokenizer: tok)
                lm.ablation = ablation(input, on: encoder)
                let target = try PatchSetup.masked(lm, clean: e, counterfactual: cf)
                out.target = target
                var p = ActivationPatching(encoder: encoder)
                p.ablation = lm.ablation
                p.isCancelled = isCancelled
                out.result = try p.run(clean: e, counterfactual: cf, target: target)
            } else if var task = taskModel {
                let cf = tok.encode(text, maxLength: task.encoder.config.maxTokens)
                task.ablation = ablation(input, on: task.encoder)
                let target = try PatchSetup.sequence(task, clean: e, counterfactual: cf)
                out.target = target
                var p = ActivationPatching(encoder: task.encoder)
                p.ablation = task.ablation
                p.isCancelled = isCancelled
                out.result = try p.run(clean: e, counterfactual: cf, target: target)
            } else {
                out.error = "patching needs a [MASK] in both sentences (masked-LM) or a sequence-classification head"
            }
        } catch is CancellationError {
            return nil
        } catch {
            out.error = "\(error)"
        }
        return out
    }
}

extension ModelSession {
    /// The most tokens attention flow is computed for in the workbench: n²
    /// maximum flows through every layer up to the one shown (about 10 s at
    /// 128 tokens on the default model's last layer, 2 cores).
    public static let flowTokenLimit = 128

    /// Why attention flow is not computed for `tokens` tokens (nil: it is).
    /// The pane says it at once, without waiting for the session's turn.
    public static func flowRefusal(tokens: Int) -> String? {
        tokens <= flowTokenLimit
            ? nil : "attention flow is computed up to \(flowTokenLimit) tokens (this input has \(tokens))"
    }

    /// Attention flow through `layer`; nil when cancelled.
    func analyzeFlow(
        _ t: Trace, layer: Int, isCancelled: @escaping @Sendable () -> Bool,
        progress: @escaping @Sendable (Int, Int) -> Void
    ) -> FlowOutcome? {
        guard (0..<t.layers).contains(layer) else { return FlowOutcome(layer: layer, error: "no layer \(layer + 1)") }
        if let refusal = Self.flowRefusal(tokens: t.tokens) { return FlowOutcome(layer: layer, error: refusal) }
        guard let map = AttentionFlow.map(t, throughLayer: layer, isCancelled: isCancelled, progress: progress)
        else { return nil }
        return FlowOutcome(layer: layer, map: map)
    }
}

extension ModelSession {
    /// Context mixing of `layers` (clamped to the model's), one layer at a
    /// time with a pass count; nil when cancelled.
    func analyzeMixing(
        _ t: Trace, layers: ClosedRange<Int>, valueZeroing: Bool, isCancelled: @escaping @Sendable () -> Bool,
        progress: @escaping @Sendable (Int, Int) -> Void
    ) -> MixingOutcome? {
        let range = layers.clamped(to: 0...max(0, t.layers - 1))
        var out = MixingOutcome(layers: [:], valueZeroing: valueZeroing)
        for (done, l) in range.enumerated() {
            if isCancelled() { return nil }
            progress(done, range.count)
            out.layers[l] = ContextMixing.compute(model.encoder, t, layer: l, valueZeroing: valueZeroing)
        }
        progress(range.count, range.count)
        return out
    }
}

extension ModelSession {
    /// A′ encoded (with the input's ablations) and compared with the input; nil when cancelled.
    func analyzeComparison(
        _ input: SessionInput, _ trace: Trace, _ e: Encoding, _ text: String,
        isCancelled: @escaping @Sendable () -> Bool
    ) -> ComparisonOutcome? {
        let enc = model.encoder
        let other = model.tokenizer.encode(text, maxLength: enc.config.maxTokens)
        var out = ComparisonOutcome(text: text, encoding: other)
        do {
            var t = Trace()
            try enc.forward(
                ids: other.ids, typeIds: other.typeIds, attentionMask: nil, ablate: ablation(input, on: enc),
                workspace: enc.makeWorkspace(), into: &t, isCancelled: isCancelled)
            out.trace = t
            out.comparison = SentenceComparison.compute(trace, e, input.text, t, other, text)
        } catch is CancellationError {
            return nil
        } catch {
            out.error = "\(error)"
        }
        return out
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
