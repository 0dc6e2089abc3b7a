import Analysis
import Checkpoint
import CorpusText
import Dispatch
import Encoder
import Foundation
import Tokenizers

/// Owns the model, the current input and the latest trace. The UI submits
/// inputs and reads snapshots; encoding happens on a background queue,
/// newest input first: a submit cancels work for older inputs, and results
/// are cached by input. No terminal code lives here.
public final class ModelSession: @unchecked Sendable {
    public let model: LoadedModel
    /// A corpus index of this model's published layers (`--corpus DIR`), searched for the selected token.
    public let corpus: (any CorpusSearching)?
    /// The model's facts, once (rules like `importanceTarget` read them per result).
    public let facts: ModelFacts
    /// Whether inputs without masks also get the task head's answer and its
    /// explanation (a figure of another view has no use for them).
    public let runsTaskHead: Bool
    /// A long text's other windows are never run (no labels, explanations or
    /// mask guesses from them): a figure draws one window and waits for exactly it.
    public let shownWindowOnly: Bool
    /// Called on the worker queue when a new result is ready (e.g. to wake the UI).
    public var onResult: (@Sendable () -> Void)?

    public let scheduler: SessionScheduler
    /// Test seam: called (outside the lock) before every snapshot read, so a
    /// model-based test can deliver a background result at any instant,
    /// including in the middle of drawing a frame.
    public var beforeSnapshot: (() -> Void)?
    private let lock = NSLock()
    private var current: SessionInput
    private var shown: EncodeResult?
    private var pending: SessionInput?
    private var working = false
    private var generation = 0
    private var cache = ResultCache(capacity: 256)
    /// Lean mode: no earlier results are kept (each trace holds only the maps on screen).
    public var lean = false {
        didSet { lock.withLock { cache = ResultCache(capacity: lean ? 1 : 256, byteBudget: lean ? 0 : 768 << 20) } }
    }
    private let workspace: Workspace
    private var scratch = Trace()
    /// The running analysis's passes, for the generation it works for.
    private var progressMark: (generation: Int, progress: AnalysisProgress)?
    /// Counts the results shown: a frame is current while it matches.
    private var version = 0
    /// Mean ablation's reference sentences and the head means per encoder (ModelSession+MeanAblation).
    let meansLock = NSLock()
    /// A long text's windows explained, by text, settings and window: choosing
    /// another window reuses them (integrated gradients at 512 tokens is seconds a window).
    var windowAttributions = ByteBudgetCache<WindowAttributionKey, Attribution>(capacity: 256, byteBudget: 64 << 20) {
        64 + $0.scores.count * MemoryLayout<Float>.stride
    }
    /// The last layer's attention inputs rebuilt for a long input's bands (one entry: tens of MB at 8,192 tokens).
    var projection: (key: ProjectionKey, value: LayerProjection)?
    /// Guards `projection` and `pools`.
    let longMapLock = NSLock()
    /// Finished pooled maps, so one a cursor move outran is not computed again (kilobytes each).
    var pools = ByteBudgetCache<PoolKey, PooledAttention>(capacity: 16, byteBudget: 8 << 20) { $0.mean.count * 16 }
    /// Forward passes of the shown input run, not reused (tests).
    private(set) var encodingsRun = 0
    /// How many windows were explained, not reused (tests).
    var windowsExplained = 0
    var referenceSentences: [String] = []
    var meansCache: [ObjectIdentifier: [HeadSet.Head: [Float]]] = [:]
    /// Built on first use (BertScope's sentiment overlay for the default model).
    lazy var taskModel: TaskModel? = model.taskEncoder.flatMap {
        try? TaskModel(encoder: $0, tokenizer: model.tokenizer)
    }
    /// Built on first use (the overlay encoder is not needed until a mask appears).
    lazy var maskedLM: MaskedLanguageModel? = model.mlmEncoder.flatMap {
        try? MaskedLanguageModel(encoder: $0, tokenizer: model.tokenizer)
    }

