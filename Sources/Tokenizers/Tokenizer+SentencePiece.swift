/// Reading the SentencePiece-style parts of tokenizer.json: the Unigram
/// model, normalizer chains and Metaspace-family pre-tokenizers.
extension Tokenizer {
    init(unigramJSON root: JSONValue, added: [AddedToken]) throws {
        let model = try Self.unigram(root["model"]!)
        let normalizer = try Self.normalizer(root["normalizer"])
        let pre = try Self.preTokenizer(root["pre_tokenizer"])
        let post = try Self.postProcessor(root["post_processor"], added: added, lookup: model.id(for:))
        self.init(
            normalizer: normalizer, kind: .unigram(model, preTokenizer: pre), addedTokens: added, postProcessor: post)
        offsetTrimming = Self.offsetTrimming(root["post_processor"])
    }

    static func unigram(_ m: JSONValue) throws -> Unigram {
        guard let vocab = m["vocab"]?.array else { throw TokenizerError("Unigram model has no vocab") }
        try checkCount(vocab.count, "vocab entries")
        if m["byte_fallback"]?.bool ?? false { throw TokenizerError("Unigram with byte_fallback is not supported") }
        let pieces = try vocab.map { entry -> (token: String, score: Double) in
            guard let pair = entry.array, pair.count == 2, let token = pair[0].string, let score = pair[1].double else {
                throw TokenizerError("Unigram vocab entries must be [piece, score]")
            }
            return (token, score)
        }
        return try Unigram(pieces: pieces, unkId: m["unk_id"]?.int)
    }

    static func normalizer(_ n: JSONValue?) throws -> Normalizer {
        guard let n, !n.isNull else { return .identity }
        let type = n["type"]?.string ?? "?"
        switch type {
        case "Sequence":
            return .sequence(try (n["normalizers"]?.array ?? []).map(normalizer))
        case "BertNormalizer":
            return .bert(BertNormalizer(json: n))
        case "Lowercase": return .lowercase
        case "NFC", "NFD", "NFKC", "NFKD": return .unicode(UnicodeForm(rawValue: type)!)
        case "StripAccents": return .stripAccents
        case "Strip": return .strip(left: n["strip_left"]?.bool ?? true, right: n["strip_right"]?.bool ?? true)
        case "Replace":
            let content = Array((n["content"]?.string ?? "").unicodeScalars)
            return .replace(try pattern(n["pattern"]), content: content)
        case "Precompiled":
            // no charsmap: a no-op
            guard let b64 = n["precompiled_charsmap"]?.string, !b64.isEmpty else { return .identity }
            do { return .precompiled(try PrecompiledCharsmap(base64: b64)) } catch let e as TokenizerError {
                throw TokenizerError("Precompiled normalizer: \(e.message)")
            }
        case "Prepend": return .prepend(Array((n["prepend"]?.string ?? "").unicodeScalars))
        default:
            throw TokenizerError(
                "normalizer \(type) is not supported (supported: Sequence, BertNormalizer, Lowercase, NFC/NFD/NFKC/NFKD, StripAccents, Strip, Replace, Precompiled, Prepend)"
            )
        }
    }

    static func pattern(_ p: JSONValue?) throws -> TextPattern {
        if let s = p?["String"]?.string { return .literal(Array(s.unicodeScalars)) }
        if let r = p?["Regex"]?.string {
            _ = try TextPattern.compile(r)
            return .regex(r)
        }
        throw TokenizerError("pattern must be {\"String\": …} or {\"Regex\": …}")
    }

    static func preTokenizer(_ p: JSONValue?) throws -> PreTokenizer {
        guard let p, !p.isNull else { return .sequence([]) }
        let type = p["type"]?.string ?? "?"
        switch type {
        case "Sequence": return .sequence(try (p["pretokenizers"]?.array ?? []).map(preTokenizer))
        case "WhitespaceSplit": return .whitespaceSplit
        case "Punctuation":
            let behavior = p["behavior"]?.string ?? "Isolated"
            guard behavior == "Isolated" else {
                throw TokenizerError("Punctuation behavior \(behavior) is not supported (supported: Isolated)")
            }
            return .punctuation
        case "Metaspace":
            let r = p["replacement"]?.string?.unicodeScalars.first ?? "▁"
            let scheme: PreTokenizer.PrependScheme
            if let s = p["prepend_scheme"]?.string {
                guard let known = PreTokenizer.PrependScheme(rawValue: s) else {
                    throw TokenizerError("Metaspace prepend_scheme \(s) is not supported")
                }
                scheme = known
            } else {
                scheme = (p["add_prefix_space"]?.bool ?? true) ? .always : .never  // pre-0.19 serialization
            }
            return .metaspace(replacement: r, prepend: scheme, split: p["split"]?.bool ?? true)
        default:
            throw TokenizerError(
                "pre_tokenizer \(type) with Unigram is not supported (supported: Sequence, WhitespaceSplit, Punctuation, Metaspace)"
            )
        }
    }
}
