extension Tokenizer {
    /// Overlapping windows over a long text, exactly as HF tokenizers makes
    /// them with `truncation=True, max_length=N, stride=S,
    /// return_overflowing_tokens=True`: each window holds up to N − k tokens
    /// of the text (k = the special tokens the template adds) and the next
    /// starts N − k − S tokens later, until a window reaches the end; each
    /// gets the special tokens. Offsets stay offsets into the whole text.
    public func encodeWindows(_ text: String, maxLength: Int, stride: Int) throws -> [Encoding] {
        let tokens = trimmed(tokenize(text))
        let added = postProcessor.addedCount(pair: false)
        let budget = maxLength - added
        guard budget >= 1 else {
            throw TokenizerError(
                "max length \(maxLength) leaves no room for text after the \(added) special token\(added == 1 ? "" : "s")"
            )
        }
        // As tokenizers: a text that fits is one window whatever the stride.
        guard tokens.count > budget else { return [postProcessor.apply(tokens, nil)] }
        guard stride >= 0, stride < budget else {
            throw TokenizerError(
                "stride \(stride) must be below the \(budget) text tokens a window of \(maxLength) holds (max length minus \(added) special tokens)"
            )
        }
        var windows: [Encoding] = []
        var start = 0
        while true {
            let stop = min(start + budget, tokens.count)
            windows.append(postProcessor.apply(Array(tokens[start..<stop]), nil))
            if stop == tokens.count { return windows }
            start += budget - stride
        }
    }
}
