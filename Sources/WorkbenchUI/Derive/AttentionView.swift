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
    /// Each head's full map: hand-made views (tests) only; the workbench
    /// pools thumbnails from the trace instead of copying 72 maps.
    public var maps: [AttentionMap]
    /// Empty until the session's `HeadEntropies` arrive.
    public var entropies: [Float]

    public init(layers: Int, heads: Int, maps: [AttentionMap], entropies: [Float]) {
        self.layers = layers; self.heads = heads; self.maps = maps; self.entropies = entropies
    }

    /// Each head's map average-pooled to its thumbnail (`rows` × `columns`
    /// samples), derived once for the size on screen.
    public var thumbnails: (rows: Int, columns: Int, values: [[Float]])?

    public static func == (a: OverviewView, b: OverviewView) -> Bool {
        a.layers == b.layers && a.heads == b.heads && a.maps == b.maps && a.entropies == b.entropies
            && a.thumbnails?.rows == b.thumbnails?.rows && a.thumbnails?.columns == b.thumbnails?.columns
            && a.thumbnails?.values == b.thumbnails?.values
    }

    /// Thumbnail samples of one head: the derived ones when their size
    /// matches, else pooled now from a hand-made view's maps (blank without).
    func thumbnail(layer: Int, head: Int, rows: Int, columns: Int) -> [Float] {
        let i = layer * heads + head
        if let t = thumbnails, t.rows == rows, t.columns == columns, t.values.indices.contains(i) { return t.values[i] }
        guard maps.indices.contains(i) else { return [Float](repeating: 0, count: rows * columns) }
        return Self.pool(maps[i], rows: rows, columns: columns)
    }

    /// `m` average-pooled to rows × columns samples.
    static func pool(_ m: AttentionMap, rows: Int, columns: Int) -> [Float] {
        var values: [Float] = []
        values.reserveCapacity(rows * columns)
        for rr in 0..<rows {
            let r0 = rr * m.size / rows, r1 = max(r0 + 1, (rr + 1) * m.size / rows)
            for cc in 0..<columns {
                let c0 = cc * m.size / columns, c1 = max(c0 + 1, (cc + 1) * m.size / columns)
                var s: Float = 0, k = 0
                for i in r0..<min(r1, m.size) { for j in c0..<min(c1, m.size) { s += m[i, j]; k += 1 } }
                values.append(k > 0 ? s / Float(k) : 0)
            }
        }
        return values
    }

    /// The thumbnail size for the overview drawn in `r` (nil when only the entropy table fits).
    static func thumbnailSize(_ r: Rect, layers: Int, heads: Int, ramp: Bool) -> (width: Int, height: Int, rows: Int)? {
        let tw = (r.width - 4) / max(1, heads) - 1, th = (r.height - 1) / max(1, layers) - 1
        guard tw >= 2, th >= 1 else { return nil }
        return (tw, th, th * (ramp ? 2 : 1))
    }
    /// nil while the session computes the entropies.
    public func entropy(layer: Int, head: Int) -> Float? {
        entropies.indices.contains(layer * heads + head) ? entropies[layer * heads + head] : nil
    }
}
