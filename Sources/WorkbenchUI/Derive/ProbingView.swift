/// What the probing pane shows, derived once per result and task.
public struct ProbingView: Equatable, Sendable {
    public struct Task: Equatable, Sendable {
        public var name: String
        /// Accuracy per layer (0 = embeddings), selectivity per layer, and the expected layer.
        public var accuracy: [Double], selectivity: [Double]
        public var bestLayer: Int, expectedLayer: Double
        public init(name: String, accuracy: [Double], selectivity: [Double], bestLayer: Int, expectedLayer: Double) {
            self.name = name; self.accuracy = accuracy; self.selectivity = selectivity; self.bestLayer = bestLayer
            self.expectedLayer = expectedLayer
        }
    }

    /// Words (first piece of each) × layers: the probe's label, and gold labels when known.
    public struct WordGrid: Equatable, Sendable {
        public var words: [String]
        public var labels: [[String]]
        public var gold: [String]?
        public init(words: [String], labels: [[String]], gold: [String]? = nil) {
            self.words = words; self.labels = labels; self.gold = gold
        }
    }

    /// Tokens × layers 1…L: cosine to the token one layer down, and the norm.
    public struct Drift: Equatable, Sendable {
        public var tokens: [String]
        public var cosine: [[Float]], norm: [[Float]]
        public init(tokens: [String], cosine: [[Float]], norm: [[Float]]) {
            self.tokens = tokens; self.cosine = cosine; self.norm = norm
        }
    }

    public enum Content: Equatable, Sendable {
        case drift(Drift)
        case corpus(CorpusView)
        /// No probes cached for these layers; `estimate` says how long training
        /// takes, `layers` names a head's layers (`--layers` NAME) when they are not the published ones.
        case noProbes(estimate: String, layers: String? = nil)
        case probes(tasks: [Task], selected: Int, grid: WordGrid)
    }

    public var content: Content
    public init(content: Content) { self.content = content }

    public var taskCount: Int {
        if case .probes(let t, _, _) = content { return t.count }
        return 0
    }
}

/// The status line's facts.
public struct StatusView: Equatable, Sendable {
    public var model: String, family: String
    public var layers: Int, heads: Int
    public var tokens: Int?, truncated: Int, milliseconds: Double?
    public var theme: String
    public var stale: Bool
    public var error: String?
    /// Recent keystroke-to-frame p95 (`--stats`).
    public var p95: Double?
    public var notice: Notice?
    /// "1.2, 3.4" when heads are ablated.
    public var ablated: String?
    /// "window 2/3 of 512, stride 128" for a long text (instead of the cut count).
    public var windows: String?
    /// Lean mode: traces hold only the maps on screen.
    public var lean = false

    public init(
        model: String, family: String, layers: Int, heads: Int, tokens: Int? = nil, truncated: Int = 0,
        milliseconds: Double? = nil,
        theme: String = "default", stale: Bool = false, error: String? = nil, p95: Double? = nil, notice: Notice? = nil
    ) {
        self.model = model; self.family = family; self.layers = layers; self.heads = heads; self.tokens = tokens
        self.truncated = truncated; self.milliseconds = milliseconds; self.theme = theme; self.stale = stale;
        self.error = error
        self.p95 = p95; self.notice = notice
    }
}
