/// GPT-2's byte-level pre-tokenizer, as HF `tokenizers`' ByteLevel with
/// use_regex: split with the pattern
/// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
/// (scanned by hand, no regex engine), then every UTF-8 byte is mapped to a
/// printable character (space → Ġ) before BPE.
public enum ByteLevel {
    /// byte → the character standing for it.
    public static let byteToChar: [Character] = {
        var bs = Array(33...126) + Array(161...172) + Array(174...255)
        var cs = bs
        var n = 0
        for b in 0..<256 where !bs.contains(b) {
            bs.append(b)
            cs.append(256 + n)
            n += 1
        }
        var table = [Character](repeating: " ", count: 256)
        for (b, c) in zip(bs, cs) { table[b] = Character(Unicode.Scalar(UInt32(c))!) }
        return table
    }()

    static func isLetter(_ c: Unicode.Scalar) -> Bool {
        switch c.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    static func isNumber(_ c: Unicode.Scalar) -> Bool {
        switch c.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    static func isSpace(_ c: Unicode.Scalar) -> Bool { c.properties.isWhitespace }

    /// Scalar ranges of the pre-tokens of `s`.
    public static func split(_ s: [Unicode.Scalar]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var i = 0
        let n = s.count
        func run(from j: Int, _ pred: (Unicode.Scalar) -> Bool) -> Int {
            var k = j
            while k < n, pred(s[k]) { k += 1 }
            return k
        }
        let other: (Unicode.Scalar) -> Bool = { !isSpace($0) && !isLetter($0) && !isNumber($0) }
        while i < n {
            // Contractions: 's 't 're 've 'm 'll 'd (lower case only, as the pattern).
            if s[i] == "'" && i + 1 < n {
                let two = i + 2 < n ? String(String.UnicodeScalarView([s[i + 1], s[i + 2]])) : ""
                if ["re", "ve", "ll"].contains(two) { out.append(i..<(i + 3)); i += 3; continue }
                if ["s", "t", "m", "d"].contains(String(Character(s[i + 1]))) {
                    out.append(i..<(i + 2)); i += 2; continue
                }
            }
            // ` ?X+` for letters, numbers, other.
            let start = i
            let j = s[i] == " " && i + 1 < n ? i + 1 : i
            if isLetter(s[j]) { i = run(from: j, isLetter); out.append(start..<i); continue }
            if isNumber(s[j]) { i = run(from: j, isNumber); out.append(start..<i); continue }
            if other(s[j]) && !(j == i && isSpace(s[i])) { i = run(from: j, other); out.append(start..<i); continue }
            // Whitespace: `\s+(?!\S)` leaves the last space for the next word; else `\s+`.
            let end = run(from: i, isSpace)
            if end < n && end - i > 1 {
                out.append(i..<(end - 1)); i = end - 1
            } else {
                out.append(i..<end); i = end
            }
        }
        return out
    }
}

/// Byte-pair encoding over byte-level characters, merges applied by rank
/// (lowest first, leftmost on ties), as HF `tokenizers`' BPE model.
public struct BytePairEncoding: Sendable {
    private let vocab: [[UInt8]: Int]
    public let idToToken: [String]
    private let ranks: [PairKey: Int]
    public let unkId: Int?

    struct PairKey: Hashable { let a: [UInt8], b: [UInt8] }

    public init(entries: [(token: String, id: Int)], merges: [(String, String)], unkToken: String?) throws {
        let v = try Vocabulary(entries)
        let vocab = v.ids, table = v.tokens
        var ranks: [PairKey: Int] = [:]
        for (r, (a, b)) in merges.enumerated() where ranks[PairKey(a: Array(a.utf8), b: Array(b.utf8))] == nil {
            ranks[PairKey(a: Array(a.utf8), b: Array(b.utf8))] = r
        }
        self.vocab = vocab
        self.idToToken = table
        self.ranks = ranks
        self.unkId = unkToken.flatMap { vocab[Array($0.utf8)] }
    }

    public func id(for token: String) -> Int? { vocab[Array(token.utf8)] }

    /// Merges the byte-level characters of one pre-token; each result keeps
    /// the range of symbols (bytes) it covers.
    public func merge(_ symbols: [String]) -> [(token: String, range: Range<Int>)] {
        var parts = symbols.enumerated().map { (Array($1.utf8), $0..<($0 + 1)) }
        while parts.count > 1 {
            var best: (rank: Int, at: Int)? = nil
            for i in 0..<(parts.count - 1) {
                if let r = ranks[PairKey(a: parts[i].0, b: parts[i + 1].0)], r < (best?.rank ?? .max) { best = (r, i) }
            }
            guard let (_, i) = best else { break }
            parts[i] = (parts[i].0 + parts[i + 1].0, parts[i].1.lowerBound..<parts[i + 1].1.upperBound)
            parts.remove(at: i + 1)
        }
        return parts.map { (String(decoding: $0.0, as: UTF8.self), $0.1) }
    }
}
