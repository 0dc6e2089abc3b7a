/// What the predictions pane shows, derived once per result.
public struct PredictionsView: Equatable, Sendable {
    public struct Guess: Equatable, Sendable {
        public var token: String, probability: Float, id: Int
        /// With heads ablated: the intact model's probability of this token.
        public var intact: Float?
        public init(token: String, probability: Float, id: Int, intact: Float? = nil) {
            self.token = token; self.probability = probability; self.id = id; self.intact = intact
        }
    }

    public struct Mask: Equatable, Sendable {
        public var position: Int
        /// The token the user's mask replaced (nil for a typed mask token).
        public var was: String?
        public var guesses: [Guess]
        /// Logit lens: (layer, rank of the final answer, top guesses); layer 0 = embeddings.
        public var lens: [LensLine]
        /// A long text: "in window 2: paris 31%  lyon 4%" for each other window holding this mask.
        public var elsewhere: [String] = []
        public var window: String?
        public init(position: Int, was: String? = nil, guesses: [Guess], lens: [LensLine] = []) {
            self.position = position; self.was = was; self.guesses = guesses; self.lens = lens
        }
    }

    public struct LensLine: Equatable, Sendable {
        public var layer: Int, finalRank: Int, top: [Guess]
        public init(layer: Int, finalRank: Int, top: [Guess]) {
            self.layer = layer; self.finalRank = finalRank; self.top = top
        }
    }

    public struct Fill: Equatable, Sendable {
        public var position: Int, token: String, probability: Float
        public init(position: Int, token: String, probability: Float) {
            self.position = position; self.token = token; self.probability = probability
        }
    }

    public struct LabChoice: Equatable, Sendable {
        public var position: Int, original: String, fate: String, guess: String, recovered: Bool
        public init(position: Int, original: String, fate: String, guess: String, recovered: Bool) {
            self.position = position; self.original = original; self.fate = fate; self.guess = guess;
            self.recovered = recovered
        }
    }

    public struct Lab: Equatable, Sendable {
        public var seed: UInt64, typed: Int, recovered: Int, choices: [LabChoice]
        public init(seed: UInt64, typed: Int, recovered: Int, choices: [LabChoice]) {
            self.seed = seed; self.typed = typed; self.recovered = recovered; self.choices = choices
        }
    }

    public enum Content: Equatable, Sendable {
        /// The model has no masked-LM head (and no replaced-token head).
        case noHead(model: String)
        /// ELECTRA discriminators: P(replaced) per typed token.
        case replaced([(token: String, probability: Float)])
        /// A masked-LM head, but nothing masked yet.
        case noMask
        case masks(masks: [Mask], leftToRight: [Fill], mostConfident: [Fill], lab: Lab?, error: String?)
        /// A task head's answer and its explanation.
        case task(TaskPanel)

        public static func == (a: Content, b: Content) -> Bool {
            switch (a, b) {
            case (.noHead(let x), .noHead(let y)): return x == y
            case (.replaced(let x), .replaced(let y)):
                return x.map(\.token) == y.map(\.token) && x.map(\.probability) == y.map(\.probability)
            case (.noMask, .noMask): return true
            case (.task(let x), .task(let y)): return x == y
            case let (.masks(m1, l1, c1, lab1, e1), .masks(m2, l2, c2, lab2, e2)):
                return m1 == m2 && l1 == l2 && c1 == c2 && lab1 == lab2 && e1 == e2
            default: return false
            }
        }
    }

    /// What the model says about a typed sentence pair.
    public enum Pair: Equatable, Sendable {
        /// The pair head's answer: labels and probabilities (yes, no); `note`
        /// names BertScope's trained head when the checkpoint has none of its own.
        case answer(yes: String, no: String, pYes: Float, pNo: Float, albert: Bool, note: String? = nil)
        /// A pair is typed but the model has no pair head.
        case noHead(model: String)
    }

    public var content: Content
    /// Where the head came from when it is not the checkpoint's own.
    public var headNote: String?
    public var pair: Pair?
    /// A typed pair's sentence similarity (a sentence-transformers model): the cosine line, then the token matches.
    public var similarity: [String] = []
    /// A what-if on screen (a softmax temperature): said above the numbers it changed.
    public var experiment: String?

    public init(content: Content, headNote: String? = nil, pair: Pair? = nil) {
        self.content = content; self.headNote = headNote; self.pair = pair
    }

    public var maskCount: Int {
        if case .masks(let m, _, _, _, _) = content { return m.count }
        return 0
    }
}
