extension NormalizedText {
    /// tokenizers' `NormalizedString::transform`: rebuilds the text from
    /// (scalar, change) items read left to right over the current scalars.
    /// change 0 replaces the next scalar, -n also swallows the n after it,
    /// +1 inserts a scalar aligned with the previous one. `initialOffset`
    /// scalars are dropped before the first item. The offsets users see
    /// depend on exactly this bookkeeping, odd cases included.
    public func transformed(_ items: [(Unicode.Scalar, Int)], initialOffset: Int = 0) -> NormalizedText {
        guard !origin.isEmpty else { return NormalizedText(scalars: [], origin: []) }
        var out = NormalizedText(scalars: [], origin: [])
        out.scalars.reserveCapacity(items.count)
        out.origin.reserveCapacity(items.count)
        let last = origin.count - 1
        var offset = initialOffset
        for (c, change) in items {
            let o: Int
            if change > 0 {
                o = origin[max(0, min(offset - 1, last))]
            } else {
                o = origin[min(offset, last)]
                offset += 1 - change
            }
            out.scalars.append(c)
            out.origin.append(o)
        }
        return out
    }

    /// Replaces each range (sorted, disjoint) with `content`, as
    /// `NormalizedString::replace`: the new scalars align with the last
    /// scalar of what they replace.
    public func replacing(_ ranges: [Range<Int>], with content: [Unicode.Scalar]) -> NormalizedText {
        guard !ranges.isEmpty else { return self }
        var out = NormalizedText(scalars: [], origin: [])
        var at = 0
        for r in ranges {
            out.scalars += scalars[at..<r.lowerBound]
            out.origin += origin[at..<r.lowerBound]
            if !r.isEmpty {
                out.scalars += content
                out.origin += repeatElement(origin[r.upperBound - 1], count: content.count)
            }
            at = r.upperBound
        }
        out.scalars += scalars[at...]
        out.origin += origin[at...]
        return out
    }

    /// Keeps the scalars `keep` accepts, each with its own alignment.
    public func filter(_ keep: (Unicode.Scalar) -> Bool) -> NormalizedText {
        flatMap { keep($0) ? [$0] : [] }
    }
}
