import Foundation

/// Model folders with a SentencePiece model but no tokenizer.json (the hub's
/// microsoft/deberta-v3-*, older local saves of ALBERT and XLM-R): built as
/// transformers 5's DebertaV2Tokenizer, AlbertTokenizer and
/// XLMRobertaTokenizer build them from the same files, settings and special
/// tokens read from tokenizer_config.json, special_tokens_map.json and
/// added_tokens.json.
extension Tokenizer {
    public enum SentencePieceFamily: String, Sendable, CaseIterable {
        case deberta, albert, xlmRoberta

        /// The model file each family's tokenizer looks for.
        var modelFiles: [String] {
            switch self {
            case .deberta: return ["spm.model"]
            case .albert: return ["spiece.model"]
            case .xlmRoberta: return ["sentencepiece.bpe.model"]
            }
        }

        /// The tokenizer class's default special tokens.
        var defaultSpecials: [String: String] {
            switch self {
            case .deberta, .albert:
                return [
                    "bos_token": "[CLS]", "eos_token": "[SEP]", "unk_token": self == .albert ? "<unk>" : "[UNK]",
                    "sep_token": "[SEP]",
                    "pad_token": self == .albert ? "<pad>" : "[PAD]", "cls_token": "[CLS]", "mask_token": "[MASK]",
                ]
            case .xlmRoberta:
                return [
                    "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "sep_token": "</s>",
                    "pad_token": "<pad>",
                    "cls_token": "<s>", "mask_token": "<mask>",
                ]
            }
        }

        /// By tokenizer_config.json's tokenizer_class, else config.json's model_type.
        static func of(_ directory: URL) -> SentencePieceFamily? {
            let cls =
                JSONValue.read(directory.appendingPathComponent("tokenizer_config.json"))["tokenizer_class"]?.string
                ?? ""
            let type = JSONValue.read(directory.appendingPathComponent("config.json"))["model_type"]?.string ?? ""
            if cls.hasPrefix("DebertaV2Tokenizer") || (cls.isEmpty && type == "deberta-v2") { return .deberta }
            if cls.hasPrefix("AlbertTokenizer") || (cls.isEmpty && type == "albert") { return .albert }
            if cls.hasPrefix("XLMRobertaTokenizer") || (cls.isEmpty && type == "xlm-roberta") { return .xlmRoberta }
            return nil
        }
    }

    init(sentencePieceFolder directory: URL, model: URL, family: SentencePieceFamily) throws {
        let spm = try SentencePieceModelFile(contentsOf: model)
        let config = JSONValue.read(directory.appendingPathComponent("tokenizer_config.json"))
        var specials = family.defaultSpecials
        // special_tokens_map.json, then tokenizer_config.json, which wins.
        let map =
            (JSONValue.read(directory.appendingPathComponent("special_tokens_map.json")).members ?? [])
            + (config.members ?? [])
        for (k, v) in map where k.hasSuffix("_token") { if let s = v.tokenContent { specials[k] = s } }
        let unigram = try Self.unigram(spm, family: family, specials: specials)
        let added = Self.specialTokens(specials, directory: directory, config: config, unigram: unigram)
        func id(_ t: String) -> Int { added.first { $0.content == t }?.id ?? unigram.id(for: t) ?? 0 }
        let cls = specials["cls_token"]!, sep = specials["sep_token"]!
        let template: TemplateProcessor =
            family == .xlmRoberta
            ? .roberta(cls: cls, clsId: id(cls), sep: sep, sepId: id(sep))
            : .bert(cls: cls, clsId: id(cls), sep: sep, sepId: id(sep))
        let (normalizer, pre) = try Self.pipeline(family, config: config, charsmap: spm.precompiledCharsmap)
        self.init(
            normalizer: normalizer, kind: .unigram(unigram, preTokenizer: pre), addedTokens: added,
            postProcessor: template)
    }

