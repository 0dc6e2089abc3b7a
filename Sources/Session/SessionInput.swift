import Analysis
import Encoder

/// What the user asked the model about. Equality and hashing compare exact
/// Unicode scalars: "é" typed precomposed and decomposed are different
/// inputs with different offsets (Swift's String == would call them equal).
public struct SessionInput: Hashable, Sendable, CustomStringConvertible {
    public var text: String
    public var pair: String?
    /// Token positions replaced by the mask token before encoding.
    public var masked: Set<Int>
    /// When set, BERT's 15% / 80-10-10 corruption is applied with this seed (masking lab).
    public var labSeed: UInt64?
    /// Attention heads knocked out in every pass (their context zeroed).
    public var ablated: HeadAblation
    /// Mean ablation: each ablated head's output is its mean over the session's
    /// reference sentences (per encoder), not zero.
    public var meanAblation: Bool
    /// Attention flow through this layer, computed after the trace (it is n² maximum flows).
    public var flowLayer: Int?
    /// Context mixing of these layers (the norm views, value zeroing and its
    /// rollout), computed after the trace: seconds a layer on long inputs.
    public var mixingLayers: ClosedRange<Int>?
    /// The mixing asked for includes value zeroing (one more pass per token).
    public var valueZeroing: Bool = false
    /// A second sentence A′ to compare the input with (`:compare TEXT`).
    public var comparison: String?
    /// A text longer than the model's window is cut into overlapping windows
    /// (as HF tokenizers' `stride`); this one is encoded and shown.
    public var window: Int
    /// Instead of `window`: the window that holds this character of the text
    /// (Unicode scalars) furthest from its edges. A second model, whose
    /// windows are cut elsewhere, shows the same part of the document.
    public var windowCenter: Int?
    /// Also rank every head by how much ablating it alone changes the first mask's top prediction.
    public var importance: Bool
    /// How the task head's decision is explained, and of which class (nil: the predicted one).
    public var explainMethod: AttributionMethod
    public var explainTarget: Int?
    /// Activation patching from this counterfactual sentence (when `patching` is on).
    public var counterfactual: String?
    public var patching: Bool
    /// Lean mode: the layers whose attention maps the trace keeps (nil: every layer).
    public var attentionLayers: ClosedRange<Int>?
    /// The layers the screen reads now (nil: every layer). Not part of the
    /// input's identity: a short input keeps every map and a layer change
    /// finds them; an input whose maps pass the session's byte budget keeps
    /// these only (then the workbench asks with `attentionLayers`).
    public var readLayers: ClosedRange<Int>? = nil
    /// The attention pane reads its map a band of rows at a time (records
    /// rebuilt from the hidden states): an input whose maps pass the byte
    /// budget then keeps none, and a layer change encodes nothing. Not part
    /// of the input's identity either.
    public var readsBands = false
    /// What the views on screen ask the analyses added as records for, by analysis.
    public var requests: [AnalysisKind: AnalysisRequest] = [:]
    /// Whose layers the trace is computed with: the published checkpoint's or a head's retrained ones.
    public var layers: ShownLayers = .published
    /// Compare the input with itself on these layers (`:compare-model published`):
    /// what a head's retraining changed. Instead of `comparison`.
    public var comparisonLayers: ShownLayers?
    /// The attention-scale experiment: q·k times this instead of 1/√dₕ in every pass (nil: the model's own).
    public var attentionScale: Float?

