import Session

/// Where a binding applies: anywhere, or only while a part has focus. A key
/// goes to the focused part's context first, then bubbles outwards. A
/// struct, not an enum, so a panel (`AttentionPanel`) brings its own.
public struct Context: Hashable, Sendable, CustomStringConvertible {
    /// The name the help and docs/workbench.md group keys under.
    public let rawValue: String
    init(_ name: String) { rawValue = name }
    public var description: String { rawValue }

    public static let global = Context("Anywhere"), input = Context("Input lines"), panes = Context("Panes")
    public static let tokens = Context("Tokens pane"), attention = Context("Attention pane")
    public static let overview = Context("Head overview"), finder = Context("Head finder")
    public static let importance = Context("Head importance"), patching = Context("Activation patching")
    public static let comparison = Context("Sentence comparison")
    public static let pooledMap = Context("Pooled map")
    public static let predictions = Context("Predictions pane"), probing = Context("Probing pane")
    public static let corpus = Context("Corpus view"), projector = Context("Corpus projector")
    public static let dataset = Context("Corpus dataset")
    public static let tour = Context("Tour")
    /// A tour step that asks a question: typing is the learner's answer until it is given.
    public static let tourQuestion = Context("Tour question")
    /// The overlays and the mouse: their keys are records too, so the help lists them.
    public static let helpOverlay = Context("Help overlay"), commandLine = Context("Command line")
    public static let palette = Context("Command palette")
    public static let mouse = Context("Mouse")

    /// In help order; the attention pane's panels after its other views.
    public static var allCases: [Context] {
        [
            .global, .input, .panes, .tokens, .attention, .pooledMap, .overview, .finder, .importance, .patching,
            .comparison,
        ]
            + AttentionPanels.all.map(\.context) + [
                .predictions, .probing, .corpus, .projector, .dataset, .tour, .tourQuestion, .helpOverlay, .commandLine,
                .palette, .mouse,
            ]
    }

    /// The contexts a key tries in order when `self` has focus: a panel
    /// passes what it does not bind to the attention pane (the cursor, the
    /// layer and head keys keep working under it).
    var chain: [Context] {
        switch self {
        case .global: return [.global]
        case .input: return [.input, .global]
        case .panes: return [.panes, .global]
        // The corpus view's keys first, then the probing pane's (its r and c), then the panes'.
        case .corpus: return [.corpus, .probing, .panes, .global]
        case .projector: return [.projector, .corpus, .probing, .panes, .global]
        case .dataset: return [.dataset, .corpus, .probing, .panes, .global]
        // The layer and head keys of the attention pane keep working on the pooled map.
        case .pooledMap: return [.pooledMap, .attention, .panes, .global]
        default: return [self] + (isPanel ? [.attention] : []) + [.panes, .global]
        }
    }

    var isPanel: Bool { AttentionPanels.all.contains { $0.context == self } }
}

/// What the screen holds right now, so bindings can keep cursors in range.
public struct Extent: Equatable, Sendable {
    public var tokens = 0, mapSize = 0, masks = 0, probes = 0
    public var layers = 1, heads = 1
    /// A task head's labels, the predicted one, and the tokens its panel shows.
    public var labels = 0, predicted = 0, taskTokens = 0
    /// A long text's windows (1 for a text that fits).
    public var windows = 1
    /// The values per head (dₕ): the arithmetic's dimension cursor stays below it.
    public var headDim = 1
    /// Whose layers the views can show (`L` cycles them).
    public var layerChoices: [ShownLayers] = [.published]
    /// Scores are q·k/√dₕ (not DeBERTa's sum of terms): the scale experiment applies.
    public var plainScores = true
    /// The `--corpus` index's stored layers (empty without one) and the matches on screen.
    public var corpusLayers: [Int] = [], corpusMatches = 0
    /// The layers whose head outputs the index stores (`corpus index --contexts`).
    public var corpusHeadLayers: [Int] = []
    /// What can colour the projector's points now, and the one shown.
    public var corpusColourings: [String] = []
    public var corpusColouring: String?
    /// The dataset table's classes and its rows after the filter.
    public var datasetClasses = 0, datasetRows = 0
    /// The map's rows and columns are the tokens themselves, read by bands (a long input's).
    public var tokenMap = false
    /// The pooled map's blocks down and across: its cursor moves a block at a time.
    public var pooledRows = 1, pooledColumns = 1
    public init(tokens: Int = 0, mapSize: Int = 0, masks: Int = 0, probes: Int = 0, layers: Int = 1, heads: Int = 1) {
        self.tokens = tokens; self.mapSize = mapSize; self.masks = masks; self.probes = probes; self.layers = layers;
        self.heads = heads
    }
}