    public init(
        model: LoadedModel, input: SessionInput = SessionInput(text: ""),
        scheduler: SessionScheduler = QueueScheduler(),
        runsTaskHead: Bool = true, shownWindowOnly: Bool = false, corpus: (any CorpusSearching)? = nil
    ) {
        self.model = model
        self.corpus = corpus
        self.facts = model.facts
        self.runsTaskHead = runsTaskHead
        self.shownWindowOnly = shownWindowOnly
        self.scheduler = scheduler
        self.current = input
        self.workspace = model.encoder.makeWorkspace()
        submit(input)
    }

    public var snapshot: SessionSnapshot {
        beforeSnapshot?()
        return lock.withLock {
            SessionSnapshot(
                input: current, result: shown,
                progress: progressMark.flatMap { $0.generation == generation ? $0.progress : nil }, version: version)
        }
    }

    /// Makes `input` current. A cached result shows at once; otherwise the
    /// input is queued and any in-flight older work is abandoned.
    public func submit(_ input: SessionInput) {
        let start: Bool = lock.withLock {
            // The same input again while its work runs or waits (a key that changed nothing this
            // session reads): a new generation would only cancel that work and start it over.
            if input == current, working || pending != nil { return false }
            current = input
            generation += 1
            if let hit = cache.get(input) {
                show(hit)
                pending = nil
                return false
            }
            pending = input
            if working { return false }
            working = true
            return true
        }
        if start { scheduler.schedule { self.drain() } }
    }

    /// Blocks until no work is pending (tests, export).
    public func waitUntilIdle() {
        while lock.withLock({ working }) { scheduler.waitUntilIdle() }
    }

    private func drain() {
        while true {
            let job: (SessionInput, Int)? = lock.withLock {
                guard let p = pending else { working = false; return nil }
                pending = nil
                return (p, generation)
            }
            guard let (input, gen) = job else { return }
            guard var result = reused(for: input) ?? compute(input, generation: gen) else { continue }
            // The tokens and attention show at once; each analysis the input
            // asks for follows in the background and is published as it
            // finishes. Only a complete result is cached.
            let wanted = SessionAnalysis.all.contains { $0.wanted(self, result) }
            publish(result, generation: gen, cache: !wanted)
            guard wanted, runAnalyses(&result, input, generation: gen) else { continue }
            lock.withLock { cache.put(result) }
        }
    }

    /// The result on screen for `input` when only what the view asks of the
    /// analyses changed (another mixing layer, the overview opened): its
    /// encoding and trace stand, the analyses asked differently are dropped
    /// and run again. A view toggle then costs no forward pass.
    private func reused(for input: SessionInput) -> EncodeResult? {
        lock.withLock {
            guard var r = shown, r.trace != nil, r.input.withoutViewRequests == input.withoutViewRequests else {
                return nil
            }
            let before = r.input
            r.input = input
            if before.mixingLayers != input.mixingLayers || before.valueZeroing != input.valueZeroing { r.mixing = nil }
            if before.flowLayer != input.flowLayer { r.flow = nil }
            for kind in r.outcomes.keys where before.requests[kind] != input.requests[kind] { r.outcomes[kind] = nil }
            return r
        }
    }

    /// Runs every analysis `result` asks for, in order, publishing each;
    /// false when a newer input overtook them.
    private func runAnalyses(_ result: inout EncodeResult, _ input: SessionInput, generation gen: Int) -> Bool {
        let stale = isStale(gen, input)
        for a in SessionAnalysis.all where a.wanted(self, result) {
            if stale() { return false }
            var cancelled = stale
            if a.outlivesOtherRequests {
                let kind = a.kind
                cancelled = { stale() && !self.asksAlike(kind, input) }
            }
            let ctx = AnalysisContext(isCancelled: cancelled, progress: progress(gen, a.kind))
            guard a.run(self, &result, ctx) else { return false }
            publish(result, generation: gen, cache: false)
        }
        return true
    }

