import Session

/// Everything the user has set up on screen, as one value: the input lines,
/// focus, each pane's selection, scroll and view mode, the overlay, masks
/// and the lab seed. No I/O and no session in it, so a key binding is a
/// function of this value and a test can build any screen by hand.
public struct WorkbenchState: Equatable, Sendable {
    public var editorA = LineEditor()
    public var editorB = LineEditor()
    public var focus: Focus = .inputA
    public var tokens = TokensState()
    public var attention = AttentionState()
    public var predictions = PredictionsState()
    public var probing = ProbingState()
    /// Token positions the user masked from the tokens pane (cleared when the text changes).
    public var masked: Set<Int> = []
    public var labSeed: UInt64?
    /// A tour step's token to select once its sentence's result is on screen
    /// (until then a frame of the previous, shorter input would clamp it away).
    var pendingSelect: Int?
    /// Heads knocked out (`a` on a head, `:ablate`): every pane shows the ablated model.
    public var ablated = HeadAblation()
    /// `:ablate mean`: the ablated heads output their mean over the reference sentences instead of zero.
    public var meanAblation = false
    /// The counterfactual sentence activation patching compares with (`:counterfactual TEXT`).
    public var counterfactual = ""
    /// The sentence A′ the input is compared with (`:compare TEXT`).
    public var comparison = ""
    /// Or the same input on other layers (`:compare-model published`): what a head's retraining changed.
    public var comparisonLayers: ShownLayers?
    /// The window of a long text shown (`<` `>`, `:window N`); the session keeps it in range.
    public var window = 0
    /// Whose layers the attention (its arithmetic and anatomy) and probing show (`L`, `:layers`): the published ones or a head's.
    public var layers: ShownLayers = .published
    /// The attention-scale experiment (`S`, `:scale`): q·k times this instead of 1/√dₕ; nil is the model's own.
    public var attentionScale: Float?
    public var overlay: Overlay = .none
    public var zoomed = false
    public var notice: Notice?
    /// The tour being played (its banner shows; → ← step, Esc leaves), and one being recorded.
    public var tour: TourPlayback?
    public var recording: TourRecording?

    public init(text: String = "", pair: String = "") {
        editorA = LineEditor(text)
        editorB = LineEditor(pair)
    }

    /// The input line with focus (line A when a pane has it).
    public var focusedEditor: LineEditor {
        get { focus == .inputB ? editorB : editorA }
        // In place: a get-and-set would copy the whole text on every key (10,000 pasted characters: 10,000 copies).
        _modify {
            if focus == .inputB { yield &editorB } else { yield &editorA }
        }
    }

    /// The pane whose bindings apply first.
    public var context: Context {
        switch focus {
        case .inputA, .inputB: return .input
        case .tokens: return .tokens
        case .predictions: return .predictions
        case .probing:
            guard probing.corpus else { return .probing }
            return probing.dataset ? .dataset : probing.corpusProjection ? .projector : .corpus
        case .attention:
            if let p = attention.panel { return p }
            if attention.importance { return .importance }
            if attention.patching { return .patching }
            if attention.comparing { return .comparison }
            if attention.finder != nil { return .finder }
            return attention.overview ? .overview : attention.pooled && attention.poolable ? .pooledMap : .attention
        }
    }

    mutating func say(_ text: String, error: Bool = false) { notice = Notice(text: text, isError: error) }
}
