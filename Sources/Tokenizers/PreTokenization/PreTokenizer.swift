/// A piece of normalized text between pre-tokenizer splits; `originalStart`
/// is where its enclosing split began in the user's text (Metaspace's
/// "first" scheme looks at it).
public struct PreToken: Sendable {
    public var text: NormalizedText
    public var originalStart: Int
}

/// The tokenizer.json pre-tokenizers used with SentencePiece models.
public indirect enum PreTokenizer: Sendable {
    case whitespaceSplit
    case punctuation
    case metaspace(replacement: Unicode.Scalar, prepend: PrependScheme, split: Bool)
    case sequence([PreTokenizer])

    public enum PrependScheme: String, Sendable { case always, first, never }

    public func split(_ tokens: [PreToken]) -> [PreToken] {
        switch self {
        case .sequence(let list): return list.reduce(tokens) { $1.split($0) }
        case .whitespaceSplit:
            return tokens.flatMap { Self.pieces($0, isolate: { _ in false }, drop: { $0.properties.isWhitespace }) }
        case .punctuation:
            return tokens.flatMap { Self.pieces($0, isolate: BertChar.isPunctuation, drop: { _ in false }) }
        case .metaspace(let r, let scheme, let split): return tokens.flatMap { Self.metaspace($0, r, scheme, split) }
        }
    }

    /// Splits on scalars that are dropped or isolated (each its own piece).
    static func pieces(_ t: PreToken, isolate: (Unicode.Scalar) -> Bool, drop: (Unicode.Scalar) -> Bool) -> [PreToken] {
        ScalarSplit.ranges(t.text.scalars, isolate: isolate, drop: drop).map {
            PreToken(text: t.text.slice($0), originalStart: t.text.origin[$0.lowerBound])
        }
    }

    /// Spaces become `replacement`, which is prepended per the scheme; each
    /// replacement then starts a new piece (MergedWithNext).
    static func metaspace(_ t: PreToken, _ r: Unicode.Scalar, _ scheme: PrependScheme, _ split: Bool) -> [PreToken] {
        var text = t.text
        text.scalars = text.scalars.map { $0 == " " ? r : $0 }
        if let first = text.scalars.first, first != r {
            if scheme == .always || (scheme == .first && t.originalStart == 0) {
                text = NormalizedText(scalars: [r] + text.scalars, origin: [text.origin[0]] + text.origin)
            }
        }
        guard split else { return [PreToken(text: text, originalStart: t.originalStart)] }
        var out: [PreToken] = []
        var start = 0
        for (i, c) in text.scalars.enumerated() where c == r && i > start {
            out.append(PreToken(text: text.slice(start..<i), originalStart: text.origin[start]))
            start = i
        }
        if start < text.scalars.count {
            out.append(PreToken(text: text.slice(start..<text.scalars.count), originalStart: text.origin[start]))
        }
        return out
    }
}

extension NormalizedText {
    func slice(_ r: Range<Int>) -> NormalizedText {
        NormalizedText(scalars: Array(scalars[r]), origin: Array(origin[r]))
    }
}
