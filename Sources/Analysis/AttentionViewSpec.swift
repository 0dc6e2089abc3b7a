import Encoder
import Tokenizers

/// Which attention matrix to show: the raw head, the layer's mean over
/// heads, or rollout through the layer.
public enum AttentionViewKind: String, CaseIterable, Sendable {
    case head, mean, rollout
    /// Attention flow (max-flow through the same graph as rollout), beside it.
    case flow
    /// Context mixing: ‖α f(x)‖ of the head, summed over heads, and with residual + LayerNorm.
    case norm, normSum = "norm-sum", normResidual = "norm-res-ln", valueZeroing = "value-zeroing"
    /// Rollout over value zeroing (Mohebbi et al.'s plain product).
    case valueZeroingRollout = "value-zeroing-rollout"
    public var label: String {
        switch self {
        case .head: return "single head"
        case .mean: return "mean over heads"
        case .rollout: return "rollout (Abnar & Zuidema)"
        case .norm: return "norm ‖αf(x)‖ of the head (Kobayashi et al. 2020)"
        case .normSum: return "norm ‖Σαf(x)‖ over heads (Kobayashi et al. 2020)"
        case .normResidual: return "norm with residual + LayerNorm (Kobayashi et al. 2021)"
        case .valueZeroing: return "value zeroing (Mohebbi et al. 2023)"
        case .valueZeroingRollout: return "rollout over value zeroing (Mohebbi et al. 2023)"
        case .flow: return "attention flow (Abnar & Zuidema 2020)"
        }
    }
    /// Maps whose rows are vector norms, not probabilities.
    public var isNorm: Bool { self == .norm || self == .normSum || self == .normResidual }
    /// Views computed from the encoder's weights (context mixing), not from the trace alone.
    public var isMixing: Bool { isNorm || needsValueZeroing }
    /// What an entry of the view is: a probability, a vector norm, or a
    /// share of the row (value zeroing, attention flow).
    public var valueName: String { isNorm ? "‖·‖" : needsValueZeroing || self == .flow ? "share" : "p" }
    /// Views built from value zeroing's maps.
    public var needsValueZeroing: Bool { self == .valueZeroing || self == .valueZeroingRollout }
}

/// A view choice: layer, head, kind, word level, special tokens hidden.
public struct AttentionViewSpec: Hashable, Sendable {
    public var layer: Int, head: Int
    public var kind: AttentionViewKind
    public var words: Bool, hideSpecial: Bool
    public init(layer: Int, head: Int, kind: AttentionViewKind = .head, words: Bool = false, hideSpecial: Bool = false)
    {
        self.layer = layer; self.head = head; self.kind = kind; self.words = words; self.hideSpecial = hideSpecial
    }
}

extension AttentionViews {
    /// The layers whose attention maps `spec` reads: its own, or every layer
    /// up to it for the views that multiply through the stack.
    public static func layersRead(_ spec: AttentionViewSpec) -> ClosedRange<Int> {
        let l = max(0, spec.layer)
        switch spec.kind {
        case .rollout, .flow, .valueZeroingRollout: return 0...l
        default: return l...l
        }
    }

    /// The layers whose context-mixing maps `spec` reads (none for the other views).
    public static func mixingLayersRead(_ spec: AttentionViewSpec) -> ClosedRange<Int>? {
        guard spec.kind.isMixing else { return nil }
        return spec.kind == .valueZeroingRollout ? 0...max(0, spec.layer) : spec.layer...spec.layer
    }

    /// The map for `spec`: rows and columns are tokens, or words (consecutive
    /// pieces of one word; specials alone) when `spec.words`.
    /// `mixing` gives a layer's context-mixing maps (the norm views need the
    /// encoder's weights); without it those views show the raw head.
    public static func map(
        _ t: Trace, _ e: Encoding, _ spec: AttentionViewSpec, flow: AttentionMap? = nil,
        mixing: ((Int) -> ContextMixing?)? = nil
    ) -> AttentionMap {
        var m: AttentionMap
        let n = t.tokens
        switch spec.kind {
        case .head: m = head(t, layer: spec.layer, head: spec.head)
        case .mean: m = meanOverHeads(t, layer: spec.layer)
        case .rollout: m = rollout(t, throughLayer: spec.layer)
        // Flow is computed in the background and handed in; rollout stands in until it comes.
        case .flow: m = flow.flatMap { $0.size == n ? $0 : nil } ?? rollout(t, throughLayer: spec.layer)
        case .valueZeroingRollout:
            let layers = (0...spec.layer).compactMap { mixing?($0)?.valueZeroing }
            m = layers.count == spec.layer + 1 ? rollout(layers, n) : rollout(t, throughLayer: spec.layer)
        case .norm, .normSum, .normResidual, .valueZeroing:
            guard let mix = mixing?(spec.layer) ?? nil else {
                m = head(t, layer: spec.layer, head: spec.head)
                break
            }
            switch spec.kind {
            case .norm:
                m = AttentionMap(
                    size: n, values: Array(mix.normPerHead[(spec.head * n * n)..<((spec.head + 1) * n * n)]))
            case .normSum: m = AttentionMap(size: n, values: mix.norm)
            case .valueZeroing: m = AttentionMap(size: n, values: mix.valueZeroing ?? mix.normResidualLN)
            default: m = AttentionMap(size: n, values: mix.normResidualLN)
            }
        }
        if spec.hideSpecial { m = hidingSpecials(m, e) }
        if spec.words { m = wordLevel(m, e) }
        return m
    }

    /// `m` merged into words, in the map's own rows (which may already leave specials out).
    public static func wordLevel(_ m: AttentionMap, _ e: Encoding) -> AttentionMap {
        let starts = m.groups.map { $0[0] }
        let byPosition = Dictionary(uniqueKeysWithValues: starts.enumerated().map { ($1, $0) })
        return words(m, groups: e.wordGroups(of: starts).map { $0.compactMap { byPosition[$0] } })
    }

    /// `m` without the template's special tokens (kept when nothing else would remain).
    public static func hidingSpecials(_ m: AttentionMap, _ e: Encoding) -> AttentionMap {
        let special = Set(m.groups.indices.filter { e.isSpecial(m.groups[$0][0]) })
        return special.isEmpty || special.count >= m.size ? m : hiding(m, special)
    }

    /// A label for a map row: the token, or the word its pieces spell, without
    /// the word-boundary marks of each scheme (WordPiece `##`, SentencePiece
    /// `▁`, byte-level BPE `Ġ`).
    public static func label(_ positions: [Int], _ e: Encoding) -> String {
        guard positions.count > 1 else { return positions.first.map { e.tokens[$0] } ?? "" }
        let word = positions.map { e.tokens[$0].hasPrefix("##") ? String(e.tokens[$0].dropFirst(2)) : e.tokens[$0] }
            .joined()
        guard let first = word.first, first == "▁" || first == "Ġ", word.count > 1 else { return word }
        return String(word.dropFirst())
    }
}
