import Analysis

/// What the attention pane shows for one result and view choice.
public struct AttentionView: Equatable, Sendable {
    public var map: AttentionMap
    /// One label per map row/column (tokens or words, escaped for display).
    public var labels: [String]
    /// The template's special tokens as this model spells them ("[CLS]/[SEP]").
    public var specialNames: String
    public var statistics: HeadStatistics
    /// DeBERTa: the cursor cell's score split into its terms (single head, token view).
    public var scoreParts: String?
    /// Keys of the cursor's query row, strongest first (focus mode).
    public var ranked: [Int]

    public init(
        map: AttentionMap, labels: [String], specialNames: String = "specials", statistics: HeadStatistics? = nil,
        scoreParts: String? = nil, ranked: [Int]? = nil
    ) {
        self.map = map; self.labels = labels; self.specialNames = specialNames
        self.statistics = statistics ?? HeadStatistics(map, kinds: Array(repeating: .other, count: map.size))
        self.scoreParts = scoreParts
        self.ranked = ranked ?? Array(0..<map.size)
    }
}

/// All layers × heads: each head's map (specials hidden when asked) and its entropy.
public struct OverviewView: Equatable, Sendable {
    public var layers: Int, heads: Int
    /// `maps[layer * heads + head]`.
    public var maps: [AttentionMap]
    public var entropies: [Float]

    public init(layers: Int, heads: Int, maps: [AttentionMap], entropies: [Float]) {
        self.layers = layers; self.heads = heads; self.maps = maps; self.entropies = entropies
    }

    public func map(layer: Int, head: Int) -> AttentionMap { maps[layer * heads + head] }
    public func entropy(layer: Int, head: Int) -> Float { entropies[layer * heads + head] }
}