    /// Whether the newest input asks `kind` what `input` asked, of the same encoding.
    private func asksAlike(_ kind: AnalysisKind, _ input: SessionInput) -> Bool {
        lock.withLock {
            let newest = pending ?? current
            return newest.requests[kind] == input.requests[kind]
                && newest.withoutViewRequests == input.withoutViewRequests
        }
    }

    private func publish(_ result: EncodeResult, generation gen: Int, cache keep: Bool) {
        lock.withLock {
            if keep { cache.put(result) }
            if current == result.input || shown == nil || generation == gen { show(result) }
        }
        onResult?()
    }

    /// The tokens consecutive windows of a long text share: a quarter of the window, at most 128 (HF's usual stride).
    public static func windowStride(_ maxTokens: Int) -> Int { max(0, min(128, maxTokens / 4)) }

    /// Cuts a text longer than the window into HF's overflowing windows and
    /// puts the chosen one in `encoding`; nil if the tokenizer cannot window it.
    func documentWindows(_ input: SessionInput, _ encoding: inout Encoding) -> (DocumentWindows, WindowedText)? {
        let size = model.encoder.config.maxTokens, stride = Self.windowStride(size)
        guard let doc = try? model.tokenizer.windowed(input.text, maxLength: size, stride: stride),
            doc.windows.count > 1
        else { return nil }
        let spans = doc.ranges.map { r in
            (doc.document[r.lowerBound].span.start)..<(doc.document[r.upperBound - 1].span.end)
        }
        let k =
            input.windowCenter.map { Self.window(holding: $0, spans: spans) }
            ?? max(0, min(doc.windows.count - 1, input.window))
        encoding = doc.windows[k]
        return (
            DocumentWindows(
                index: k, size: size, stride: stride, ranges: doc.ranges, documentTokens: doc.document.count,
                spans: spans), doc
        )
    }

    /// The window whose span holds character `c` furthest from its edges
    /// (HF's max-context rule); past every span, the nearest window.
    public static func window(holding c: Int, spans: [Range<Int>]) -> Int {
        var best = 0, bestMargin = Int.min
        for (k, s) in spans.enumerated() {
            let margin =
                s.contains(c)
                ? min(c - s.lowerBound, s.upperBound - 1 - c) : -min(abs(c - s.lowerBound), abs(c - s.upperBound))
            if margin > bestMargin { best = k; bestMargin = margin }
        }
        return best
    }

    /// Position `p` of window `j` as a position of window `k` when `k` holds
    /// the same document token (windows overlap by the stride), else nil.
    static func position(
        _ p: Int, ofWindow j: Int, inWindow k: Int, ranges: [Range<Int>], encodings: [Encoding]
    ) -> Int? {
        func lead(_ e: Encoding) -> Int { e.sequenceIds.firstIndex { $0 == 0 } ?? 0 }
        guard ranges.indices.contains(j), ranges.indices.contains(k), encodings.indices.contains(j),
            encodings.indices.contains(k)
        else { return nil }
        let d = ranges[j].lowerBound + p - lead(encodings[j])
        guard ranges[j].contains(d), ranges[k].contains(d) else { return nil }
        return lead(encodings[k]) + d - ranges[k].lowerBound
    }

    /// Records a long analysis's passes for generation `gen`, waking the UI
    /// about twenty times over the loop (not on every pass).
    func progress(_ gen: Int, _ kind: AnalysisKind) -> @Sendable (Int, Int) -> Void {
        { done, total in
            self.lock.withLock { self.progressMark = (gen, AnalysisProgress(kind, done: done, total: total)) }
            if done % max(1, total / 20) == 0 { self.onResult?() }
        }
    }

    /// Shows `r` (under the lock): the version number tells the frame loop something new is there.
    private func show(_ r: EncodeResult) {
        shown = r
        version += 1
    }

    /// The result shown passed the byte budget for maps (a long input): the
    /// workbench then asks for the layers it reads, as lean mode does.
    public var mapsLimited: Bool { snapshot.result?.mapsLimited != nil }

