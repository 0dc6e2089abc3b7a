/// A tokenizer.json normalizer: the ones BERT-family checkpoints ship,
/// each reproducing tokenizers' text and alignment rules.
public indirect enum Normalizer: Sendable {
    case bert(BertNormalizer)
    case sequence([Normalizer])
    case lowercase
    case unicode(UnicodeForm)
    case stripAccents
    case strip(left: Bool, right: Bool)
    case replace(TextPattern, content: [Unicode.Scalar])
    case precompiled(PrecompiledCharsmap)
    case prepend([Unicode.Scalar])

    /// Text passes through untouched.
    public static let identity = Normalizer.sequence([])

    public func normalize(_ text: NormalizedText) -> NormalizedText {
        switch self {
        case .bert(let b): return b.normalize(text)
        case .sequence(let list): return list.reduce(text) { $1.normalize($0) }
        case .lowercase: return text.flatMap(BertNormalizer.lower)
        case .unicode(let form): return form.normalize(text)
        case .stripAccents: return text.filter { !Self.isCombiningMark($0) }
        case .strip(let left, let right): return Self.strip(text, left: left, right: right)
        case .replace(let pattern, let content): return text.replacing(pattern.matches(in: text.scalars), with: content)
        case .precompiled(let map): return Self.precompiled(text, map)
        case .prepend(let p):
            guard let first = text.origin.first else { return text }
            return NormalizedText(
                scalars: p + text.scalars, origin: Array(repeating: first, count: p.count) + text.origin)
        }
    }

    /// Each stage and the text after it, for the x-ray view.
    public func stages(_ text: NormalizedText) -> [(name: String, text: NormalizedText)] {
        if case .bert(let b) = self {
            // The real normalizer, traced: each of its steps that ran.
            var out: [(name: String, text: NormalizedText)] = []
            _ = b.normalize(text) { out.append(($0, $1)) }
            return out
        }
        if case .sequence(let list) = self {
            var t = text
            return list.flatMap { n -> [(name: String, text: NormalizedText)] in
                let inner = n.stages(t)
                t = inner.last?.text ?? t
                return inner
            }
        }
        return [(name, normalize(text))]
    }

    public var name: String {
        switch self {
        case .bert: return "BERT normalizer"
        case .sequence: return "sequence"
        case .lowercase: return "lowercase"
        case .unicode(let f): return f.rawValue
        case .stripAccents: return "strip accents"
        case .strip: return "strip"
        case .replace(let p, let c):
            let what: String
            switch p {
            case .literal(let s): what = String(String.UnicodeScalarView(s)).debugDescription;
            case .regex(let r): what = "/\(r)/"
            }
            return "replace \(what) → \(String(String.UnicodeScalarView(c)).debugDescription)"
        case .precompiled: return "SentencePiece charsmap"
        case .prepend: return "prepend"
        }
    }

    /// Whether any stage lowercases (for "cased"/"uncased" summaries).
    public var lowercases: Bool {
        switch self {
        case .bert(let b): return b.lowercase
        case .sequence(let list): return list.contains(where: \.lowercases)
        case .lowercase: return true
        default: return false
        }
    }

    /// unicode-normalization's is_combining_mark: general category M (Mn, Mc, Me).
    static func isCombiningMark(_ c: Unicode.Scalar) -> Bool {
        switch c.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    static func strip(_ text: NormalizedText, left: Bool, right: Bool) -> NormalizedText {
        var lo = 0, hi = text.scalars.count
        if left { while lo < hi && text.scalars[lo].properties.isWhitespace { lo += 1 } }
        if right { while hi > lo && text.scalars[hi - 1].properties.isWhitespace { hi -= 1 } }
        return NormalizedText(scalars: Array(text.scalars[lo..<hi]), origin: Array(text.origin[lo..<hi]))
    }

    /// tokenizers' Precompiled normalizer: whole grapheme clusters under six
    /// UTF-8 bytes first, else scalar by scalar; replacements align as its
    /// `replace` helper does (extra scalars are insertions, a shorter result
    /// folds the removed scalars into the last item written so far).
    static func precompiled(_ text: NormalizedText, _ map: PrecompiledCharsmap) -> NormalizedText {
        var items: [(Unicode.Scalar, Int)] = []
        items.reserveCapacity(text.scalars.count)
        var modified = false
        func replace(old: Int, new: [Unicode.Scalar]) {
            modified = true
            items += new.map { ($0, 0) }
            let diff = new.count - old
            if diff > 0 {
                for k in (items.count - diff)..<items.count { items[k].1 = 1 }
            } else if diff < 0, !items.isEmpty {
                items[items.count - 1].1 += diff
            }
        }
        for cluster in text.string {
            let bytes = Array(String(cluster).utf8)
            if bytes.count < 6, let norm = map.transform(bytes) {
                replace(old: cluster.unicodeScalars.count, new: norm)
                continue
            }
            for c in cluster.unicodeScalars {
                if let norm = map.transform(Array(String(c).utf8)) {
                    replace(old: 1, new: norm)
                } else {
                    items.append((c, 0))
                }
            }
        }
        return modified ? text.transformed(items) : text
    }
}
