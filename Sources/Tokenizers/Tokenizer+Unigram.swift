extension Tokenizer {
    /// Pre-tokenizes one normalized run and segments each word with Unigram.
    func appendUnigram(
        _ model: Unigram, _ pre: PreTokenizer, _ run: PreToken, word: inout Int, into out: inout [RawToken]
    ) {
        for w in pre.split([run]) {
            for p in model.encode(w.text.scalars) {
                let (s, e) = w.text.originalSpan(p.range.lowerBound, p.range.upperBound)
                out.append(
                    RawToken(
                        id: p.id, token: p.token, span: .init(s, e), wordId: word,
                        unknown: p.isUnknown ? .uncovered(p.token) : nil))
            }
            word += 1
        }
    }
}