    /// The bytes of attention maps one trace may hold: a long ModernBERT input's
    /// every map would be tens of GB (`BERTSCOPE_MEMORY_LIMIT` lowers the budget).
    static var mapBudget: Double { min(Double(1 << 30), MemoryBudget.bytes / 4) }

    /// The layers whose maps a pass keeps: those asked for (lean mode), else
    /// every layer while they fit in `mapBudget`, else the layers the screen
    /// reads, or none when even those do not fit (with why, for the pane).
    static func keptLayers(_ input: SessionInput, _ c: ModelConfig, tokens n: Int, budget: Double = mapBudget)
        -> (Range<Int>?, EncodeResult.MapsLimit?)
    {
        let all = c.mapBytes(tokens: n), one = all / Double(max(1, c.numLayers))
        func range(_ r: ClosedRange<Int>) -> Range<Int> { r.lowerBound..<(r.upperBound + 1) }
        let overBudget = all > budget
        if overBudget, input.attentionLayers == nil, input.readsBands {
            let read = Double((input.readLayers ?? 0...(c.numLayers - 1)).count) * one
            return (0..<0, EncodeResult.MapsLimit(allBytes: all, readBytes: read, budget: budget))
        }
        guard let wanted = input.attentionLayers ?? (overBudget ? input.readLayers ?? 0...(c.numLayers - 1) : nil)
        else { return (nil, nil) }
        let read = Double(wanted.count) * one
        let limit = overBudget ? EncodeResult.MapsLimit(allBytes: all, readBytes: read, budget: budget) : nil
        return (read <= budget ? range(wanted) : 0..<0, limit)
    }

    /// Whether work for generation `gen` has been overtaken: a newer input is
    /// waiting, or the current input is another one already computed (a cache
    /// hit queues nothing, and the old work was going on for nobody).
    private func isStale(_ gen: Int, _ input: SessionInput) -> @Sendable () -> Bool {
        { self.lock.withLock { self.generation != gen && (self.pending != nil || self.current != input) } }
    }

    func taskWanted(_ r: EncodeResult) -> Bool { runsTaskHead && facts.answersWithTaskHead(r) }

    /// Tokenizes and encodes; nil when a newer submit made this work stale.
    private func compute(_ input: SessionInput, generation gen: Int) -> EncodeResult? {
        let begin = DispatchTime.now().uptimeNanoseconds
        encodingsRun += 1
        // Another encoding: the last one's rebuilt projection (tens of MB at 8,192 tokens) is of no use.
        longMapLock.withLock { projection = nil }
        let tok = model.tokenizer, enc = viewEncoder(input)
        var encoding = tok.encode(input.text, pair: input.pair, maxLength: enc.config.maxTokens)
        let cut = encoding.truncated > 0 && input.pair == nil ? documentWindows(input, &encoding) : nil
        let windows = cut?.0
        var originals: [Int: String] = [:]
        if let maskId = tok.maskId {
            for p in input.masked where p < encoding.count && !encoding.isSpecial(p) {
                originals[p] = encoding.tokens[p]
                encoding.ids[p] = maskId
                encoding.tokens[p] = tok.maskToken
            }
        }
        // The masking lab's corruption is what the model sees: the trace, the
        // tokens pane and the attention show it; the user's own masks are answered on `encoding`.
        let lab = input.labSeed.flatMap { seed in
            maskedLM.map {
                MaskingLab(encoding, seed: seed, maskId: $0.maskId, vocabSize: $0.encoder.config.vocabSize)
            }
        }
        let seen = lab.map { Self.corrupted(encoding, by: $0, tok) } ?? encoding
        var trace: Trace? = nil
        var failure: String? = nil
        let (keep, limit) = Self.keptLayers(input, enc.config, tokens: seen.count)
        do {
            try enc.forward(
                ids: seen.ids, typeIds: seen.typeIds, attentionMask: nil, ablate: ablation(input, on: enc),
                workspace: workspace,
                into: &scratch, isCancelled: isStale(gen, input), keepAttention: keep)
            trace = scratch
        } catch is CancellationError {
            return nil
        } catch {
            failure = "\(error)"
        }
        var result = EncodeResult(input: input, encoding: seen, trace: trace, error: failure, milliseconds: 0)
        result.mapsLimited = limit
        for c in lab?.choices ?? [] {
            result.corruption[c.position] = LabCorruption(fate: c.fate, original: tok.token(for: c.original) ?? "?")
        }
        result.windows = windows
        result.windowEncodings = cut?.1.windows ?? []
        result.maskedOriginals = originals
        // Masks are the masked LM's (`answeringMask`); so is the masking lab.
        if trace != nil, model.answeringMask(encoding) != nil || lab != nil, var mlm = maskedLM {
            mlm.ablation = ablation(input, on: mlm.encoder)
            result.mlm = analyzeMasks(mlm, encoding, lab: lab, trace: mlm.encoder === enc && lab == nil ? trace : nil)
        }
        if let trace, enc.hasReplacedTokenHead { result.replaced = try? enc.replacedTokenProbabilities(trace) }
        result.milliseconds = Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e6
        return result
    }
}