    public init(
        text: String, pair: String? = nil, masked: Set<Int> = [], labSeed: UInt64? = nil,
        ablated: HeadAblation = HeadAblation(), importance: Bool = false,
        explainMethod: AttributionMethod = .integratedGradients, explainTarget: Int? = nil,
        counterfactual: String? = nil, patching: Bool = false, meanAblation: Bool = false, flowLayer: Int? = nil,
        comparison: String? = nil, window: Int = 0, attentionLayers: ClosedRange<Int>? = nil,
        mixing: ClosedRange<Int>? = nil
    ) {
        self.mixingLayers = mixing
        self.window = window
        self.attentionLayers = attentionLayers
        self.flowLayer = flowLayer
        self.comparison = comparison.flatMap { $0.isEmpty ? nil : $0 }
        self.meanAblation = meanAblation
        self.counterfactual = counterfactual.flatMap { $0.isEmpty ? nil : $0 }
        self.patching = patching
        self.explainMethod = explainMethod
        self.explainTarget = explainTarget
        self.text = text
        self.pair = pair.flatMap { $0.isEmpty ? nil : $0 }
        self.masked = masked
        self.labSeed = labSeed
        self.ablated = ablated
        self.importance = importance
    }

    public static func == (a: SessionInput, b: SessionInput) -> Bool {
        a.text.utf8.elementsEqual(b.text.utf8) && a.masked == b.masked && a.labSeed == b.labSeed
            && a.ablated == b.ablated && a.importance == b.importance && a.explainMethod == b.explainMethod
            && a.explainTarget == b.explainTarget && a.patching == b.patching && a.meanAblation == b.meanAblation
            && a.flowLayer == b.flowLayer && a.attentionLayers == b.attentionLayers
            && a.mixingLayers == b.mixingLayers && a.valueZeroing == b.valueZeroing
            && a.comparison.map { Array($0.utf8) } == b.comparison.map { Array($0.utf8) } && a.window == b.window
            && a.windowCenter == b.windowCenter && a.requests == b.requests && a.layers == b.layers
            && a.comparisonLayers == b.comparisonLayers && a.attentionScale == b.attentionScale
            && a.counterfactual.map { Array($0.utf8) } == b.counterfactual.map { Array($0.utf8) }
            && (a.pair?.utf8).map { p in (b.pair?.utf8).map { p.elementsEqual($0) } ?? false } ?? (b.pair == nil)
    }

    public func hash(into h: inout Hasher) {
        h.combine(Array(text.utf8))
        h.combine(pair.map { Array($0.utf8) })
        h.combine(masked)
        h.combine(labSeed)
        h.combine(ablated)
        h.combine(importance)
        h.combine(explainMethod)
        h.combine(explainTarget)
        h.combine(counterfactual.map { Array($0.utf8) })
        h.combine(patching)
        h.combine(meanAblation)
        h.combine(flowLayer)
        h.combine(mixingLayers)
        h.combine(valueZeroing)
        h.combine(comparison.map { Array($0.utf8) })
        h.combine(window)
        h.combine(windowCenter)
        h.combine(attentionLayers)
        h.combine(requests)
        h.combine(layers)
        h.combine(comparisonLayers)
        h.combine(attentionScale)
    }

    public var description: String { pair.map { "\(text) || \($0)" } ?? text }

    /// What the view on screen asks the session to compute beside the trace:
    /// a key that changes any of it submits the input again.
    public var viewRequest: ViewRequest {
        ViewRequest(
            flowLayer: flowLayer, attentionLayers: attentionLayers, mixingLayers: mixingLayers,
            valueZeroing: valueZeroing, requests: requests)
    }

    public struct ViewRequest: Equatable, Sendable {
        let flowLayer: Int?, attentionLayers: ClosedRange<Int>?, mixingLayers: ClosedRange<Int>?
        let valueZeroing: Bool
        let requests: [AnalysisKind: AnalysisRequest]
    }

    /// The input without what the view asks of the analyses: two inputs
    /// equal here share their encoding and trace.
    var withoutViewRequests: SessionInput {
        var s = self
        s.flowLayer = nil; s.mixingLayers = nil; s.valueZeroing = false; s.requests = [:]
        return s
    }

    /// The settings `kind` is asked for with, if it is asked for.
    public func request<T>(_ kind: AnalysisKind, as type: T.Type) -> T? { requests[kind]?.value(as: type) }
}
