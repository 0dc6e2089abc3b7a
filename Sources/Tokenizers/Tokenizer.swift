/// A tokenizer that reproduces HF `tokenizers` for the models BertScope runs:
/// added tokens → BertNormalizer → BertPreTokenizer → WordPiece → template,
/// added tokens → ByteLevel pre-tokenizer → BPE → template (RoBERTa), or
/// added tokens → normalizer chain → Metaspace & co → Unigram → template
/// (SentencePiece models: ALBERT, DeBERTa-v2/v3, XLM-R).
public struct Tokenizer: Sendable {
    public enum Model: Sendable {
        case wordPiece(WordPiece)
        /// Byte-level BPE (the ByteLevel pre-tokenizer's add_prefix_space).
        case bytePairs(BytePairEncoding, addPrefixSpace: Bool)
        /// SentencePiece Unigram, split into words by `preTokenizer`.
        case unigram(Unigram, preTokenizer: PreTokenizer)
    }

    public let normalizer: Normalizer
    public let kind: Model
    public let addedTokens: [AddedToken]
    public let postProcessor: TemplateProcessor
    /// RobertaProcessing's trim_offsets (with its add_prefix_space), for any model.
    public var offsetTrimming: OffsetTrimming? = nil
    private let rawPatterns: [(AddedToken, [Unicode.Scalar])]
    private let normalizedPatterns: [(AddedToken, [Unicode.Scalar])]

    public init(
        normalizer: BertNormalizer, model: WordPiece, addedTokens: [AddedToken], postProcessor: TemplateProcessor
    ) {
        self.init(
            normalizer: normalizer, kind: .wordPiece(model), addedTokens: addedTokens, postProcessor: postProcessor)
    }

    public init(normalizer: BertNormalizer, kind: Model, addedTokens: [AddedToken], postProcessor: TemplateProcessor) {
        self.init(normalizer: .bert(normalizer), kind: kind, addedTokens: addedTokens, postProcessor: postProcessor)
    }

    public init(normalizer: Normalizer, kind: Model, addedTokens: [AddedToken], postProcessor: TemplateProcessor) {
        self.normalizer = normalizer
        self.kind = kind
        self.addedTokens = addedTokens
        self.postProcessor = postProcessor
        rawPatterns = addedTokens.filter { !$0.normalized && !$0.content.isEmpty }
            .map { ($0, Array($0.content.unicodeScalars)) }
        normalizedPatterns = addedTokens.filter { $0.normalized && !$0.content.isEmpty }.map { token in
            let text = NormalizedText(original: Array(token.content.unicodeScalars)[...])
            return (token, normalizer.normalize(text).scalars)
        }
    }

    /// The WordPiece model, for the WordPiece-specific views (x-ray, [UNK] reasons).
    public var wordPiece: WordPiece? { if case .wordPiece(let w) = kind { return w }; return nil }

    private var idToToken: [String] {
        switch kind {
        case .wordPiece(let w): return w.idToToken
        case .bytePairs(let b, _): return b.idToToken
        case .unigram(let u, _): return u.idToToken
        }
    }

    public var vocabSize: Int { max(idToToken.count, (addedTokens.map(\.id).max() ?? -1) + 1) }
    public var unkId: Int? {
        switch kind {
        case .wordPiece(let w): return w.unkId
        case .bytePairs(let b, _): return b.unkId
        case .unigram(let u, _): return u.unkId
        }
    }

    /// The mask token's id: `[MASK]` (BERT family) or `<mask>` (RoBERTa).
    public var maskId: Int? { id(for: maskToken) }
    public var maskToken: String { id(for: "[MASK]") == nil && id(for: "<mask>") != nil ? "<mask>" : "[MASK]" }

    public func token(for id: Int) -> String? {
        if let added = addedTokens.first(where: { $0.id == id }) { return added.content }
        return idToToken.indices.contains(id) ? idToToken[id] : nil
    }

    public func id(for token: String) -> Int? {
        let want = Array(token.unicodeScalars)
        if let added = addedTokens.first(where: { Array($0.content.unicodeScalars) == want }) { return added.id }
        switch kind {
        case .wordPiece(let w): return w.id(for: token)
        case .bytePairs(let b, _): return b.id(for: token)
        case .unigram(let u, _): return u.id(for: token)
        }
    }