    /// The vocabulary: the spm pieces as they are, except XLM-R's fairseq
    /// layout (<s> <pad> </s> <unk>, the pieces after the first three, <mask>).
    private static func unigram(_ spm: SentencePieceModelFile, family: SentencePieceFamily, specials: [String: String])
        throws -> Unigram
    {
        switch family {
        case .deberta:
            let unk = specials["unk_token"]!
            let unkId =
                spm.pieces.firstIndex { $0.token.unicodeScalars.elementsEqual(unk.unicodeScalars) && $0.score == 0 }
                ?? 1
            return try Unigram(pieces: spm.pieces, unkId: unkId)
        case .albert:
            return try Unigram(pieces: spm.pieces, unkId: 1)
        case .xlmRoberta:
            let head = ["bos_token", "pad_token", "eos_token", "unk_token"].map { (token: specials[$0]!, score: 0.0) }
            return try Unigram(
                pieces: head + spm.pieces.dropFirst(3) + [(token: specials["mask_token"]!, score: 0.0)], unkId: 3)
        }
    }

    private static func pipeline(_ family: SentencePieceFamily, config: JSONValue, charsmap: [UInt8]) throws -> (
        Normalizer, PreTokenizer
    ) {
        let precompiled: [Normalizer] = charsmap.isEmpty ? [] : [.precompiled(try PrecompiledCharsmap(bytes: charsmap))]
        let prefix = config["add_prefix_space"]?.bool ?? true
        switch family {
        case .deberta:
            let lower = config["do_lower_case"]?.bool ?? false, punct = config["split_by_punct"]?.bool ?? false
            let normalizer = Normalizer.sequence(
                (lower ? [.lowercase] : []) + [
                    .replace(.regex(#"\s{2,}|[\n\r\t]"#), content: [" "]), .unicode(.nfc),
                    .strip(left: false, right: true),
                ])
            let pre = PreTokenizer.sequence(
                (punct ? [.punctuation] : []) + [
                    .metaspace(replacement: "▁", prepend: prefix ? .always : .first, split: true)
                ])
            return (normalizer, pre)
        case .albert:
            let lower = config["do_lower_case"]?.bool ?? true, keepAccents = config["keep_accents"]?.bool ?? false
            var chain: [Normalizer] = [
                .replace(.literal(Array("``".unicodeScalars)), content: ["\""]),
                .replace(.literal(Array("''".unicodeScalars)), content: ["\""]),
            ]
            if !keepAccents { chain += [.unicode(.nfkd), .stripAccents] }
            if lower { chain.append(.lowercase) }
            return (
                .sequence(chain + precompiled),
                .sequence([
                    .whitespaceSplit, .metaspace(replacement: "▁", prepend: prefix ? .always : .never, split: true),
                ])
            )
        case .xlmRoberta:
            return (
                .sequence(precompiled),
                .sequence([
                    .whitespaceSplit, .metaspace(replacement: "▁", prepend: prefix ? .always : .never, split: true),
                ])
            )
        }
    }

    /// Special tokens at their vocabulary ids, else added_tokens.json /
    /// added_tokens_decoder ids, else appended after the vocabulary.
    private static func specialTokens(_ specials: [String: String], directory: URL, config: JSONValue, unigram: Unigram)
        -> [AddedToken]
    {
        var known: [String: Int] = [:]
        for (k, v) in JSONValue.read(directory.appendingPathComponent("added_tokens.json")).members ?? [] {
            if let i = v.int { known[k] = i }
        }
        for (k, v) in config["added_tokens_decoder"]?.members ?? [] {
            if let i = Int(k), let content = v.tokenContent { known[content] = i }
        }
        var next = max(unigram.pieces.count, (known.values.max() ?? -1) + 1)
        var out: [AddedToken] = []
        for content in Set(specials.values).sorted() {
            let id: Int
            if let v = unigram.id(for: content) {
                id = v
            } else if let k = known[content] {
                id = k
            } else {
                id = next; next += 1
            }
            out.append(
                AddedToken(
                    id: id, content: content, special: true, singleWord: false, lstrip: false, rstrip: false,
                    normalized: false))
        }
        for (content, id) in known where !out.contains(where: { $0.content == content }) {
            out.append(
                AddedToken(
                    id: id, content: content, special: false, singleWord: false, lstrip: false, rstrip: false,
                    normalized: false))
        }
        return out.sorted { $0.id < $1.id }
    }
}
