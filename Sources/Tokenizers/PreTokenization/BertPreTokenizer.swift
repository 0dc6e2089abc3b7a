/// HF BertPreTokenizer: split on whitespace (dropped) and on punctuation
/// (each punctuation scalar becomes its own word).
public enum BertPreTokenizer {
    /// Word ranges [start, end) in the normalized scalars.
    public static func split(_ scalars: [Unicode.Scalar]) -> [Range<Int>] {
        var words: [Range<Int>] = []
        var start: Int? = nil
        for (i, c) in scalars.enumerated() {
            let space = BertChar.isWhitespace(c)
            if space || BertChar.isPunctuation(c) {
                if let s = start { words.append(s..<i) }
                start = nil
                if !space { words.append(i..<(i + 1)) }
            } else if start == nil {
                start = i
            }
        }
        if let s = start { words.append(s..<scalars.count) }
        return words
    }
}
