/// One vector file of an index: a layer's hidden states (what `dump` shows;
/// layer 0 = the embedding output), or a layer's attention head contexts
/// (each head's weighted sum of values, heads side by side, before the output
/// projection: what exBERT searches when heads are selected).
public enum StoredMatrix: Hashable, Sendable, Comparable {
    case hidden(Int)
    case context(Int)

    /// The file name's middle: `index.layer-3.f16`, `index.context-3.f16`.
    var fileTag: String {
        switch self {
        case .hidden(let l): return "layer-\(l)"
        case .context(let l): return "context-\(l)"
        }
    }

    public var layer: Int {
        switch self {
        case .hidden(let l), .context(let l): return l
        }
    }

    /// Said in errors: "layer 3", "layer 3's head contexts".
    public var name: String {
        switch self {
        case .hidden(let l): return "layer \(l)"
        case .context(let l): return "layer \(l)'s head contexts"
        }
    }
}
