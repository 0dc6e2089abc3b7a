import Analysis

/// Which part of the screen receives keys.
public enum Focus: Int, CaseIterable, Sendable {
    case inputA, inputB, tokens, attention, predictions, probing
    public var isInput: Bool { self == .inputA || self == .inputB }
}

/// Attention pane settings: what is shown and where the cursor is.
public struct AttentionState: Equatable, Sendable {
    public var layer = 0
    public var head = 0
    public var view = AttentionViewKind.head
    public var words = false
    public var hideSpecial = false
    /// Cursor in map coordinates (query row, key column). The query is the
    /// tokens pane's selected token and the key `keyToken`: when the map is
    /// regrouped (words, hidden specials, another window) the cursor follows
    /// the tokens, not the row numbers.
    public var row = 0
    public var column = 0
    /// The token position under the key column.
    public var keyToken = 0
    public var scrollRow = 0
    public var scrollColumn = 0
    public var overview = false
    /// The whole map pooled to the pane (`O`): each cell a block's mean; the
    /// cursor moves a block at a time and Enter zooms into its band.
    public var pooled = false
    public var focusMode = false
    /// The head finder, when open: every head ranked for the cursor cell.
    public var finder: HeadFinderState?
    /// The head-importance grid (Δ log p of the first mask's prediction per head ablated).
    public var importance = false
    /// The activation-patching grid (the counterfactual's states patched in, one at a time).
    public var patching = false
    /// Sentence comparison (`:compare TEXT`): A, A′ and their difference, and one word's drift by layer.
    public var comparing = false
    /// The shared word whose drift is drawn, and which map a narrow pane shows (0: A − A′, 1: A, 2: A′).
    public var compareWord = 0, compareShown = 0
    /// The teaching panel open in place of the heatmap (`AttentionPanels`), by its context.
    public var panel: Context?
    /// The open panel's own cursor (the arithmetic: a dimension of qᵢ and kⱼ).
    public var panelCursor = 0
    public init() {}

    /// One head's map or the mean of heads, token by token, in the heatmap:
    /// what a band or a pool can show (`pooled` does nothing elsewhere).
    public var poolable: Bool {
        (view == .head || view == .mean) && !words && !hideSpecial && !overview && finder == nil && !comparing
            && panel == nil && !importance && !patching && !focusMode
    }

    /// A panel gives way to the pane's other views when one of them opens.
    mutating func closePanelUnderOtherViews() {
        if overview || focusMode || finder != nil || importance || patching || comparing { panel = nil }
    }
}

/// The head finder: what heads are ranked by, and the highlighted entry.
public struct HeadFinderState: Equatable, Sendable {
    public var criterion = HeadRanking.Criterion.cell
    public var selected = 0
    public init(criterion: HeadRanking.Criterion = .cell, selected: Int = 0) {
        self.criterion = criterion; self.selected = selected
    }
}

public enum Overlay: Equatable, Sendable {
    case none
    case help(scroll: Int)
    case command(LineEditor)
    case modelInfo
    /// The command palette (Ctrl-P): every command and key, filtered by what is typed.
    case palette(PaletteState)
}

/// The command palette's filter and its highlighted entry (in the filtered list).
public struct PaletteState: Equatable, Sendable {
    public var query = LineEditor()
    public var selected = 0
    /// `:glossary`: the palette lists the glossary's terms only.
    public var glossaryOnly = false
    public init(glossaryOnly: Bool = false) { self.glossaryOnly = glossaryOnly }
}

/// A status-line message.
public struct Notice: Equatable, Sendable {
    public var text: String
    public var isError: Bool
    public init(text: String, isError: Bool) { self.text = text; self.isError = isError }
}

/// A teaching sentence from Samples/.
public struct Sample: Equatable, Sendable {
    public var set: String
    public var text: String
    public var pair: String?
    public init(set: String, text: String, pair: String? = nil) { self.set = set; self.text = text; self.pair = pair }
}

/// Tokens pane settings.
public struct TokensState: Equatable, Sendable {
    /// Starts on the first typed token rather than [CLS].
    public var selected = 1
    public init() {}
}

/// Predictions pane settings.
public struct PredictionsState: Equatable, Sendable {
    /// Index into the result's masks.
    public var selectedMask = 0
    public var mostConfidentFirst = false
    /// The explanation of a task head's decision: method, class (nil: the predicted one), token under the cursor.
    public var explainMethod = AttributionMethod.integratedGradients
    public var explainTarget: Int?
    public var explainCursor = 1
    /// A what-if: the masked-LM's softmax at this temperature (display only; 1 is the model's own).
    public var temperature: Float = 1
    public init() {}
}

/// The dataset table's order: highest loss, least confident, longest, or as in the corpus.
public enum DatasetSort: String, CaseIterable, Sendable {
    case loss, confidence, length, corpus
}

/// Probing pane settings.
public struct ProbingState: Equatable, Sendable {
    public var task = 0
    public var representation = false
    /// The corpus view (`c`): the selected token's nearest tokens in the `--corpus` index.
    public var corpus = false
    /// The level searched (0 = the embedding output); nil: the index's last stored layer.
    public var corpusLayer: Int?
    /// The highlighted match (Enter opens its sentence).
    public var corpusMatch = 0
    /// Matching by this attention head's output (from 0) at the layer, not the hidden state (`a`).
    public var corpusHead: Int?
    /// The corpus view's projector (`p`): the layer's tokens on two principal axes, and its
    /// cursor as fractions of the plot's width and height (0…1, top left 0, 0).
    public var corpusProjection = false
    public var plotX = 0.5, plotY = 0.5
    /// The projector's points are sentences (`s`), and what colours them (`o`; nil: the first offered).
    public var projectorSentences = false
    public var projectorColour: String?
    /// The corpus view's dataset table (`d`): the stored classifier's answers, sorted and filtered.
    public var dataset = false
    public var datasetSort = DatasetSort.loss
    /// 0: every row, 1: the misclassified, 2 + k: rows whose gold label is class k.
    public var datasetFilter = 0
    public var datasetRow = 0
    /// `:filter WORD`: only rows whose text contains it (case-insensitive).
    public var datasetWord: String?
    public init() {}

    /// The layers the corpus view steps through: the index's, or those whose head outputs it
    /// stores while matching by a head (the index's when it stores none: the search says so).
    public func corpusSteps(layers: [Int], headLayers: [Int]) -> [Int] {
        corpusHead == nil || headLayers.isEmpty ? layers : headLayers
    }

    /// `corpusLayer` among `stored` (the nearest stored one), else the last; nil without layers.
    public func corpusLevel(in stored: [Int]) -> Int? {
        guard let last = stored.last else { return nil }
        guard let want = corpusLayer else { return last }
        return stored.min { abs($0 - want) < abs($1 - want) }
    }
}

extension AttentionState {
    /// The map this state asks for.
    public var spec: AttentionViewSpec {
        AttentionViewSpec(layer: layer, head: head, kind: view, words: words, hideSpecial: hideSpecial)
    }

    /// The layers that map reads in a model of `layers` layers (its layer clamped to them); nil without layers.
    func layersRead(of layers: Int) -> ClosedRange<Int>? {
        guard layers > 0 else { return nil }
        var s = spec
        s.layer = max(0, min(layers - 1, s.layer))
        return AttentionViews.layersRead(s)
    }
}
