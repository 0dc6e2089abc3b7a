import Encoder

/// How much each layer changes each token: the cosine similarity of a
/// token's hidden state to its state one layer down, and the new norm.
public struct LayerDrift: Sendable, Equatable {
    public struct Cell: Sendable, Equatable {
        public var cosine: Float
        public var norm: Float
        public init(cosine: Float, norm: Float) { self.cosine = cosine; self.norm = norm }
    }

    /// `cells[token][layer - 1]` for layers 1…L.
    public var cells: [[Cell]]

    public init(cells: [[Cell]]) { self.cells = cells }

    public init(_ t: Trace) {
        cells = (0..<t.tokens).map { i in
            (1...max(1, t.layers)).map { l in
                guard l <= t.layers else { return Cell(cosine: 1, norm: 0) }
                let a = t.hiddenState(layer: l - 1, token: i), b = t.hiddenState(layer: l, token: i)
                var dot: Float = 0, na: Float = 0, nb: Float = 0
                for (u, v) in zip(a, b) { dot += u * v; na += u * u; nb += v * v }
                return Cell(cosine: dot / max(1e-12, (na * nb).squareRoot()), norm: nb.squareRoot())
            }
        }
    }
}

extension TrainedProbes {
    /// The probe's label for each position at every layer (0 = embeddings):
    /// `labels[k][layer]` for `positions[k]`.
    public func labels(_ t: Trace, positions: [Int]) -> [[String]] {
        let layers = min(t.layers + 1, probes.count)
        return positions.map { i in (0..<layers).map { predict(layer: $0, Array(t.hiddenState(layer: $0, token: i))) } }
    }
}
