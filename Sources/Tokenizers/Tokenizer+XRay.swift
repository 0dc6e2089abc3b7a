/// How one word of the input became its pieces, stage by stage, for the
/// tokenization pane's x-ray.
public struct WordXRay: Sendable, Equatable {
    /// The word as typed.
    public var original: String
    /// (stage name, text after that stage), only for stages that ran.
    public var normalization: [(name: String, text: String)]
    /// Pre-tokens of the normalized text (whitespace dropped, punctuation split off).
    public var preTokens: [String]
    /// For each pre-token, the greedy longest-match steps.
    public var steps: [[Step]]

    public struct Step: Sendable, Equatable {
        /// The matched piece (with `##` when continuing), or nil when nothing matched.
        public var piece: String?
        public var id: Int?
        /// How many longer candidates were tried and missed before this one.
        public var misses: Int
    }

    public static func == (a: WordXRay, b: WordXRay) -> Bool {
        a.original == b.original && a.preTokens == b.preTokens && a.steps == b.steps
            && a.normalization.map(\.name) == b.normalization.map(\.name)
            && a.normalization.map(\.text) == b.normalization.map(\.text)
    }
}

extension Tokenizer {
    /// The x-ray of `text[span]` (Unicode scalar offsets, as in Encoding.offsets).
    public func xray(_ text: String, span: Encoding.Span) -> WordXRay {
        let scalars = Array(text.unicodeScalars)
        let lo = max(0, min(span.start, scalars.count)), hi = max(lo, min(span.end, scalars.count))
        let piece = NormalizedText(original: scalars[lo..<hi])
        if case .bytePairs = kind {
            // Byte-level BPE: no normalizer; pre-tokens by the GPT-2 pattern.
            let words = ByteLevel.split(piece.scalars).map { String(String.UnicodeScalarView(piece.scalars[$0])) }
            return WordXRay(original: piece.string, normalization: [], preTokens: words, steps: words.map { _ in [] })
        }
        if case .unigram(let model, let pre) = kind { return unigramXRay(piece, model, pre) }
        var stages: [(String, String)] = []
        var t = piece
        for stage in normalizer.stages(t) { t = stage.text; stages.append((stage.name, t.string)) }
        let words = BertPreTokenizer.split(t.scalars)
        var preTokens: [String] = [], steps: [[WordXRay.Step]] = []
        for w in words {
            var s = String.UnicodeScalarView()
            s.append(contentsOf: t.scalars[w])
            preTokens.append(String(s))
            steps.append(greedySteps(Array(t.scalars[w])))
        }
        return WordXRay(
            original: String(String.UnicodeScalarView(scalars[lo..<hi])), normalization: stages, preTokens: preTokens,
            steps: steps)
    }

    /// SentencePiece: every normalizer stage, the pre-tokens, and the
    /// pieces the best-scoring segmentation chose (with their ids).
    private func unigramXRay(_ piece: NormalizedText, _ model: Unigram, _ pre: PreTokenizer) -> WordXRay {
        // Only the stages that changed something: SentencePiece chains are long and mostly idle on a word.
        var stages: [(String, String)] = []
        var t = piece
        let all = normalizer.stages(t)
        for stage in all where stage.text.scalars != t.scalars { t = stage.text; stages.append((stage.name, t.string)) }
        if stages.isEmpty && !all.isEmpty { stages.append(("normalizer", "\(all.count) stages, no change")) }
        let words = pre.split([PreToken(text: t, originalStart: piece.origin.first ?? 0)])
        return WordXRay(
            original: piece.string, normalization: stages, preTokens: words.map(\.text.string),
            steps: words.map { w in
                model.encode(w.text.scalars).map {
                    .init(piece: $0.token, id: $0.isUnknown ? model.unkId : $0.id, misses: 0)
                }
            })
    }

    /// WordPiece's own greedy match on the word, traced step by step.
    private func greedySteps(_ chars: [Unicode.Scalar]) -> [WordXRay.Step] {
        guard let model = wordPiece else { return [] }
        var out: [WordXRay.Step] = []
        _ = model.pieces(chars[...]) { m in
            guard let p = m.piece else { return out.append(.init(piece: nil, id: nil, misses: m.misses)) }
            var s = p.range.lowerBound > 0 ? model.prefix : ""
            s.unicodeScalars.append(contentsOf: chars[p.range])
            out.append(.init(piece: s, id: p.id, misses: m.misses))
        }
        return out
    }
}

extension Tokenizer {
    /// "WordPiece (30522 pieces, uncased)" / "byte-level BPE (50265 pieces)".
    public var summary: String {
        switch kind {
        case .wordPiece: return "WordPiece (\(vocabSize) pieces, \(normalizer.lowercases ? "uncased" : "cased"))"
        case .bytePairs: return "byte-level BPE (\(vocabSize) pieces)"
        case .unigram:
            return "SentencePiece Unigram (\(vocabSize) pieces, \(normalizer.lowercases ? "uncased" : "cased"))"
        }
    }
}
