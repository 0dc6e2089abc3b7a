extension Tokenizer {
    /// Byte-level BPE over a run of text: pre-tokens by the GPT-2 pattern,
    /// bytes mapped to characters, merges, then offsets mapped back from
    /// bytes to the original scalars (a piece holding part of a character's
    /// bytes covers the whole character). RobertaProcessing's offset
    /// trimming comes later, in `trimmed`, as for every model.
    func appendBytePairs(
        _ bpe: BytePairEncoding, _ text: NormalizedText, _ r: Range<Int>, prefixSpace: Bool,
        word: inout Int, into out: inout [RawToken]
    ) {
        var scalars = Array(text.scalars[r])
        var origin = Array(text.origin[r])
        if prefixSpace, let first = scalars.first, first != " " {
            scalars.insert(" ", at: 0)
            origin.insert(origin[0], at: 0)
        }
        for w in ByteLevel.split(scalars) {
            var symbols: [String] = []
            var byteOwner: [Int] = []  // scalar index (in `scalars`) of each byte
            for k in w {
                for b in String(scalars[k]).utf8 {
                    symbols.append(String(ByteLevel.byteToChar[Int(b)]))
                    byteOwner.append(k)
                }
            }
            for piece in bpe.merge(symbols) {
                let first = byteOwner[piece.range.lowerBound], last = byteOwner[piece.range.upperBound - 1]
                let start = origin[first], end = origin[last] + 1
                let id = bpe.id(for: piece.token) ?? bpe.unkId ?? 0
                out.append(RawToken(id: id, token: piece.token, span: .init(start, end), wordId: word))
            }
            word += 1
        }
    }
}
