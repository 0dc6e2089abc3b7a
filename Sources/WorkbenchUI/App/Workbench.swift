import Analysis
import Foundation
import Session

/// The workbench's state and behaviour, with no terminal in it: keys come in
/// as `Key`s, frames go out as `CellGrid`s. Panes read the session's
/// snapshot; they never run the model.
public final class Workbench {
    public private(set) var session: ModelSession
    public var editorA = LineEditor()
    public var editorB = LineEditor()
    public var focus: Focus = .inputA
    /// Starts on the first typed token rather than [CLS].
    public var selectedToken = 1
    public var attention = AttentionState()
    public var predictions = PredictionsState()
    public var probing = ProbingState()
    /// Probes trained by `bertscope probe` for this model (from the cache).
    public var probes: [TrainedProbes] = []
    /// Labelled sentences `:gold` draws from (the probing test set), read on first use.
    public var goldSource: URL?
    lazy var goldSentences: [LabeledSentence] = goldSource.flatMap { try? LabeledCorpus.read($0) } ?? []
    /// The labelled sentence on screen, when the text is one of them.
    public var gold: LabeledSentence?
    /// Token positions the user masked from the tokens pane (cleared when the text changes).
    public var masked: Set<Int> = []
    public var labSeed: UInt64?
    public var overlay: Overlay = .none
    public var zoomed = false
    public var theme: Theme
    public let themes: ThemeLibrary
    public var colorMode: ColorMode
    public var notice: Notice?
    public var history: History
    public var samples: [Sample]
    public private(set) var sampleIndex = -1
    public private(set) var shouldQuit = false
    /// Loads another model for `:model` (replaceable in tests).
    public var loadModel: (String) throws -> LoadedModel = { try LoadedModel.load($0) }
    /// Where the current sentences are saved on every edit (nil: nowhere).
    public var drafts: DraftStore?
    /// The last draft save failed (said once, not on every keystroke).
    var draftProblem: String?
    /// Set by `--stats`: timing shown in the status bar and printed at exit.
    public var stats: FrameStats?
    /// Where `:export` writes when given no directory.
    public var exportDirectory = "bertscope-export"
    var mapCache: [MapKey: AttentionMap] = [:]
    /// The model folder's files as loaded, to notice changes on disk.
    var modelFiles: [String: String] = [:]
    var filesCheckedAt: UInt64 = 0
    var filesChangeSaid = false
    var batching = false
    var textDirty = false
    /// Screen rectangles of the last frame, for mouse hits.
    var hitAreas = HitAreas()

    public init(session: ModelSession, theme: Theme = .builtIn, themes: ThemeLibrary = ThemeLibrary(directories: []),
                colorMode: ColorMode = .xterm256, history: History = History(file: nil), samples: [Sample] = []) {
        self.session = session
        self.theme = theme
        self.themes = themes
        self.colorMode = colorMode
        self.history = history
        self.samples = samples
        let input = session.snapshot.input
        editorA = LineEditor(input.text)
        editorB = LineEditor(input.pair ?? "")
        modelFiles = Self.fingerprint(session.model.directory)
    }

    public var snapshot: SessionSnapshot { session.snapshot }
    public var config: (layers: Int, heads: Int) { (session.model.encoder.config.numLayers, session.model.encoder.config.numHeads) }

    /// Sends the edited text to the session (cached inputs show at once).
    func inputChanged() {
        session.submit(currentInput)
        notice = nil
    }

    /// What the input lines, masks and lab seed ask the model now.
    var currentInput: SessionInput { SessionInput(text: editorA.text, pair: editorB.text, masked: masked, labSeed: labSeed) }

    /// Text edits move token positions, so user masks are dropped with them.
    /// The draft is saved at once, so a crash or a kill never loses typing.
    /// Inside a batch of keys already waiting (fast typing, a paste without
    /// bracketed-paste support) both happen once, when the batch ends.
    func textChanged() {
        masked = []
        notice = nil  // now, not at the end of a batch: a notice set later in the batch (`:recover`) stays
        if batching { textDirty = true; return }
        submitText()
    }

    private func submitText() {
        session.submit(currentInput)
        saveDraft()
    }

    /// Keys handled between these two calls are one edit for the session and the draft.
    public func beginBatch() { batching = true }

    public func endBatch() {
        batching = false
        if textDirty { textDirty = false; submitText() }
    }

    func saveDraft() {
        guard let drafts else { return }
        do {
            try drafts.save(a: editorA.text, b: editorB.text)
            draftProblem = nil
        } catch {
            if draftProblem == nil { notice = Notice(text: "draft not saved: \(error)", isError: true) }
            draftProblem = "\(error)"
        }
    }

    /// `:recover`: the newest draft another (ended) instance left; the lines
    /// being replaced go to the history first, so nothing is lost.
    func recoverDraft() {
        guard let drafts else { return notice = Notice(text: "drafts are not being kept", isError: true) }
        let others = drafts.orphans()
        guard let url = others.first, let lines = DraftStore.load(url) else {
            return notice = Notice(text: "no other drafts to recover", isError: false)
        }
        for line in [editorA.text, editorB.text] { try? history.add(line) }
        try? FileManager.default.removeItem(at: url)
        setText(lines.a, pair: lines.b)
        notice = Notice(text: "recovered a draft" + (others.count > 1 ? " (\(others.count - 1) more: :recover again)" : ""), isError: false)
    }

    public func setText(_ a: String, pair b: String? = nil) {
        editorA.text = a
        editorB.text = b ?? ""
        textChanged()
    }

    func replaceSession(with model: LoadedModel) {
        let s = ModelSession(model: model, input: session.snapshot.input, scheduler: session.scheduler)
        s.onResult = session.onResult
        s.beforeSnapshot = session.beforeSnapshot
        session = s
        mapCache = [:]
        modelFiles = Self.fingerprint(model.directory)
        filesChangeSaid = false
        loadProbes()
        attention.layer = min(attention.layer, model.encoder.config.numLayers - 1)
        attention.head = min(attention.head, model.encoder.config.numHeads - 1)
    }

    /// The cached probes of the current model; damaged cache files are set aside and said.
    public func loadProbes(in dir: URL = ProbeCache.directory()) {
        let m = session.model
        let (found, problems) = ProbeCache.all(prefix: ProbeCache.modelKey(m.directory), in: dir, inputs: m.encoder.config.hiddenSize)
        probes = found
        if let first = problems.first {
            notice = Notice(text: first + (problems.count > 1 ? " (and \(problems.count - 1) more)" : ""), isError: true)
        }
    }

    func quit() { shouldQuit = true }

    func cycleSample() {
        guard !samples.isEmpty else { notice = Notice(text: "no samples loaded", isError: true); return }
        sampleIndex = (sampleIndex + 1) % samples.count
        loadSample(samples[sampleIndex])
    }

    func loadSample(_ s: Sample) {
        setText(s.text, pair: s.pair)
        notice = Notice(text: "sample (\(s.set)): \(s.text)", isError: false)
    }
}
