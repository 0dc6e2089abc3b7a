import Foundation
import SafeIO

extension Tokenizer {
    /// Loads the tokenizer of an HF model directory: `tokenizer.json` when
    /// present (its settings decide everything), else `vocab.txt` with
    /// `tokenizer_config.json`, built as transformers builds BertTokenizer.
    public static func load(directory: URL) throws -> Tokenizer {
        let json = directory.appendingPathComponent("tokenizer.json")
        if FileManager.default.fileExists(atPath: json.path) {
            let data: Data
            do { data = Data(try SafeFile.read(json, limit: Limits.tokenizerJSON)) } catch {
                throw TokenizerError("cannot read \(error)")
            }
            do { return try Tokenizer(tokenizerJSON: data) } catch let e as TokenizerError {
                throw TokenizerError("tokenizer.json: \(e.message)")
            }
        }
        let vocab = directory.appendingPathComponent("vocab.txt")
        guard FileManager.default.fileExists(atPath: vocab.path) else {
            let spm = ["spm.model", "spiece.model", "sentencepiece.bpe.model"].first {
                FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path)
            }
            if let spm, let family = SentencePieceFamily.of(directory), family.modelFiles.contains(spm) {
                return try Tokenizer(
                    sentencePieceFolder: directory, model: directory.appendingPathComponent(spm), family: family)
            }
            if let spm {
                throw TokenizerError(
                    "\(directory.path) has \(spm) but no tokenizer.json, and its tokenizer class is not one BertScope builds from it "
                        + "(DeBERTa-v2, ALBERT, XLM-R); write tokenizer.json once with transformers: AutoTokenizer.from_pretrained(dir).save_pretrained(dir)"
                )
            }
            throw TokenizerError("\(directory.path) has neither tokenizer.json nor vocab.txt")
        }
        return try Tokenizer(vocabTxt: vocab, config: directory.appendingPathComponent("tokenizer_config.json"))
    }

    /// Parses a `tokenizer.json` (the `tokenizers` serialization).
    public init(tokenizerJSON data: Data) throws {
        let root = try JSONValue.parse([UInt8](data))
        guard root.members != nil else { throw TokenizerError("not a JSON object") }
        try Self.checkCount(root["added_tokens"]?.array?.count ?? 0, "added tokens")
        let added = (root["added_tokens"]?.array ?? []).compactMap(Self.addedToken)
        if root["model"]?["type"]?.string == "Unigram" {
            try self.init(unigramJSON: root, added: added)
            return
        }
        if root["model"]?["type"]?.string == "BPE" {
            let bpe = try Self.bytePairs(root["model"]!)
            // RoBERTa has none; ModernBERT's is NFC.
            let normalizer = try Self.normalizer(root["normalizer"])
            let pre = root["pre_tokenizer"]
            guard pre?["type"]?.string == "ByteLevel" else {
                throw TokenizerError(
                    "pre_tokenizer \(pre?["type"]?.string ?? "none") with BPE is not supported (supported: ByteLevel)")
            }
            let post = root["post_processor"]
            // RoBERTa's RobertaProcessing, ModernBERT's TemplateProcessing ([CLS] A [SEP]).
            guard ["RobertaProcessing", "TemplateProcessing"].contains(post?["type"]?.string ?? "none") else {
                throw TokenizerError(
                    "post_processor \(post?["type"]?.string ?? "none") with BPE is not supported (supported: RobertaProcessing, TemplateProcessing)"
                )
            }
            let template = try Self.postProcessor(post, added: added, lookup: bpe.id(for:))
            self.init(
                normalizer: normalizer,
                kind: .bytePairs(bpe, addPrefixSpace: pre?["add_prefix_space"]?.bool ?? false),
                addedTokens: added, postProcessor: template)
            offsetTrimming = Self.offsetTrimming(post)
            return
        }
        let model = try Self.wordPiece(root["model"])
        let normalizer = try Self.bertNormalizer(root["normalizer"])
        try Self.checkPreTokenizer(root["pre_tokenizer"])
        let post = try Self.postProcessor(root["post_processor"], added: added, lookup: model.id(for:))
        self.init(normalizer: normalizer, model: model, addedTokens: added, postProcessor: post)
    }

    private static func bytePairs(_ m: JSONValue) throws -> BytePairEncoding {
        guard let members = m["vocab"]?.members else { throw TokenizerError("BPE model has no vocab") }
        try checkCount(members.count, "vocab entries")
        try checkCount(m["merges"]?.array?.count ?? 0, "merges")
        let entries = members.compactMap { k, v in v.int.map { (token: k, id: $0) } }
        var merges: [(String, String)] = []
        for item in m["merges"]?.array ?? [] {
            if let s = item.string {
                let parts = s.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                if parts.count == 2 { merges.append((parts[0], parts[1])) }
            } else if let pair = item.array, pair.count == 2, let a = pair[0].string, let b = pair[1].string {
                merges.append((a, b))
            }
        }
        if m["dropout"]?.int != nil || (m["byte_fallback"]?.bool ?? false) {
            throw TokenizerError("BPE with dropout or byte_fallback is not supported")
        }
        return try BytePairEncoding(entries: entries, merges: merges, unkToken: m["unk_token"]?.string)
    }

    private static func wordPiece(_ m: JSONValue?) throws -> WordPiece {
        guard let m, m.members != nil else { throw TokenizerError("no model") }
        let type = m["type"]?.string ?? "?"
        guard type == "WordPiece" else {
            throw TokenizerError("tokenizer model \(type) is not supported (supported: WordPiece, BPE, Unigram)")
        }
        guard let members = m["vocab"]?.members else { throw TokenizerError("WordPiece model has no vocab") }
        try checkCount(members.count, "vocab entries")
        var entries: [(token: String, id: Int)] = []
        entries.reserveCapacity(members.count)
        for (token, value) in members {
            guard let id = value.int else {
                throw TokenizerError("vocab entry \(token.debugDescription) has no integer id")
            }
            entries.append((token, id))
        }
        return try WordPiece(
            entries: entries, unkToken: m["unk_token"]?.string ?? "[UNK]",
            prefix: m["continuing_subword_prefix"]?.string ?? "##",
            maxInputCharsPerWord: m["max_input_chars_per_word"]?.int ?? 100
        )
    }

    /// Counted before anything is built from them (each entry costs microseconds and ~100 bytes).
    static func checkCount(_ n: Int, _ what: String) throws {
        guard n <= Limits.vocabularyEntries else {
            throw TokenizerError(
                "\(n) \(what), over the \(Limits.vocabularyEntries) a tokenizer may have (real ones: 30k–250k)")
        }
    }

    static func addedToken(_ t: JSONValue) -> AddedToken? {
        guard let id = t["id"]?.int, let content = t["content"]?.string else { return nil }
        return AddedToken(
            id: id, content: content, special: t["special"]?.bool ?? false,
            singleWord: t["single_word"]?.bool ?? false, lstrip: t["lstrip"]?.bool ?? false,
            rstrip: t["rstrip"]?.bool ?? false, normalized: t["normalized"]?.bool ?? false
        )
    }

    private static func bertNormalizer(_ n: JSONValue?) throws -> BertNormalizer {
        guard let n, !n.isNull else {
            return .off  // no normalizer at all: text goes to the pre-tokenizer untouched
        }
        let type = n["type"]?.string ?? "?"
        guard type == "BertNormalizer" else {
            throw TokenizerError("normalizer \(type) is not supported (supported: BertNormalizer)")
        }
        return BertNormalizer(json: n)
    }

    private static func checkPreTokenizer(_ p: JSONValue?) throws {
        let type = p?["type"]?.string ?? "none"
        guard type == "BertPreTokenizer" else {
            throw TokenizerError("pre_tokenizer \(type) is not supported (supported: BertPreTokenizer)")
        }
    }

    static func postProcessor(_ p: JSONValue?, added: [AddedToken], lookup: (String) -> Int?) throws
        -> TemplateProcessor
    {
        func id(_ token: String) -> Int? {
            added.first { $0.content.unicodeScalars.elementsEqual(token.unicodeScalars) }?.id ?? lookup(token)
        }
        guard let p, !p.isNull else {
            return TemplateProcessor(
                single: [.sequence(index: 0, typeId: 0)],
                pair: [.sequence(index: 0, typeId: 0), .sequence(index: 1, typeId: 1)], specialIds: [:])
        }
        switch p["type"]?.string {
        case "BertProcessing":
            guard let c = p["cls"]?.array?.first?.string, let ci = p["cls"]?.array?.last?.int,
                let s = p["sep"]?.array?.first?.string, let si = p["sep"]?.array?.last?.int
            else {
                throw TokenizerError("BertProcessing post-processor is malformed")
            }
            return .bert(cls: c, clsId: ci, sep: s, sepId: si)
        case "RobertaProcessing":
            // <s> A </s> (</s> B </s>), every type id 0. Its offset trimming only touches byte-level "Ġ" pieces.
            guard let c = p["cls"]?.array?.first?.string, let ci = p["cls"]?.array?.last?.int,
                let s = p["sep"]?.array?.first?.string, let si = p["sep"]?.array?.last?.int
            else {
                throw TokenizerError("RobertaProcessing post-processor is malformed")
            }
            return .roberta(cls: c, clsId: ci, sep: s, sepId: si)
        case "TemplateProcessing":
            var ids: [String: [Int]] = [:]
            for (key, v) in p["special_tokens"]?.members ?? [] {
                ids[key] = v["ids"]?.array?.compactMap(\.int) ?? id(key).map { [$0] }
            }
            return TemplateProcessor(
                single: try templateItems(p["single"]), pair: try templateItems(p["pair"]), specialIds: ids)
        case let other:
            throw TokenizerError(
                "post_processor \(other ?? "?") is not supported (supported: TemplateProcessing, BertProcessing, RobertaProcessing)"
            )
        }
    }

    private static func templateItems(_ value: JSONValue?) throws -> [TemplateProcessor.Item] {
        guard let list = value?.array else { throw TokenizerError("TemplateProcessing template is malformed") }
        return try list.map { item in
            if let s = item["SpecialToken"], let token = s["id"]?.string {
                return .special(token: token, typeId: s["type_id"]?.int ?? 0)
            }
            if let s = item["Sequence"], let which = s["id"]?.string {
                return .sequence(index: which == "B" ? 1 : 0, typeId: s["type_id"]?.int ?? 0)
            }
            throw TokenizerError("TemplateProcessing item is not understood")
        }
    }
}
