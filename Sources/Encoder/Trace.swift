/// Everything one forward pass computed that the panes show. Flat arrays,
/// row-major, shapes given per field.
public struct Trace: Sendable, Equatable {
    public private(set) var tokens: Int = 0
    public private(set) var layers: Int = 0
    public private(set) var heads: Int = 0
    public private(set) var hidden: Int = 0

    /// (L+1, n, d): the embedding output, then every layer's output.
    public var hiddenStates: [Float] = []
    /// (L, H, n, n): softmax attention probabilities, rows are queries.
    public var attentions: [Float] = []
    /// (L, n, d): projected queries and keys (heads side by side along d).
    public var queries: [Float] = []
    public var keys: [Float] = []

    public init() {}

    /// Sizes the arrays for n tokens; reallocates only when a size changes.
    mutating func prepare(tokens n: Int, layers l: Int, heads h: Int, hidden d: Int) {
        tokens = n; layers = l; heads = h; hidden = d
        Self.resize(&hiddenStates, (l + 1) * n * d)
        Self.resize(&attentions, l * h * n * n)
        Self.resize(&queries, l * n * d)
        Self.resize(&keys, l * n * d)
    }

    private static func resize(_ a: inout [Float], _ count: Int) {
        if a.count != count { a = [Float](repeating: 0, count: count) }
    }

    /// Hidden state of `token` after `layer` (0 = embeddings).
    public func hiddenState(layer: Int, token: Int) -> ArraySlice<Float> {
        let start = (layer * tokens + token) * hidden
        return hiddenStates[start..<(start + hidden)]
    }

    /// Attention weight of query `row` on key `column` in `layer`, `head`.
    public func attention(layer: Int, head: Int, row: Int, column: Int) -> Float {
        attentions[((layer * heads + head) * tokens + row) * tokens + column]
    }
}
