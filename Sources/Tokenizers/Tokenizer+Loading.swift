import Foundation

extension Tokenizer {
    /// Loads the tokenizer of an HF model directory: `tokenizer.json` when
    /// present (its settings decide everything), else `vocab.txt` with
    /// `tokenizer_config.json`, built as transformers builds BertTokenizer.
    public static func load(directory: URL) throws -> Tokenizer {
        let json = directory.appendingPathComponent("tokenizer.json")
        if FileManager.default.fileExists(atPath: json.path) {
            guard let data = try? Data(contentsOf: json) else { throw TokenizerError("cannot read \(json.path)") }
            do { return try Tokenizer(tokenizerJSON: data) } catch let e as TokenizerError {
                throw TokenizerError("tokenizer.json: \(e.message)")
            }
        }
        let vocab = directory.appendingPathComponent("vocab.txt")
        guard FileManager.default.fileExists(atPath: vocab.path) else {
            throw TokenizerError("\(directory.path) has neither tokenizer.json nor vocab.txt")
        }
        return try Tokenizer(vocabTxt: vocab, config: directory.appendingPathComponent("tokenizer_config.json"))
    }

    /// Parses a `tokenizer.json` (the `tokenizers` serialization).
    public init(tokenizerJSON data: Data) throws {
        let root = try JSONValue.parse([UInt8](data))
        guard root.members != nil else { throw TokenizerError("not a JSON object") }
        let model = try Self.wordPiece(root["model"])
        let added = (root["added_tokens"]?.array ?? []).compactMap(Self.addedToken)
        let normalizer = try Self.bertNormalizer(root["normalizer"])
        try Self.checkPreTokenizer(root["pre_tokenizer"])
        let post = try Self.postProcessor(root["post_processor"], model: model, added: added)
        self.init(normalizer: normalizer, model: model, addedTokens: added, postProcessor: post)
    }

    private static func wordPiece(_ m: JSONValue?) throws -> WordPiece {
        guard let m, m.members != nil else { throw TokenizerError("no model") }
        let type = m["type"]?.string ?? "?"
        guard type == "WordPiece" else {
            throw TokenizerError("tokenizer model \(type) is not supported (supported: WordPiece)")
        }
        guard let members = m["vocab"]?.members else { throw TokenizerError("WordPiece model has no vocab") }
        var entries: [(token: String, id: Int)] = []
        entries.reserveCapacity(members.count)
        for (token, value) in members {
            guard let id = value.int else { throw TokenizerError("vocab entry \(token.debugDescription) has no integer id") }
            entries.append((token, id))
        }
        return try WordPiece(
            entries: entries, unkToken: m["unk_token"]?.string ?? "[UNK]",
            prefix: m["continuing_subword_prefix"]?.string ?? "##",
            maxInputCharsPerWord: m["max_input_chars_per_word"]?.int ?? 100
        )
    }

    private static func addedToken(_ t: JSONValue) -> AddedToken? {
        guard let id = t["id"]?.int, let content = t["content"]?.string else { return nil }
        return AddedToken(
            id: id, content: content, special: t["special"]?.bool ?? false,
            singleWord: t["single_word"]?.bool ?? false, lstrip: t["lstrip"]?.bool ?? false,
            rstrip: t["rstrip"]?.bool ?? false, normalized: t["normalized"]?.bool ?? false
        )
    }

    private static func bertNormalizer(_ n: JSONValue?) throws -> BertNormalizer {
        guard let n, !n.isNull else {
            // No normalizer at all: text goes to the pre-tokenizer untouched.
            return BertNormalizer(cleanText: false, handleChineseChars: false, stripAccents: false, lowercase: false)
        }
        let type = n["type"]?.string ?? "?"
        guard type == "BertNormalizer" else {
            throw TokenizerError("normalizer \(type) is not supported (supported: BertNormalizer)")
        }
        return BertNormalizer(
            cleanText: n["clean_text"]?.bool ?? true,
            handleChineseChars: n["handle_chinese_chars"]?.bool ?? true,
            stripAccents: n["strip_accents"]?.bool,
            lowercase: n["lowercase"]?.bool ?? true
        )
    }

    private static func checkPreTokenizer(_ p: JSONValue?) throws {
        let type = p?["type"]?.string ?? "none"
        guard type == "BertPreTokenizer" else {
            throw TokenizerError("pre_tokenizer \(type) is not supported (supported: BertPreTokenizer)")
        }
    }

    private static func postProcessor(_ p: JSONValue?, model: WordPiece, added: [AddedToken]) throws -> TemplateProcessor {
        func id(_ token: String) -> Int? { added.first { $0.content.unicodeScalars.elementsEqual(token.unicodeScalars) }?.id ?? model.id(for: token) }
        guard let p, !p.isNull else {
            return TemplateProcessor(single: [.sequence(index: 0, typeId: 0)],
                                     pair: [.sequence(index: 0, typeId: 0), .sequence(index: 1, typeId: 1)], specialIds: [:])
        }
        switch p["type"]?.string {
        case "BertProcessing":
            guard let c = p["cls"]?.array?.first?.string, let ci = p["cls"]?.array?.last?.int,
                  let s = p["sep"]?.array?.first?.string, let si = p["sep"]?.array?.last?.int else {
                throw TokenizerError("BertProcessing post-processor is malformed")
            }
            return .bert(cls: c, clsId: ci, sep: s, sepId: si)
        case "TemplateProcessing":
            var ids: [String: [Int]] = [:]
            for (key, v) in p["special_tokens"]?.members ?? [] {
                ids[key] = v["ids"]?.array?.compactMap(\.int) ?? id(key).map { [$0] }
            }
            return TemplateProcessor(single: try templateItems(p["single"]), pair: try templateItems(p["pair"]), specialIds: ids)
        case let other:
            throw TokenizerError("post_processor \(other ?? "?") is not supported (supported: TemplateProcessing, BertProcessing)")
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
