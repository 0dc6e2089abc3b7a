/// Text being normalized, with each scalar remembering which scalar of the
/// original text it came from. That alignment is what turns token spans back
/// into offsets in the user's text.
public struct NormalizedText: Sendable, Equatable {
    public var scalars: [Unicode.Scalar]
    /// origin[i] = index in the original text of the scalar scalars[i] came from.
    public var origin: [Int]

    public init(scalars: [Unicode.Scalar], origin: [Int]) {
        precondition(scalars.count == origin.count)
        self.scalars = scalars
        self.origin = origin
    }

    /// The slice [start, end) of an original scalar array, aligned to itself.
    public init(original: ArraySlice<Unicode.Scalar>) {
        scalars = Array(original)
        origin = Array(original.indices)
    }

    public var string: String {
        var s = String.UnicodeScalarView()
        s.append(contentsOf: scalars)
        return String(s)
    }

    /// Rebuilds the text by mapping each scalar to zero or more scalars that
    /// all keep the source scalar's origin.
    public func flatMap(_ transform: (Unicode.Scalar) -> [Unicode.Scalar]) -> NormalizedText {
        var out = NormalizedText(scalars: [], origin: [])
        out.scalars.reserveCapacity(scalars.count)
        out.origin.reserveCapacity(scalars.count)
        for (c, o) in zip(scalars, origin) {
            for d in transform(c) {
                out.scalars.append(d)
                out.origin.append(o)
            }
        }
        return out
    }

    /// Offsets in the original text of the normalized range [start, end).
    public func originalSpan(_ start: Int, _ end: Int) -> (Int, Int) {
        guard start < end else {
            return (
                origin.indices.contains(start) ? origin[start] : 0, origin.indices.contains(start) ? origin[start] : 0
            )
        }
        return (origin[start], origin[end - 1] + 1)
    }
}
