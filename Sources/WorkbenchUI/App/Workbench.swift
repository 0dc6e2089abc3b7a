import Analysis
import CorpusText
import Foundation
import Session
import Tokenizers

/// The controller: owns the session, the history, drafts, exports and model
/// loading, and the one `WorkbenchState` value the keys change. Keys come in
/// as `Key`s; frames go out as `CellGrid`s, derived from one snapshot and
/// drawn by pure panes. No terminal in it.
public final class Workbench {
    public private(set) var session: ModelSession
    public var state: WorkbenchState
    public var theme: Theme
    public let themes: ThemeLibrary
    public var colorMode: ColorMode
    public var history: History
    public var samples: [Sample]
    /// Where `:tour NAME` looks (the user's tours, then the shipped ones).
    public var tours = TourLibrary(directories: [TourLibrary.userDirectory])
    public private(set) var sampleIndex = -1
    public private(set) var shouldQuit = false
    /// Loads another model for `:model` (replaceable in tests).
    /// Run by background jobs (`:model`, `:compare-model`, `:tokenizers`), never on the key path.
    public var loadModel: @Sendable (String) throws -> LoadedModel = { try LoadedModel.load($0) }
    public var loadTokenizer: @Sendable (String) throws -> Tokenizer = { try LoadedModel.tokenizer($0) }
    /// `:tokenizers A,B`: the tokenizers the tokens pane also splits the text with.
    public var arena = TokenizerArena()
    /// `:compare-model M`: a second model beside this one.
    public internal(set) var second: SecondModel?
    /// Where the current sentences are saved on every edit (nil: nowhere).
    public var drafts: DraftStore?
    /// The last draft save failed (said once, not on every keystroke).
    var draftProblem: String?
    /// Set by `--stats`: timing shown in the status bar and printed at exit.
    public var stats: FrameStats?
    /// Background writes (`:export`): their notices reach the status bar in `tick`.
    public let jobs = BackgroundJobs()
    /// An export waiting for the sentence on screen to be computed.
    var pendingExport: PendingExport?
    /// Where `:export` writes when given no directory.
    public var exportDirectory = "bertscope-export"
    /// The terminal size of the last frame: `:export` draws its figure at it.
    var lastFrameSize = (width: 160, height: 48)
    /// Probes trained by `bertscope probe` for this model (from the cache).
    public var probes: [TrainedProbes] = []
    /// Probes trained on a head's retrained layers (`bertscope probe --layers task`), by head.
    public var headProbes: [ShownLayers: [TrainedProbes]] = [:]
    /// The labelled sentences `:gold` draws from.
    public var gold = GoldSet()
    var watch: ModelFileWatch
    var deriver: Deriver
    /// Keys handled between `beginBatch` and `endBatch` are one edit.
    var batching = false, textDirty = false
    /// Screen rectangles of the last frame, for mouse hits.
    var hitAreas = HitAreas()
    /// The terminal's background is light; decides which themes `t` offers.
    public var lightTerminal = false
    /// How `lightTerminal` was learnt ("OSC 11", "COLORFGBG"); nil when the terminal did not say.
    public var backgroundSource: String?
    /// Set by Ctrl-L: the terminal repaints every cell with the next frame.
    public internal(set) var repaintRequested = false

    public init(
        session: ModelSession, theme: Theme = .builtIn, themes: ThemeLibrary = ThemeLibrary(directories: []),
        colorMode: ColorMode = .xterm256, history: History = History(file: nil), samples: [Sample] = []
    ) {
        self.session = session
        self.theme = theme
        self.themes = themes
        self.colorMode = colorMode
        self.history = history
        self.samples = samples
        let input = session.snapshot.input
        state = WorkbenchState(text: input.text, pair: input.pair ?? "")
        watch = ModelFileWatch(directory: session.model.directory)
        deriver = Deriver(facts: session.facts, tokenizer: session.model.tokenizer)
    }

    public var snapshot: SessionSnapshot { session.snapshot }
    /// The loaded model's facts (the session computes them once per model).
    public var facts: ModelFacts { session.facts }
    private var infoTable: String?

    /// The pooled map's blocks down and across, and the heatmap's rows on screen, as last drawn.
    var pooledGrid = (rows: 20, columns: 60)
    /// Whether the last frame had the attention pane on screen: a pool nobody sees is not computed.
    var longMapOnScreen = true
    var bandRows = 48
    /// The second model's heatmap when it reads bands: its scroll and rows on screen, as last drawn.
    var secondScroll = (row: 0, column: 0, rows: 48)
    /// The info overlay's table (built once per model, not once per frame while it is open).
    var modelInfoTable: String {
        if let t = infoTable { return t }
        let t = ModelInfo(session.model).table
        infoTable = t
        return t
    }

