/// Everything one frame shows, derived from exactly one session snapshot
/// and the state: panes draw from this and nothing else, so no index on
/// screen can outrun the data behind it.
public struct FrameView: Equatable, Sendable {
    public var tokens: TokensView?
    public var attention: AttentionView?
    public var overview: OverviewView?
    /// The attention map read by bands or pooled (a long input's), instead of `attention`.
    public var longMap: LongMapView?
    public var finder: HeadFinderView?
    public var importance: ImportanceView?
    public var patching: PatchingView?
    /// The teaching panel open in the attention pane (`AttentionPanels`).
    public var panel: PanelView?
    /// Attention flow still computing (or refused): said where the heatmap goes.
    public var flowWaiting: String?
    /// The second model's panes (`:compare-model`): its attention, predictions, and the attention state clamped to it.
    public var second: SecondView?
    /// Sentence comparison (`:compare`), or why it is not there yet.
    public var comparison: ComparisonView?
    public var comparisonWaiting = ""
    /// Why the model could not run on this input (shown in the attention pane).
    public var error: String?
    public var predictions: PredictionsView?
    public var probing: ProbingView?
    public var status: StatusView
    /// Whose layers the attention (its arithmetic and anatomy) and probing show ("published layers",
    /// "task head's layers (5–6 retrained)"); nil when the model has one set.
    public var layersShown: String?
    /// The attention-scale experiment the result ran with, said where its numbers are.
    public var experiment: String?
    /// The sizes the keys work within: which keys the hint line offers (one that cannot act is left out).
    public var extent = Extent()

    public init(
        tokens: TokensView? = nil, attention: AttentionView? = nil, overview: OverviewView? = nil, error: String? = nil,
        predictions: PredictionsView? = nil, probing: ProbingView? = nil, status: StatusView
    ) {
        self.tokens = tokens; self.attention = attention; self.overview = overview; self.error = error
        self.predictions = predictions; self.probing = probing; self.status = status
    }
}

/// What the second model's halves of the panes show.
public struct SecondView: Equatable, Sendable {
    public var name: String
    public var layers: Int, heads: Int
    public var attention: AttentionView?
    /// Its map read by bands (a long input over its own session's budget), instead of `attention`.
    public var longMap: LongMapView?
    /// The first model's attention settings, within the second model's shape.
    public var attentionState: AttentionState
    public var predictions: PredictionsView?
    /// What its panes show when that is not simply the current sentence:
    /// "⟳ previous input", "window 2/5".
    public var marks: [String] = []
    /// What its attention pane says while its map is being computed.
    public var waiting: String?
    public init(
        name: String, layers: Int, heads: Int, attention: AttentionView?, attentionState: AttentionState,
        predictions: PredictionsView?, marks: [String] = []
    ) {
        self.name = name; self.layers = layers; self.heads = heads; self.attention = attention
        self.attentionState = attentionState; self.predictions = predictions; self.marks = marks
    }

    /// "B: NAME" and the marks: what each of its panes is headed with.
    public static func heading(_ name: String, _ marks: [String]) -> String {
        (["B: \(name)"] + marks).joined(separator: " · ")
    }

    public var titlePrefix: String { Self.heading(name, marks) + " · " }
}
