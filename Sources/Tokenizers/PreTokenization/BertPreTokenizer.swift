/// HF BertPreTokenizer: split on whitespace (dropped) and on punctuation
/// (each punctuation scalar becomes its own word).
public enum BertPreTokenizer {
    /// Word ranges [start, end) in the normalized scalars.
    public static func split(_ scalars: [Unicode.Scalar]) -> [Range<Int>] {
        ScalarSplit.ranges(scalars, isolate: BertChar.isPunctuation, drop: BertChar.isWhitespace)
    }
}

/// Splitting scalars into words: `drop` scalars separate words and vanish,
/// `isolate` scalars separate words and are words of their own.
enum ScalarSplit {
    static func ranges(_ scalars: [Unicode.Scalar], isolate: (Unicode.Scalar) -> Bool, drop: (Unicode.Scalar) -> Bool)
        -> [Range<Int>]
    {
        var words: [Range<Int>] = []
        var start: Int? = nil
        for (i, c) in scalars.enumerated() {
            let dropped = drop(c)
            if dropped || isolate(c) {
                if let s = start { words.append(s..<i) }
                start = nil
                if !dropped { words.append(i..<(i + 1)) }
            } else if start == nil {
                start = i
            }
        }
        if let s = start { words.append(s..<scalars.count) }
        return words
    }
}