    /// What the input lines, masks and lab seed ask the model now.
    public var currentInput: SessionInput {
        var input = SessionInput(
            text: state.editorA.text, pair: state.editorB.text, masked: state.masked, labSeed: state.labSeed,
            ablated: state.ablated, importance: state.attention.importance,
            explainMethod: state.predictions.explainMethod, explainTarget: state.predictions.explainTarget,
            counterfactual: state.counterfactual, patching: state.attention.patching,
            meanAblation: state.meanAblation,
            flowLayer: state.attention.view == .flow && !state.attention.overview ? state.attention.layer : nil,
            comparison: state.attention.comparing && state.comparisonLayers == nil ? state.comparison : nil,
            window: state.window,
            attentionLayers: askedLayers, mixing: mixingAsked(layers: facts.layers))
        // What the screen reads (nil: every layer, as the overview, finder, anatomy and tours need).
        input.readLayers = leanLayers
        askViewAnalyses(&input, of: facts)
        askLongMap(&input)
        input.layers = facts.layerChoices.contains(state.layers) ? state.layers : .published
        input.attentionScale = facts.relativeAttention ? nil : state.attentionScale
        if state.attention.comparing, let other = state.comparisonLayers, facts.layerChoices.contains(other) {
            input.comparisonLayers = other
        }
        if state.attention.overview { input.requests[.headEntropies] = AnalysisRequest(true) }
        if let search = corpusSearchAsked() {
            input.requests[.corpusSearch] = AnalysisRequest(search)
            if state.probing.dataset { input.requests[.corpusDataset] = AnalysisRequest(true) }
            if let projection = corpusProjectionAsked() {
                input.requests[.corpusProjection] = AnalysisRequest(projection)
            }
        }
        if let p = AttentionPanels.panel(state.attention.panel) {
            input.requests.merge(p.request(state.attention, selection)) { _, new in new }
        }
        return input
    }

    /// What the attention view asks of a model with facts `f` beside its
    /// mixing layers (both models): value zeroing when the view needs it, and
    /// for DeBERTa the arithmetic of the head shown (its cell's score terms).
    func askViewAnalyses(_ input: inout SessionInput, of f: ModelFacts) {
        let a = state.attention
        input.valueZeroing = input.mixingLayers != nil && a.view.needsValueZeroing
        guard f.relativeAttention, a.view == .head, !a.words, !a.hideSpecial, !a.overview else { return }
        input.requests[.arithmetic] = AnalysisRequest(
            ArithmeticRequest(layer: min(a.layer, f.layers - 1), head: min(a.head, f.heads - 1)))
    }

    /// The tokens selected: the tokens pane's (the query) and the attention cursor's key.
    var selection: TokenSelection { TokenSelection(query: state.tokens.selected, key: state.attention.keyToken) }

    /// The context-mixing layers the attention pane shows now (nil: none), within a model of `layers` layers.
    func mixingAsked(layers: Int) -> ClosedRange<Int>? {
        guard !state.attention.overview else { return nil }
        var spec = state.attention.spec
        spec.layer = min(spec.layer, layers - 1)
        return AttentionViews.mixingLayersRead(spec)
    }

    /// Lean mode (`--lean`): each trace keeps only the attention maps the
    /// screen reads, and no earlier results are cached; a layer change
    /// re-encodes. The overview, the head finder, a comparison and a tour
    /// read every layer, so they keep all.
    public var lean: Bool {
        get { session.lean }
        set {
            session.lean = newValue
            second?.session.lean = newValue
            submitCurrent()
        }
    }

    /// The last input's maps passed the session's byte budget (a long ModernBERT
    /// input): ask for the layers read, as lean mode does, so a layer change encodes again.
    var mapsLimited: Bool { session.mapsLimited }

    /// The layers a pass is asked to keep: lean mode's, and a long input's when
    /// the result shown does not hold them already (a result that does is
    /// asked for as it was, so a key that changes nothing encodes nothing).
    var askedLayers: ClosedRange<Int>? {
        guard lean || mapsLimited, !readsBands else { return nil }
        if !lean, let r = session.snapshot.result, r.input.attentionLayers == nil,
            let read = leanLayers, r.trace?.keepsAttention(read) == true
        {
            return nil
        }
        return leanLayers
    }

