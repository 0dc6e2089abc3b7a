import Foundation
import Analysis
import Checkpoint
import Encoder
import Tokenizers

/// One finished encoding: the tokens, the full trace and how long it took.
public struct EncodeResult: Sendable {
    public internal(set) var input: SessionInput
    public let encoding: Encoding
    /// nil when the model could not run on this input (see `error`).
    public let trace: Trace?
    public let error: String?
    public var milliseconds: Double
    /// Masked-LM analysis when the input has masks (or a lab seed) and the model has a head.
    public var mlm: MLMResult? = nil
    /// ELECTRA discriminators: P(replaced) for every token.
    public var replaced: [Float]? = nil
    /// A sentence pair on a model with a next-sentence head (ALBERT: sentence
    /// order): P(B follows A) and P(it does not).
    public var nextSentence: (yes: Float, no: Float)? = nil
    /// Head importance (`ModelFacts.importanceTarget`: the first mask's top
    /// prediction, the task head's class or the next-sentence verdict), when asked for.
    public var importance: HeadImportance? = nil
    /// Why head importance could not rank the heads (said where the grid would be).
    public var importanceError: String? = nil
    /// The tokens the user's masks replaced, by position (the encoding shows the mask token there).
    public var maskedOriginals: [Int: String] = [:]
    /// The masking lab's corruption by position: `encoding` and `trace` are of
    /// the corrupted input (what the model sees), each chosen token's fate and original here.
    public var corruption: [Int: LabCorruption] = [:]
    /// The task head's answer and its explanation (models with a task head, nothing masked).
    public var task: TaskResult? = nil
    /// Activation patching from the counterfactual, when asked for.
    public var patching: PatchingOutcome? = nil
    /// Attention flow through `input.flowLayer`, when asked for.
    public var flow: FlowOutcome? = nil
    /// Context mixing of `input.mixingLayers`, when asked for.
    public var mixing: MixingOutcome? = nil
    /// The input beside `input.comparison`, when asked for.
    public var comparison: ComparisonOutcome? = nil
    /// Set when the input's attention maps passed the session's byte budget:
    /// the bytes every layer's maps would take; the trace keeps the layers read
    /// (or none, when even those do not fit: `readBytes` says why).
    public var mapsLimited: MapsLimit? = nil

    public struct MapsLimit: Sendable, Equatable {
        /// Every layer's maps, those the screen reads, and the budget.
        public var allBytes: Double, readBytes: Double, budget: Double
    }
    /// Set when the text is longer than the model's window: `encoding` and
    /// `trace` are then the chosen window's.
    public var windows: DocumentWindows? = nil
    /// What the analyses added as records computed, by analysis (typed accessors beside each record).
    public var outcomes: [AnalysisKind: any AnalysisOutcome] = [:]
    /// Every window's encoding (the task phase classifies each without cutting the text again).
    var windowEncodings: [Encoding] = []
    /// A long text's masks seen from the other windows that hold them: by the
    /// shown window's mask position, each other window's top guesses there.
    public var elsewhere: [Int: [(window: Int, guesses: [TokenProbability])]] = [:]
    /// The other windows were asked (`elsewhere` may stay empty: no other window holds the shown window's masks).
    var elsewhereAsked = false
}

/// The patching grid and what it measured, or why there is none.
/// A′ through the same model: its encoding and trace, and how each shared
/// word's representation and each head's attention differ from the input's.
public struct ComparisonOutcome: Sendable, Equatable {
    public var text: String
    /// Set when A′ is the same sentence on other layers (what retraining changed).
    public var layers: ShownLayers? = nil
    public var encoding: Encoding
    public var trace: Trace?
    public var comparison: SentenceComparison?
    public var error: String?
    public init(
        text: String, encoding: Encoding, trace: Trace? = nil, comparison: SentenceComparison? = nil,
        error: String? = nil
    ) {
        self.text = text; self.encoding = encoding; self.trace = trace; self.comparison = comparison; self.error = error
    }
}

/// A long text's windows (HF's overflowing windows): how many, which is shown, and where each lies.
public struct DocumentWindows: Sendable, Equatable {
    public var index: Int
    /// Window size (tokens, specials included) and the tokens consecutive windows share.
    public var size: Int, stride: Int
    /// Each window's range of the document's tokens, and the document's token count.
    public var ranges: [Range<Int>]
    public var documentTokens: Int
    /// Each window's character span in the text (Unicode scalars).
    public var spans: [Range<Int>]
    public var count: Int { ranges.count }
    public init(index: Int, size: Int, stride: Int, ranges: [Range<Int>], documentTokens: Int, spans: [Range<Int>]) {
        self.index = index; self.size = size; self.stride = stride; self.ranges = ranges
        self.documentTokens = documentTokens; self.spans = spans
    }
}

/// Context-mixing maps by layer, computed in the session's background phase.
public struct MixingOutcome: Sendable, Equatable {
    public var layers: [Int: ContextMixing]
    public var valueZeroing: Bool

    /// Layer `l`'s maps, if computed (with value zeroing when that is needed).
    public func layer(_ l: Int, valueZeroing needed: Bool) -> ContextMixing? {
        guard !needed || valueZeroing else { return nil }
        return layers[l]
    }

