import Foundation
import Session
import Tokenizers

/// A second model beside the first (`:compare-model M`, `--compare-model M`):
/// its own session on the same text (with its own mask token), derived
/// views, and the facts its panes are drawn with.
public final class SecondModel {
    let session: ModelSession
    let deriver: Deriver
    public var model: LoadedModel { session.model }
    var facts: ModelFacts { session.facts }

    init(_ model: LoadedModel, scheduler: SessionScheduler) {
        session = ModelSession(model: model, scheduler: scheduler, runsTaskHead: false)
        deriver = Deriver(facts: session.facts, tokenizer: model.tokenizer)
    }
}

extension Workbench {
    /// What the second model is asked: the same text and pair, each typed mask in its own spelling.
    var secondInput: SessionInput? {
        guard let b = second else { return nil }
        let from = session.model.tokenizer.maskToken, to = b.model.tokenizer.maskToken
        func own(_ s: String) -> String { from == to ? s : s.replacingOccurrences(of: from, with: to) }
        var input = SessionInput(
            text: own(state.editorA.text), pair: own(state.editorB.text), ablated: HeadAblation(),
            // Lean mode (or a long input over its session's budget): the layers of its map beside
            // the first's, clamped to its own layer count.
            attentionLayers: (lean || b.session.mapsLimited) && !readsBands(in: b.session)
                ? state.attention.layersRead(of: b.facts.layers) : nil,
            mixing: mixingAsked(layers: b.facts.layers))
        input.readLayers = state.attention.layersRead(of: b.facts.layers)
        if readsBands(in: b.session) {
            // The rows its own half shows (it scrolls around the cursor by itself).
            input.readsBands = true
            input.requests[.attentionBand] = AnalysisRequest(
                Self.band(state.attention, of: b.facts, top: secondScroll.row, visible: secondScroll.rows))
        }
        askViewAnalyses(&input, of: b.facts)
        // Windows are cut at other tokens in the other model: the same characters, not the same index.
        input.windowCenter = shownWindowCenter
        return input
    }

    /// The middle character of the first model's shown window of this text (nil: the text's start).
    var shownWindowCenter: Int? {
        guard state.window > 0, let r = snapshot.result, let w = r.windows,
            r.input.text.utf8.elementsEqual(state.editorA.text.utf8)
        else { return nil }
        // The spans of every window are known from any window's result of the same text.
        let k = min(state.window, w.spans.count - 1), span = w.spans[k]
        return (span.lowerBound + span.upperBound) / 2
    }

    /// `:compare-model published` on a model whose heads retrained layers: the
    /// input beside itself on those layers, in the comparison view (both maps,
    /// A − A′, each word's drift by layer, the heads that changed most).
    func compareLayers(_ other: ShownLayers) {
        guard facts.layerChoices.contains(other) else {
            return state.say(
                ":compare-model takes a model or " + facts.layerChoices.map(\.rawValue).joined(separator: ", "),
                error: true)
        }
        jobs.supersede("compare-model")
        second = nil
        state.comparisonLayers = other
        state.comparison = ""
        state.attention.comparing = true
        state.attention.patching = false
        state.attention.importance = false
        state.attention.overview = false
        state.attention.compareWord = 0
        state.focus = .attention
        submitCurrent()
        state.say("A: the \(facts.layersTitle(state.layers)) · A′: the \(facts.layersTitle(other)) (L changes A)")
    }

    /// Returns once both models' sessions have finished their work (benches, tests).
    public func waitUntilIdle() {
        session.waitUntilIdle()
        second?.session.waitUntilIdle()
    }

    /// Sends the current input to the session, and its counterpart to the second model's.
    func submitCurrent() {
        session.submit(currentInput)
        if let b = second, let input = secondInput { b.session.submit(input) }
    }

    public func compareModel(_ spec: String) {
        if let layers = ShownLayers(rawValue: spec), facts.layerChoices.count > 1 {
            return compareLayers(layers)
        }
        guard !spec.isEmpty, spec != "none" else {
            jobs.supersede("compare-model")
            second = nil
            return state.say("one model again")
        }
        // Its own queue: its cheap encode must not wait behind the first model's explanations.
        let scheduler =
            session.scheduler is QueueScheduler
            ? QueueScheduler(label: "bertscope.session.second") : session.scheduler
        let load = loadModel
        state.say("loading \(spec)…")
        jobs.load(slot: "compare-model", failure: ":compare-model: ") {
            try load(spec)
        } then: { [unowned self] model in
            let b = SecondModel(model, scheduler: scheduler)
            b.session.lean = lean
            b.session.onResult = session.onResult
            second = b
            submitCurrent()
            state.say("beside \(b.model.name): tokens, predictions and attention of both")
        }
    }
}
