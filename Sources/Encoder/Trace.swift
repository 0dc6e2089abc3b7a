/// Everything one forward pass computed that the panes show. Flat arrays,
/// row-major, shapes given per field.
public struct Trace: Sendable, Equatable {
    public private(set) var tokens: Int = 0
    public private(set) var layers: Int = 0
    public private(set) var heads: Int = 0
    public private(set) var hidden: Int = 0

    /// (L+1, n, d): the embedding output, then every layer's output.
    public var hiddenStates: [Float] = []
    /// (K, H, n, n): softmax attention probabilities of the K layers in
    /// `attentionLayers` (every layer unless the pass was asked to keep fewer:
    /// lean mode), rows are queries.
    public var attentions: [Float] = []
    public private(set) var attentionLayers: Range<Int> = 0..<0
    /// (K, n, d): projected queries and keys (heads side by side along d,
    /// ModernBERT's after the rotation) of the K layers in `attentionLayers`:
    /// a long input's lean pass keeps neither for the layers it does not show.
    public var queries: [Float] = []
    public var keys: [Float] = []

    public init() {}

    /// The layers whose maps the trace keeps, counted from 1: "layer 2", "layers 1–3", "no layer".
    public var keptLayers: String {
        switch attentionLayers.count {
        case 0: return "no layer"
        case 1: return "layer \(attentionLayers.lowerBound + 1)"
        default: return "layers \(attentionLayers.lowerBound + 1)–\(attentionLayers.upperBound)"
        }
    }

    /// Sizes the arrays for n tokens; reallocates only when a size changes.
    /// `keep` limits the attention maps held to those layers (clamped to 0..<l).
    mutating func prepare(tokens n: Int, layers l: Int, heads h: Int, hidden d: Int, keep: Range<Int>? = nil) {
        tokens = n; layers = l; heads = h; hidden = d
        attentionLayers = (keep ?? 0..<l).clamped(to: 0..<l)
        Self.resize(&hiddenStates, (l + 1) * n * d)
        Self.resize(&attentions, attentionLayers.count * h * n * n)
        Self.resize(&queries, attentionLayers.count * n * d)
        Self.resize(&keys, attentionLayers.count * n * d)
    }

    private static func resize(_ a: inout [Float], _ count: Int) {
        if a.count != count { a = [Float](repeating: 0, count: count) }
    }

    /// Hidden state of `token` after `layer` (0 = embeddings).
    public func hiddenState(layer: Int, token: Int) -> ArraySlice<Float> {
        let start = (layer * tokens + token) * hidden
        return hiddenStates[start..<(start + hidden)]
    }

    /// Whether the attention maps of all of `layers` are held.
    public func keepsAttention(_ layers: ClosedRange<Int>) -> Bool {
        attentionLayers.contains(layers.lowerBound) && attentionLayers.contains(layers.upperBound)
    }

    /// Where head `head` of `layer` starts in `attentions`; nil for a layer not kept or out of range.
    public func attentionStart(layer: Int, head: Int) -> Int? {
        guard attentionLayers.contains(layer), (0..<heads).contains(head) else { return nil }
        return ((layer - attentionLayers.lowerBound) * heads + head) * tokens * tokens
    }

    /// Where `layer`'s queries (and keys) start in `queries` (`keys`); nil for a layer not kept.
    public func queryStart(layer: Int) -> Int? {
        guard attentionLayers.contains(layer) else { return nil }
        return (layer - attentionLayers.lowerBound) * tokens * hidden
    }

    /// Attention weight of query `row` on key `column` in `layer`, `head` (0 for a layer not kept).
    public func attention(layer: Int, head: Int, row: Int, column: Int) -> Float {
        guard let start = attentionStart(layer: layer, head: head) else { return 0 }
        return attentions[start + row * tokens + column]
    }
}
