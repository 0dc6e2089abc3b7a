/// A long text cut into windows: the text's tokens (no special tokens) and,
/// for each window, which of them it holds and its encoding.
public struct WindowedText: Sendable {
    public var document: [RawToken]
    public var ranges: [Range<Int>]
    public var windows: [Encoding]

    /// Where each document token is most central (HF's question-answering
    /// rule: the largest min(left context, right context) + 0.01 · window
    /// length, the first window on ties), and its position in that window's encoding.
    public func mostCentral() -> [(window: Int, position: Int)] {
        document.indices.map { t in
            var best = (window: 0, score: -Double.infinity)
            for (w, r) in ranges.enumerated() where r.contains(t) {
                let score = Double(min(t - r.lowerBound, r.upperBound - 1 - t)) + 0.01 * Double(r.count)
                if score > best.score { best = (w, score) }
            }
            // The window's encoding holds its tokens in order after the template's leading specials.
            let lead = windows[best.window].sequenceIds.firstIndex { $0 == 0 } ?? 0
            return (best.window, lead + t - ranges[best.window].lowerBound)
        }
    }
}

extension Tokenizer {
    /// Overlapping windows over a long text, exactly as HF tokenizers makes
    /// them with `truncation=True, max_length=N, stride=S,
    /// return_overflowing_tokens=True`: each window holds up to N − k tokens
    /// of the text (k = the special tokens the template adds) and the next
    /// starts N − k − S tokens later, until a window reaches the end; each
    /// gets the special tokens. Offsets stay offsets into the whole text.
    public func encodeWindows(_ text: String, maxLength: Int, stride: Int) throws -> [Encoding] {
        try windowed(text, maxLength: maxLength, stride: stride).windows
    }

    public func windowed(_ text: String, maxLength: Int, stride: Int) throws -> WindowedText {
        let tokens = trimmed(tokenize(text))
        let added = postProcessor.addedCount(pair: false)
        let budget = maxLength - added
        guard budget >= 1 else {
            throw TokenizerError(
                "max length \(maxLength) leaves no room for text after the \(added) special token\(added == 1 ? "" : "s")"
            )
        }
        // As tokenizers: a text that fits is one window whatever the stride.
        guard tokens.count > budget else {
            return WindowedText(
                document: tokens, ranges: [0..<tokens.count], windows: [postProcessor.apply(tokens, nil)])
        }
        guard stride >= 0, stride < budget else {
            throw TokenizerError(
                "stride \(stride) must be below the \(budget) text tokens a window of \(maxLength) holds (max length minus \(added) special tokens)"
            )
        }
        var out = WindowedText(document: tokens, ranges: [], windows: [])
        var start = 0
        while true {
            let stop = min(start + budget, tokens.count)
            out.ranges.append(start..<stop)
            out.windows.append(postProcessor.apply(Array(tokens[start..<stop]), nil))
            if stop == tokens.count { return out }
            start += budget - stride
        }
    }
}