    /// The layers the attention pane reads now, in lean mode (nil: all).
    var leanLayers: ClosedRange<Int>? {
        let a = state.attention
        // The layer anatomy recomputes every layer from its attention: it reads them all.
        guard !a.overview, a.finder == nil, !a.comparing, a.panel != .anatomy, state.tour == nil else { return nil }
        return a.layersRead(of: facts.layers)
    }

    /// Sends the input to the session (cached inputs show at once).
    func inputChanged() {
        submitCurrent()
        state.notice = nil
    }

    /// Text edits move token positions, so user masks are dropped with them.
    /// The draft is saved at once, so a crash or a kill never loses typing.
    /// Inside a batch of keys already waiting (fast typing, a paste without
    /// bracketed-paste support) both happen once, when the batch ends.
    func textChanged() {
        state.masked = []
        state.notice = nil  // now, not at the end of a batch: a notice set later in the batch (`:recover`) stays
        if batching { textDirty = true; return }
        submitText()
    }

    private func submitText() {
        submitCurrent()
        saveDraft()
    }

    /// Keys handled between these two calls are one edit for the session and the draft.
    public func beginBatch() { batching = true }

    public func endBatch() {
        batching = false
        if textDirty { textDirty = false; submitText() }
        followViewInputs()
    }

    public func setText(_ a: String, pair b: String? = nil) {
        state.editorA.text = a
        state.editorB.text = b ?? ""
        textChanged()
    }

    func replaceSession(with model: LoadedModel) {
        let s = ModelSession(
            model: model, input: session.snapshot.input, scheduler: session.scheduler,
            runsTaskHead: session.runsTaskHead, shownWindowOnly: session.shownWindowOnly,
            corpus: model.directory == session.model.directory ? session.corpus : nil)
        s.lean = session.lean
        s.onResult = session.onResult
        s.beforeSnapshot = session.beforeSnapshot
        s.setReference(session.reference)
        session = s
        deriver = Deriver(facts: s.facts, tokenizer: model.tokenizer)
        infoTable = nil
        watch = ModelFileWatch(directory: model.directory)
        loadProbes()
        state.attention.layer = min(state.attention.layer, s.facts.layers - 1)
        state.attention.head = min(state.attention.head, s.facts.heads - 1)
    }

    /// The cached probes of the current model; damaged cache files are set aside and said.
    public func loadProbes(in dir: URL = ProbeCache.directory()) {
        let m = session.model
        var problems: [String] = []
        headProbes = [:]
        for shown in m.layerChoices {
            let (found, bad) = ProbeCache.all(model: m.probeKey(shown), in: dir, inputs: m.facts.hiddenSize)
            if shown == .published { probes = found } else { headProbes[shown] = found }
            problems += bad
        }
        if let first = problems.first {
            state.say(first + (problems.count > 1 ? " (and \(problems.count - 1) more)" : ""), error: true)
        }
    }

    /// The probes read from `shown`'s hidden states (trained on those very layers).
    func probes(for shown: ShownLayers) -> [TrainedProbes] { shown == .published ? probes : headProbes[shown] ?? [] }

    func quit() { shouldQuit = true }

    func cycleSample() {
        guard !samples.isEmpty else { return state.say("no samples loaded", error: true) }
        sampleIndex = (sampleIndex + 1) % samples.count
        loadSample(samples[sampleIndex])
    }

    /// How many nearest corpus tokens the corpus view asks for.
    static let corpusMatches = 30

    /// The corpus view's highlighted match becomes the typed sentence (the one
    /// typed before is kept in the history), its token selected.
    /// The corpus search the state asks for (nil: the corpus view is closed or there is no index).
    func corpusSearchAsked() -> CorpusSearchRequest? {
        guard state.probing.corpus, let index = session.corpus,
            let level = state.probing.corpusLevel(
                in: state.probing.corpusSteps(layers: index.layers, headLayers: index.contextLayers))
        else { return nil }
        return CorpusSearchRequest(
            position: state.tokens.selected, layer: level, top: Self.corpusMatches, head: state.probing.corpusHead)
    }

    /// The projection the state asks for, beside its search (nil: the projector is closed).
    func corpusProjectionAsked() -> CorpusProjectionRequest? {
        guard state.probing.corpusProjection, let search = corpusSearchAsked() else { return nil }
        return CorpusProjectionRequest(
            layer: search.layer, tag: state.probing.projectorColour, position: state.tokens.selected,
            cursorX: state.probing.plotX, cursorY: state.probing.plotY,
            unit: state.probing.projectorSentences ? .sentences : .tokens)
    }