/// What a binding asks of the controller after changing the state: the
/// parts that need I/O or the session.
public enum Effect: Equatable, Sendable {
    case none
    case quit
    /// Masks or the lab seed changed: the session encodes again.
    case inputChanged
    case keepInHistory, historyPrevious, historyNext
    case nextTheme, nextSample
    /// The selected token (or its whole word) joins or leaves the masks.
    case toggleMask(wholeWord: Bool)
    /// Ctrl-L: repaint the whole terminal.
    case repaint
    /// The head finder's highlighted head becomes the one shown.
    case openRankedHead
    /// A tour moves by this many steps, or is left.
    case tourStep(Int)
    case leaveTour
    /// The command line's text runs (Enter) or is completed (Tab).
    case runCommand(String), completeCommand
    /// A command changed what is asked: the session encodes again, its notice stays.
    case submit
    /// A command's I/O (files, themes, models, tours, exports).
    case io(CommandIO)
    /// An input line's text changed (typing, a paste): history browsing
    /// stops, masks are dropped, the session encodes and the draft is saved.
    case textEdited
    /// The corpus view's highlighted match becomes the typed sentence.
    case openCorpusMatch
    /// The palette's pick: the binding at this index of `KeyMap.bindings`
    /// runs as if its key were pressed where it applies.
    case runKey(Int)
}

/// One key binding: keys, where it applies, what it does, and the help line
/// (lazygit-style: the help overlay and the docs/workbench.md table come from these).
public struct Binding: Sendable {
    public let keys: [Key]
    public let context: Context
    public let help: String
    let run: @Sendable (inout WorkbenchState, Extent) -> Effect
    /// Why the binding cannot act now (lazygit's disabled reason): said on
    /// the status line instead of doing nothing.
    private(set) var disabledReason: (@Sendable (WorkbenchState, Extent) -> String?)? = nil
    /// Its word on the hint line of the focused pane (nil: not hinted);
    /// bindings with the same word and context share one hint ("[ ] layer").
    private(set) var hint: String? = nil

    init(
        _ keys: [Key], _ context: Context, _ help: String,
        _ run: @escaping @Sendable (inout WorkbenchState, Extent) -> Effect
    ) {
        self.keys = keys; self.context = context; self.help = help; self.run = run
    }

    /// A binding that only changes the state.
    static func state(
        _ keys: [Key], _ context: Context, _ help: String,
        _ change: @escaping @Sendable (inout WorkbenchState, Extent) -> Void
    ) -> Binding {
        Binding(keys, context, help) { s, e in
            change(&s, e); return .none
        }
    }

    static func effect(_ keys: [Key], _ context: Context, _ help: String, _ effect: Effect) -> Binding {
        Binding(keys, context, help) { _, _ in effect }
    }

    /// The binding, refusing with `reason` whenever it returns one.
    func unless(_ reason: @escaping @Sendable (WorkbenchState, Extent) -> String?) -> Binding {
        var b = self
        b.disabledReason = reason
        return b
    }

    /// The binding, shown on the focused pane's hint line as `label` while it can act.
    func hint(_ label: String) -> Binding {
        var b = self
        b.hint = label
        return b
    }

    /// Why it cannot act in `s` (nil: it can).
    func disabled(_ s: WorkbenchState, _ e: Extent) -> String? { disabledReason?(s, e) }
}

public enum KeyMap {
    /// Every binding, in help order: global and pane-wide ones, then each pane's own.
    public static let bindings: [Binding] =
        GlobalBindings.all + TokensPane.bindings + AttentionPane.bindings
        + OverviewGrid.bindings + LongMapGrid.bindings + HeadFinder.bindings + ImportanceGrid.bindings
        + PatchingGrid.bindings
        + ComparisonGrid.bindings + AttentionPanels.all.flatMap(\.bindings)
        + PredictionsPane.bindings
        + ProbingPane.bindings + TourBanner.bindings + TourBanner.questionBindings + OverlayBindings.all

    /// The binding for `key` in the first context of `chain` that binds it.
    static func binding(for key: Key, in chain: [Context]) -> Binding? {
        for c in chain {
            if let b = bindings.first(where: { $0.context == c && $0.keys.contains(key) }) { return b }
        }
        return nil
    }

    /// Help text lines, grouped by context, generated from `bindings`.
    public static var helpLines: [(context: Context, keys: String, help: String)] {
        Context.allCases.flatMap { c in
            bindings.filter { $0.context == c }.map { (c, $0.keys.map(\.description).joined(separator: " "), $0.help) }
                + (c == .mouse ? MouseBindings.all.map { (c, $0.gesture, $0.help) } : [])
        }
    }
}

extension KeyMap {
    /// The key and command tables of docs/workbench.md, generated from the same records
    /// as the help overlay (a test keeps that file equal to this).
    public static var markdown: String {
        var out = ["| Where | Keys | Does |", "|---|---|---|"]
        for (context, keys, help) in helpLines {
            out.append(
                "| \(context.rawValue) | \(keys.split(separator: " ").map { "`\($0)`" }.joined(separator: " ")) | \(help.replacingOccurrences(of: "|", with: "\\|")) |"
            )
        }
        out += ["", "| Command | Does |", "|---|---|"]
        for c in Commands.all { out.append("| `\(c.usage.replacingOccurrences(of: "|", with: "\\|"))` | \(c.help) |") }
        return out.joined(separator: "\n")
    }
}
