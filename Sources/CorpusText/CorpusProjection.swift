/// What a projection's points are: the index's token rows, or its sentences (each the mean
/// of its stored tokens' vectors at the layer).
public enum ProjectionUnit: String, Sendable, Hashable, CaseIterable {
    case tokens, sentences
}

/// A layer's vectors on their first two principal axes (PCA of every point).
public struct CorpusProjection: Sendable {
    public let layer: Int
    public let unit: ProjectionUnit
    /// The two unit axes (2 × d, row-major) and the mean (d) subtracted first.
    public let axes: [Float], mean: [Float]
    /// Each point, x and y interleaved (2 × points): a token row, or a sentence with tokens.
    public let points: [Float]
    /// Sentences: point k's sentence's first token row (its match opens the sentence). Tokens: empty.
    public let firstRows: [Int]
    /// The share of the total variance along each axis.
    public let explained: [Float]

    public init(
        layer: Int, unit: ProjectionUnit = .tokens, axes: [Float], mean: [Float], points: [Float],
        firstRows: [Int] = [], explained: [Float]
    ) {
        self.layer = layer; self.unit = unit; self.axes = axes; self.mean = mean; self.points = points
        self.firstRows = firstRows; self.explained = explained
    }

    /// The token row a point stands for (a sentence's first token), nil outside.
    public func row(ofPoint k: Int) -> Int? {
        guard (0..<count).contains(k) else { return nil }
        return unit == .tokens ? k : firstRows.indices.contains(k) ? firstRows[k] : nil
    }

    public var count: Int { points.count / 2 }

    /// Where a vector of the same layer lands (the typed token's own point).
    public func project(_ v: [Float]) -> (x: Float, y: Float) {
        let d = mean.count
        guard v.count == d, axes.count == 2 * d else { return (0, 0) }
        var x: Float = 0, y: Float = 0
        for i in 0..<d {
            let c = v[i] - mean[i]
            x += c * axes[i]
            y += c * axes[d + i]
        }
        return (x, y)
    }
}

/// One tag per token row as a small code (0: none) and the codes' names, most frequent first.
public struct CorpusTagColumn: Sendable, Equatable {
    public let name: String
    public let values: [String]
    public let codes: [UInt16]
    public init(name: String, values: [String], codes: [UInt16]) {
        self.name = name; self.values = values; self.codes = codes
    }
}