    var approximateBytes: Int {
        layers.values.reduce(0) {
            $0 + ($1.normPerHead.count + $1.norm.count + $1.normResidualLN.count + ($1.valueZeroing?.count ?? 0)) * 4
        }
    }
}

public struct FlowOutcome: Sendable, Equatable {
    public var layer: Int
    public var map: AttentionMap?
    public var error: String?
    public init(layer: Int, map: AttentionMap? = nil, error: String? = nil) {
        self.layer = layer; self.map = map; self.error = error
    }
}

public struct PatchingOutcome: Sendable {
    public var result: PatchingResult?
    public var target: PatchTarget?
    public var tokens: [String] = []
    public var error: String?
    public init() {}
}

/// What a fine-tuned (or BertScope-trained) task head says about the input.
public struct TaskResult: Sendable {
    public var kind: TaskKind
    public var problemType: ProblemType = .singleLabel
    /// The probability under which the head's top label means "neither" (TaskConfig.calmBelow).
    public var calmBelow: Float? = nil
    /// Sequence classification: every label's score; with heads ablated, the intact model's beside them.
    public var labels: [LabelScore] = []
    public var intact: [LabelScore]? = nil
    /// Token classification: each typed token's label.
    public var tokens: [TokenLabel] = []
    /// Question answering (line A the question, line B the context).
    public var answer: AnswerSpan? = nil
    /// The encoding the head ran on (QA: question + context, which is what the view shows).
    public var encoding: Encoding? = nil
    public var attribution: Attribution? = nil
    /// Set while the explanation of `target` is computed (the labels are in).
    public var explaining = false
    /// A long text: each window's predicted label and its score, window by window.
    public var windowLabels: [(window: Int, label: String, score: Float)] = []
    /// Set while the other windows' labels are computed (after the shown window's answer and explanation).
    public var labellingWindows = false
    /// A long text: the explained class in every other window (same class, same method), window by window.
    public var windowExplanations: [WindowExplanation] = []
    /// Set while the other windows are still being explained (the shown one is done).
    public var explainingWindows = false
    /// A long text whose other windows were not run (a figure of the shown one).
    public var otherWindowsNotRun = false
    public var target: Int? = nil
    public var error: String? = nil
}

/// Everything the predictions pane shows, computed with the session's work.
public struct MLMResult: Sendable {
    public var predictions: [MaskPrediction] = []
    public var leftToRight: [FillStep] = []
    public var mostConfident: [FillStep] = []
    /// Logit lens at each mask position.
    public var lens: [Int: [LensRow]] = [:]
    public var lab: MaskingLab? = nil
    /// With heads ablated: the intact model's probability of each shown guess, by position and id.
    public var intact: [Int: [Int: Float]] = [:]
    /// The whole softmax over the vocabulary at the first `distributionLimit`
    /// masks: what a display-only temperature renormalizes.
    public var distributions: [Int: [Float]] = [:]
    public static let distributionLimit = 8
    public var error: String? = nil

    /// Softmax temperature `t` at `position`: p ↦ p^(1/t) / Σ q^(1/t) over
    /// the whole vocabulary (the logits divided by t); nil without its distribution.
    public func tempering(at position: Int, temperature t: Float) -> ((Float) -> Float)? {
        guard let d = distributions[position], t > 0, t.isFinite else { return nil }
        let e = 1 / Double(t)
        let z = d.reduce(0.0) { $0 + pow(Double($1), e) }
        guard z > 0, z.isFinite else { return nil }
        return { p in Float(pow(Double(p), e) / z) }
    }
}

/// What the UI draws from: the latest input and the newest result the
/// session has, which may belong to an older input while work is in flight.
public struct SessionSnapshot: Sendable {
    public let input: SessionInput
    public let result: EncodeResult?
    /// The analysis running for `input` and its passes, if it counts them.
    public var progress: AnalysisProgress? = nil
    /// Grows with every result shown (a later analysis publishes the same
    /// input again): the frame loop redraws when it changes.
    public var version: Int = 0
    public init(input: SessionInput, result: EncodeResult?, progress: AnalysisProgress? = nil, version: Int = 0) {
        self.input = input; self.result = result; self.progress = progress; self.version = version
    }
    /// True when `result` is for an older input than `input`.
    public var isStale: Bool { result.map { $0.input != input } ?? true }
    /// `analysis`'s passes, when it is the one running.
    public func progress(of analysis: AnalysisKind) -> AnalysisProgress? {
        progress.flatMap { $0.analysis == analysis ? $0 : nil }
    }
}

/// One window of a long text explained for the class the shown window explains.
public struct WindowExplanation: Sendable, Equatable {
    public var window: Int
    /// The explained class's logit in this window.
    public var logit: Float
    /// This window's token of largest |attribution| and its attribution.
    public var strongest: String
    public var strongestValue: Float
    /// The shown window's positions this window also holds (the overlaps), with their attribution here.
    public var shared: [Int: Float]

    public init(window: Int, logit: Float, strongest: String, strongestValue: Float, shared: [Int: Float]) {
        self.window = window; self.logit = logit; self.strongest = strongest
        self.strongestValue = strongestValue; self.shared = shared
    }
}

/// What the masking lab did to one token.
public struct LabCorruption: Sendable, Equatable {
    public var fate: MaskingLab.Fate
    public var original: String
}
