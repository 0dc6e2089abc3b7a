import Tokenizers

/// The text `bench --workbench` types into: plain words, by word count or
/// sized to a token count on the model's tokenizer.
enum BenchText {
    static let vocabulary = "the quick brown fox jumps over the lazy dog while the river bank floods".split(
        separator: " "
    ).map(String.init)

    static func words(_ n: Int) -> String {
        (0..<n).map { vocabulary[$0 % vocabulary.count] }.joined(separator: " ")
    }

    /// The longest text of these words with at most `tokens` tokens, special
    /// tokens included (exactly `tokens` when each word is one piece).
    static func sized(_ tokens: Int, _ tokenizer: Tokenizer) -> String {
        func count(_ n: Int) -> Int { tokenizer.encode(words(n)).ids.count }
        var n = max(0, tokens - count(0))
        while n > 0, count(n) > tokens { n -= 1 }
        while count(n + 1) <= tokens { n += 1 }
        return words(n)
    }
}

extension BenchText {
    /// A′ for `:compare`: the text with its first word changed.
    static func variant(_ text: String) -> String {
        let words = text.split(separator: " ", maxSplits: 1)
        return words.count > 1 ? "a " + words[1] : "a"
    }
}