    /// Tokenizes `text` (and `pair`), truncating to `maxLength` tokens
    /// (special tokens included) longest-first; `Encoding.truncated` says how many were cut.
    public func encode(_ text: String, pair: String? = nil, maxLength: Int? = nil) -> Encoding {
        var a = trimmed(tokenize(text))
        var b = pair.map { trimmed(tokenize($0)) }
        var cut = 0
        if let maxLength {
            let budget = max(0, maxLength - postProcessor.addedCount(pair: b != nil))
            cut = Self.truncateLongestFirst(&a, &b, budget: budget)
        }
        var e = postProcessor.apply(a, b)
        e.truncated = cut
        return e
    }

    /// The tokens of one sequence, with word ids and offsets, no special tokens added.
    public func tokenize(_ text: String) -> [RawToken] {
        let original = Array(text.unicodeScalars)
        var out: [RawToken] = []
        var word = 0
        for segment in AddedTokenMatcher.split(original, tokens: rawPatterns) {
            switch segment {
            case .added(let token, let r):
                // The matched text, as tokenizers reports it: an lstrip token keeps the space it swallowed (" [MASK]").
                let matched = String(String.UnicodeScalarView(original[r]))
                out.append(
                    RawToken(id: token.id, token: matched, span: .init(r.lowerBound, r.upperBound), wordId: word))
                word += 1
            case .text(let r):
                let normalized = normalizer.normalize(NormalizedText(original: original[r]))
                tokenizeNormalized(normalized, originalStart: r.lowerBound, word: &word, into: &out)
            }
        }
        return out
    }

    private func tokenizeNormalized(
        _ text: NormalizedText, originalStart: Int, word: inout Int, into out: inout [RawToken]
    ) {
        for segment in AddedTokenMatcher.split(text.scalars, tokens: normalizedPatterns) {
            switch segment {
            case .added(let token, let r):
                let (s, e) = text.originalSpan(r.lowerBound, r.upperBound)
                let matched = String(String.UnicodeScalarView(text.scalars[r]))
                out.append(RawToken(id: token.id, token: matched, span: .init(s, e), wordId: word))
                word += 1
            case .text(let r):
                if case .unigram(let model, let pre) = kind {
                    let start = r.lowerBound == 0 ? originalStart : text.originalSpan(r.lowerBound, r.upperBound).0
                    appendUnigram(
                        model, pre, PreToken(text: text.slice(r), originalStart: start), word: &word, into: &out)
                    continue
                }
                if case .bytePairs(let bpe, let prefixSpace) = kind {
                    appendBytePairs(bpe, text, r, prefixSpace: prefixSpace, word: &word, into: &out)
                    continue
                }
                for w in BertPreTokenizer.split(Array(text.scalars[r])) {
                    let range = (w.lowerBound + r.lowerBound)..<(w.upperBound + r.lowerBound)
                    appendWord(text, range, wordId: word, into: &out)
                    word += 1
                }
            }
        }
    }

    private func appendWord(_ text: NormalizedText, _ range: Range<Int>, wordId: Int, into out: inout [RawToken]) {
        guard case .wordPiece(let model) = kind else { return }
        switch model.pieces(text.scalars[range]) {
        case .success(let pieces):
            for p in pieces {
                let (s, e) = text.originalSpan(
                    range.lowerBound + p.range.lowerBound, range.lowerBound + p.range.upperBound)
                out.append(RawToken(id: p.id, token: model.idToToken[p.id], span: .init(s, e), wordId: wordId))
            }
        case .failure(let unknown):
            let (s, e) = text.originalSpan(range.lowerBound, range.upperBound)
            let reason: UnknownReason
            switch unknown.reason {
            case .tooLong(let n): reason = .tooLong(characters: n, limit: model.maxInputCharsPerWord)
            case .noPiece(let at):
                reason = .notInVocabulary(
                    rest: String(String.UnicodeScalarView(text.scalars[(range.lowerBound + at)..<range.upperBound])))
            }
            out.append(
                RawToken(id: model.unkId, token: model.unkToken, span: .init(s, e), wordId: wordId, unknown: reason))
        }
    }

    /// Removes tokens from the end of the longer sequence (B on ties) until
    /// both fit `budget`; returns how many were removed.
    static func truncateLongestFirst(_ a: inout [RawToken], _ b: inout [RawToken]?, budget: Int) -> Int {
        var na = a.count, nb = b?.count ?? 0
        let total = na + nb
        while na + nb > budget {
            if na > nb { na -= 1 } else { nb -= 1 }
        }
        a.removeLast(a.count - na)
        if b != nil { b!.removeLast(b!.count - nb) }
        return total - na - nb
    }
}
