/// A token from `added_tokens` (e.g. `[MASK]`): matched in the text before
/// (normalized: false) or after (normalized: true) normalization, and never
/// split by the model.
public struct AddedToken: Sendable, Equatable {
    public var id: Int
    public var content: String
    public var special: Bool
    public var singleWord: Bool = false
    public var lstrip: Bool = false
    public var rstrip: Bool = false
    public var normalized: Bool = false

    public init(
        id: Int, content: String, special: Bool, singleWord: Bool = false, lstrip: Bool = false, rstrip: Bool = false,
        normalized: Bool = false
    ) {
        self.id = id; self.content = content; self.special = special
        self.singleWord = singleWord; self.lstrip = lstrip; self.rstrip = rstrip; self.normalized = normalized
    }
}

/// A piece of text after splitting on added tokens: either an added token
/// (with its span) or a run of ordinary text.
enum Segment: Equatable {
    case added(AddedToken, Range<Int>)
    case text(Range<Int>)
}

enum AddedTokenMatcher {
    /// Splits `scalars` on leftmost-longest occurrences of `tokens`, honouring
    /// lstrip/rstrip (the match swallows neighbouring whitespace) and
    /// single_word (the match must not touch word characters).
    static func split(_ scalars: [Unicode.Scalar], tokens: [(AddedToken, [Unicode.Scalar])]) -> [Segment] {
        guard !tokens.isEmpty, !scalars.isEmpty else { return scalars.isEmpty ? [] : [.text(0..<scalars.count)] }
        var segments: [Segment] = []
        var textStart = 0
        var i = 0
        while i < scalars.count {
            guard let (token, length) = longestMatch(scalars, at: i, tokens: tokens) else { i += 1; continue }
            var start = i, end = i + length
            if token.lstrip { while start > textStart, BertChar.isWhitespace(scalars[start - 1]) { start -= 1 } }
            if token.rstrip { while end < scalars.count, BertChar.isWhitespace(scalars[end]) { end += 1 } }
            if textStart < start { segments.append(.text(textStart..<start)) }
            segments.append(.added(token, start..<end))
            textStart = end
            i = end
        }
        if textStart < scalars.count { segments.append(.text(textStart..<scalars.count)) }
        return segments
    }

    private static func longestMatch(
        _ s: [Unicode.Scalar], at i: Int, tokens: [(AddedToken, [Unicode.Scalar])]
    ) -> (AddedToken, Int)? {
        var best: (AddedToken, Int)? = nil
        for (token, pattern) in tokens where pattern.count > (best?.1 ?? 0) && i + pattern.count <= s.count {
            guard s[i..<(i + pattern.count)].elementsEqual(pattern) else { continue }
            if token.singleWord && !isWordBoundary(s, i, i + pattern.count) { continue }
            best = (token, pattern.count)
        }
        return best
    }

    private static func isWordBoundary(_ s: [Unicode.Scalar], _ start: Int, _ end: Int) -> Bool {
        func isWordChar(_ c: Unicode.Scalar) -> Bool {
            c.properties.isAlphabetic || c.properties.numericType != nil || c == "_"
        }
        let before = start == 0 || !isWordChar(s[start - 1])
        let after = end == s.count || !isWordChar(s[end])
        return before && after
    }
}