    /// The corpus matches on screen: the result's, only when they answer what the state asks now
    /// (after `a`, `]` or a cursor move the old ones are no longer the ones to open).
    func corpusMatchesShown(_ r: EncodeResult?) -> [CorpusMatch] {
        if state.probing.corpusProjection {
            guard let out = r?.corpusProjection, out.request == corpusProjectionAsked(), let m = out.underCursor
            else { return [] }
            return [m]
        }
        guard let out = r?.corpusSearch, out.request == corpusSearchAsked() else { return [] }
        return out.matches
    }

    func openCorpusMatch(_ r: EncodeResult?) {
        if state.probing.dataset {
            guard let r, let table = deriver.datasetView(r, state.probing), table.rows.indices.contains(table.selected)
            else { return }
            let row = table.rows[table.selected]
            let pair = r.corpusDataset?.dataset?.rows.first { $0.sentence == row.sentence }?.pair
            if !state.editorA.text.isEmpty { try? history.add(state.editorA.text) }
            setText(row.text, pair: pair)
            state.say(
                "corpus sentence \(row.sentence): gold \(row.gold ?? "none"), said \(row.predicted); the text before is in the history (↑)"
            )
            return
        }
        // The token nearest the projector's cursor, or the highlighted match, as on screen.
        let shown = corpusMatchesShown(r), k = state.probing.corpusProjection ? 0 : state.probing.corpusMatch
        guard shown.indices.contains(k) else { return }
        let m = shown[k]
        if !state.editorA.text.isEmpty { try? history.add(state.editorA.text) }
        setText(m.text, pair: m.pair)
        // Selected when the new sentence's encoding arrives (the one on screen may be shorter).
        state.pendingSelect = m.position
        state.probing.corpusMatch = 0
        state.say("corpus sentence \(m.sentence) (\(m.file):\(m.line)); the text before is in the history (↑)")
    }

    func loadSample(_ s: Sample) {
        setText(s.text, pair: s.pair)
        state.say("sample (\(s.set)): \(s.text)")
    }

    /// `t`: the next theme made for this terminal's background (light themes
    /// only on light terminals, and the other way round).
    func cycleTheme() {
        let names = themes.names.filter { name in (try? themes.load(name)).map { $0.isLight == lightTerminal } ?? false
        }
        guard !names.isEmpty else { return state.say("no themes found", error: true) }
        // The shipped themes are a few small files beside the binary, read at once (a quick
        // second `t` must see the first); `:theme PATH` may name any file and loads in the background.
        let name = names[((names.firstIndex(of: theme.name) ?? -1) + 1) % names.count]
        do {
            theme = try themes.load(name)
            state.say("theme \(theme.name)")
        } catch {
            state.say("\(error)", error: true)
        }
    }

    /// Loads a theme file off the key path and shows it.
    func applyTheme(_ name: String) {
        let library = themes
        jobs.load(slot: "theme", failure: "") {
            try library.load(name)
        } then: { [unowned self] loaded in
            theme = loaded
            state.say(themeFitNote(loaded) ?? "theme \(loaded.name)")
        }
    }

    /// What to say when `theme` was made for the other kind of background
    /// (its text would be nearly unreadable here); nil when it fits.
    public func themeFitNote(_ theme: Theme) -> String? {
        let made = theme.isLight ? "light" : "dark"
        guard let source = backgroundSource else {
            return theme.isLight
                ? "theme \(theme.name) is for light backgrounds; this terminal did not say its own (t cycles the dark themes)"
                : nil
        }
        guard theme.isLight != lightTerminal else { return nil }
        let other = lightTerminal ? "light" : "dark"
        return
            "theme \(theme.name) is for \(made) backgrounds; this terminal's is \(other) (\(source)): t cycles the \(other) themes"
    }

    /// The attention map the pane shows for result `r` with the current view settings.
    func currentMap(for r: EncodeResult?) -> AttentionMap? { r.flatMap { deriver.map($0, state.attention.spec) } }
}

/// The labelled sentences `:gold` draws from (the probing test set), read on first use.
public struct GoldSet {
    public var source: URL?
    private var loaded: [LabeledSentence]?
    /// The labelled sentence on screen, when the text is one of them.
    public var current: LabeledSentence?

    public init(source: URL? = nil) { self.source = source }

    var sentences: [LabeledSentence] {
        mutating get {
            if loaded == nil { loaded = source.flatMap { try? LabeledCorpus.read($0) } ?? [] }
            return loaded!
        }
    }
}
