import Foundation

/// A DeBERTa-v2/v3 folder without tokenizer.json (the hub's microsoft/deberta-v3-*
/// ship only spm.model): built as transformers' DebertaV2Tokenizer builds it —
/// Unigram over the spm pieces; [lowercase,] whitespace runs → " ", NFC, strip
/// right; [punctuation split,] Metaspace; [CLS] A [SEP] (B:1 [SEP]:1).
extension Tokenizer {
    static let debertaDefaults = ["bos_token": "[CLS]", "eos_token": "[SEP]", "unk_token": "[UNK]", "sep_token": "[SEP]",
                                  "pad_token": "[PAD]", "cls_token": "[CLS]", "mask_token": "[MASK]"]

    init(debertaSPM directory: URL, model: URL) throws {
        let spm = try SentencePieceModelFile(contentsOf: model)
        let config = Self.jsonObject(directory.appendingPathComponent("tokenizer_config.json"))
        let specialMap = Self.jsonObject(directory.appendingPathComponent("special_tokens_map.json"))
        var specials = Self.debertaDefaults
        for (k, v) in specialMap.merging(config, uniquingKeysWith: { $1 }) where k.hasSuffix("_token") {
            if let s = Self.tokenContent(v) { specials[k] = s }
        }
        let unk = specials["unk_token"]!
        let unkId = spm.pieces.firstIndex { $0.token.unicodeScalars.elementsEqual(unk.unicodeScalars) && $0.score == 0 } ?? 1
        let unigram = try Unigram(pieces: spm.pieces, unkId: unkId)
        let added = Self.debertaAddedTokens(specials: specials, directory: directory, config: config, unigram: unigram)
        let lower = config["do_lower_case"] as? Bool ?? false
        let normalizer = Normalizer.sequence((lower ? [.lowercase] : []) + [
            .replace(.regex(#"\s{2,}|[\n\r\t]"#), content: [" "]), .unicode(.nfc), .strip(left: false, right: true)])
        let punct = config["split_by_punct"] as? Bool ?? false
        let prefix = config["add_prefix_space"] as? Bool ?? true
        let pre = PreTokenizer.sequence((punct ? [.punctuation] : []) + [.metaspace(replacement: "▁", prepend: prefix ? .always : .first, split: true)])
        func id(_ t: String) -> Int { added.first { $0.content == t }?.id ?? unigram.id(for: t) ?? 0 }
        let cls = specials["cls_token"]!, sep = specials["sep_token"]!
        let template = TemplateProcessor(
            single: [.special(token: cls, typeId: 0), .sequence(index: 0, typeId: 0), .special(token: sep, typeId: 0)],
            pair: [.special(token: cls, typeId: 0), .sequence(index: 0, typeId: 0), .special(token: sep, typeId: 0),
                   .sequence(index: 1, typeId: 1), .special(token: sep, typeId: 1)],
            specialIds: [cls: [id(cls)], sep: [id(sep)]])
        self.init(normalizer: normalizer, kind: .unigram(unigram, preTokenizer: pre), addedTokens: added, postProcessor: template)
    }

    /// Special tokens at their vocabulary ids, else added_tokens.json / added_tokens_decoder ids,
    /// else appended after the vocabulary.
    private static func debertaAddedTokens(specials: [String: String], directory: URL, config: [String: Any], unigram: Unigram) -> [AddedToken] {
        var known: [String: Int] = [:]
        for (k, v) in jsonObject(directory.appendingPathComponent("added_tokens.json")) { if let i = v as? Int { known[k] = i } }
        for (k, v) in (config["added_tokens_decoder"] as? [String: Any]) ?? [:] {
            if let i = Int(k), let content = tokenContent(v) { known[content] = i }
        }
        var next = max(unigram.pieces.count, (known.values.max() ?? -1) + 1)
        var out: [AddedToken] = []
        for content in Set(specials.values).sorted() {
            let id: Int
            if let v = unigram.id(for: content) { id = v } else if let k = known[content] { id = k } else { id = next; next += 1 }
            out.append(AddedToken(id: id, content: content, special: true, singleWord: false, lstrip: false, rstrip: false, normalized: false))
        }
        for (content, id) in known where !out.contains(where: { $0.content == content }) {
            out.append(AddedToken(id: id, content: content, special: false, singleWord: false, lstrip: false, rstrip: false, normalized: false))
        }
        return out.sorted { $0.id < $1.id }
    }

    static func tokenContent(_ v: Any) -> String? {
        if let s = v as? String { return s }
        return (v as? [String: Any])?["content"] as? String
    }

    static func jsonObject(_ url: URL) -> [String: Any] {
        guard let data = try? Data(contentsOf: url), let o = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        return o
    }
}