extension ModelSession {
    /// `e` as the masking lab hands it to the model: its ids and tokens at the chosen positions.
    static func corrupted(_ e: Encoding, by lab: MaskingLab, _ tok: Tokenizer) -> Encoding {
        var out = e
        for c in lab.choices where c.position < out.count {
            out.ids[c.position] = c.input
            out.tokens[c.position] = tok.token(for: c.input) ?? "?"
        }
        return out
    }

    public var hasMaskedLM: Bool { model.hasMaskedLM }
    /// The encoder the trace of `input` comes from: the published layers or a head's (`input.layers`).
    func viewEncoder(_ input: SessionInput) -> BertEncoder { model.encoder(for: input.layers) }
    /// ELECTRA discriminators: the predictions pane shows replaced-token detection instead.
    public var hasReplacedTokenHead: Bool { model.encoder.hasReplacedTokenHead }

    /// Predictions, both iterative fills, the logit lens and the masking lab.
    /// `trace` is reused when the MLM runs on the same encoder as the view.
    func analyzeMasks(_ mlm: MaskedLanguageModel, _ e: Encoding, lab: MaskingLab?, trace: Trace?) -> MLMResult {
        var out = MLMResult()
        do {
            if let lab { out.lab = try lab.evaluated(with: mlm, typeIds: e.typeIds) }
            guard e.ids.contains(mlm.maskId) else { return out }
            let t = try trace ?? mlm.forward(e.ids, e.typeIds)
            out.predictions = try mlm.predict(e, trace: t, k: 10)
            // The full softmax of the first masks: the predictions pane's temperature experiment renormalizes it.
            let kept = out.predictions.prefix(MLMResult.distributionLimit).map(\.position)
            for (p, d) in zip(kept, try mlm.distributions(t, positions: kept)) { out.distributions[p] = d }
            if !mlm.ablation.isEmpty {
                // Beside the ablated model's answer, the intact model's, for the same tokens.
                var intact = mlm
                intact.ablation = HeadSet()
                let dists = try intact.distributions(
                    try intact.forward(e.ids, e.typeIds), positions: out.predictions.map(\.position))
                for (m, p) in zip(out.predictions, dists) {
                    out.intact[m.position] = Dictionary(uniqueKeysWithValues: m.predictions.map { ($0.id, p[$0.id]) })
                }
            }
            for p in out.predictions { out.lens[p.position] = try mlm.logitLens(t, position: p.position, k: 3) }
            if out.predictions.count > 1 {
                out.leftToRight = try mlm.iterativeFill(e, order: .leftToRight)
                out.mostConfident = try mlm.iterativeFill(e, order: .mostConfident)
            }
        } catch {
            out.error = "\(error)"
        }
        return out
    }
}
