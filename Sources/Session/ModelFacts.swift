import Analysis
import Encoder
import Foundation

/// What the workbench shows about the loaded model, as one value, so the
/// UI layer needs neither the encoder nor its configuration type.
public struct ModelFacts: Sendable, Equatable {
    public var name: String
    public var modelType: String
    public var layers: Int
    public var heads: Int
    public var hiddenSize: Int
    public var hasMaskedLM: Bool
    public var hasReplacedTokenHead: Bool
    /// Set when the MLM head comes from BertScope's overlay.
    public var headNote: String?
    /// The sentence-pair head, nil without one.
    public var pairHead: PairHead?
    /// A task head answers for sentences without masks (`taskNote`: set when it is BertScope's overlay).
    public var hasTaskHead = false
    public var taskNote: String?
    /// DeBERTa's disentangled attention: a score is c2c + c2p + p2c.
    public var relativeAttention = false
    /// ModernBERT: per layer, the local window (keys within ±w of the query), nil for a global layer;
    /// empty for families whose every layer sees every token.
    public var localWindows: [Int?] = []
    /// Whose layers the views can show (`L`): the published ones, then each
    /// head that retrained some, with the titles that name them.
    public var layerChoices: [ShownLayers] = [.published]
    public var layerTitles: [ShownLayers: String] = [:]
    /// How a sentence-transformers model pools a sentence ("mean pooling, normalized"); nil without its files.
    public var sentencePooling: String?

    /// "published layers", "task head's layers (5–6 retrained)".
    public func layersTitle(_ shown: ShownLayers) -> String { layerTitles[shown] ?? "published layers" }

    /// NSP ("is next"/"not next"), or ALBERT's sentence order ("in order"/"swapped").
    public struct PairHead: Sendable, Equatable {
        public var yes: String, no: String
        public var sentenceOrder: Bool
        /// Set when the head is BertScope's overlay (its retrained layers answer, not the published ones).
        public var note: String? = nil
    }

    public init(
        name: String, modelType: String, layers: Int, heads: Int, hiddenSize: Int, hasMaskedLM: Bool = true,
        hasReplacedTokenHead: Bool = false, headNote: String? = nil
    ) {
        self.name = name; self.modelType = modelType; self.layers = layers; self.heads = heads;
        self.hiddenSize = hiddenSize
        self.hasMaskedLM = hasMaskedLM; self.hasReplacedTokenHead = hasReplacedTokenHead; self.headNote = headNote
    }
}

extension LoadedModel {
    public var facts: ModelFacts {
        let c = encoder.config
        var f = ModelFacts(
            name: name, modelType: "\(c.modelType)", layers: c.numLayers, heads: c.numHeads, hiddenSize: c.hiddenSize,
            hasMaskedLM: hasMaskedLM, hasReplacedTokenHead: encoder.hasReplacedTokenHead, headNote: headNote)
        f.hasTaskHead = hasTaskHead
        f.taskNote = taskNote
        f.relativeAttention = c.relative != nil
        f.localWindows = c.modern.map { m in (0..<c.numLayers).map { m.isGlobal($0) ? nil : m.window } } ?? []
        f.layerChoices = layerChoices
        f.sentencePooling = sentencePooling?.summary()
        for shown in layerChoices { f.layerTitles[shown] = layersTitle(shown) }
        if hasNextSentenceHead {
            f.pairHead =
                c.family == .albert
                ? ModelFacts.PairHead(yes: "in order", no: "swapped", sentenceOrder: true)
                : ModelFacts.PairHead(yes: "is next", no: "not next", sentenceOrder: false, note: nextSentenceNote)
        }
        return f
    }
}

/// What head importance ranks the heads by.
public enum ImportanceTarget: Sendable, Equatable { case mask, taskHead, nextSentence }

extension ModelFacts {
    /// Whether the task head answers for `r`: a model with one explains every
    /// encoded input that has no masks (masks mean the masked LM's turn) and
    /// no masking-lab run. The session and the pane that waits for it ask here.
    public func answersWithTaskHead(_ r: EncodeResult) -> Bool {
        hasTaskHead && r.trace != nil && r.mlm == nil && r.input.labSeed == nil
    }

    /// What head importance ranks the heads by for `r` (nil: nothing to rank
    /// by): the first mask's top prediction, else the task head's class, else
    /// a pair's next-sentence verdict. The session and the grid's waiting line ask here.
    public func importanceTarget(_ r: EncodeResult) -> ImportanceTarget? {
        if r.mlm?.predictions.isEmpty == false { return .mask }
        if answersWithTaskHead(r) { return .taskHead }
        if r.trace != nil, r.mlm == nil, r.input.pair != nil, !hasTaskHead, pairHead != nil {
            return .nextSentence
        }
        return nil
    }
}
