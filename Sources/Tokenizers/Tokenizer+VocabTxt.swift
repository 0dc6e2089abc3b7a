import Foundation
import SafeIO

extension Tokenizer {
    /// A tokenizer from `vocab.txt` and `tokenizer_config.json` (BertTokenizer
    /// settings), built as transformers builds it: BertNormalizer with
    /// clean_text on, BertPreTokenizer, WordPiece, `[CLS] A [SEP] B [SEP]`.
    public init(vocabTxt: URL, config: URL) throws {
        let text: String
        do { text = try SafeFile.text(vocabTxt, limit: Limits.vocabulary) } catch {
            throw TokenizerError("cannot read \(error)")
        }
        // Counted before anything is built: 12 million lines took minutes and gigabytes.
        let count = text.utf8.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
        guard count <= Limits.vocabularyEntries else {
            throw TokenizerError(
                "\(vocabTxt.path) has \(count) lines, over the \(Limits.vocabularyEntries) entries a vocabulary may have (real ones: 30k–250k)"
            )
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        let entries = lines.enumerated().map { i, line in
            (token: line.hasSuffix("\r") ? String(line.dropLast()) : line, id: i)
        }
        let c = JSONValue.read(config)
        func special(_ key: String, _ fallback: String) -> String { c[key]?.tokenContent ?? fallback }
        let unk = special("unk_token", "[UNK]"), cls = special("cls_token", "[CLS]"),
            sep = special("sep_token", "[SEP]")
        let model = try WordPiece(entries: entries, unkToken: unk)
        let names = [special("pad_token", "[PAD]"), unk, cls, sep, special("mask_token", "[MASK]")]
        let added = names.compactMap { name in
            model.id(for: name).map { AddedToken(id: $0, content: name, special: true) }
        }
        .sorted { $0.id < $1.id }
        guard let clsId = model.id(for: cls), let sepId = model.id(for: sep) else {
            throw TokenizerError("\(vocabTxt.lastPathComponent) lacks \(cls) or \(sep)")
        }
        let normalizer = BertNormalizer(
            cleanText: true, handleChineseChars: c["tokenize_chinese_chars"]?.bool ?? true,
            stripAccents: c["strip_accents"]?.bool, lowercase: c["do_lower_case"]?.bool ?? true
        )
        self.init(
            normalizer: normalizer, model: model, addedTokens: added,
            postProcessor: .bert(cls: cls, clsId: clsId, sep: sep, sepId: sepId))
    }
}
