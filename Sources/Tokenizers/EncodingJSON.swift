import Foundation

/// The `tokenize --json` object (and `tokens.json` of `dump`).
public enum EncodingJSON {
    struct Record: Encodable {
        let tokens: [String], ids: [Int], offsets: [[Int]], typeIds: [Int], wordIds: [Int?], specialTokensMask: [Int]

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(tokens, forKey: .tokens); try c.encode(ids, forKey: .ids);
            try c.encode(offsets, forKey: .offsets)
            try c.encode(typeIds, forKey: .typeIds); try c.encode(wordIds, forKey: .wordIds);
            try c.encode(specialTokensMask, forKey: .specialTokensMask)
        }
        enum CodingKeys: String, CodingKey {
            case tokens, ids, offsets, typeIds = "type_ids", wordIds = "word_ids", specialTokensMask =
                "special_tokens_mask"
        }
    }

    static func record(_ e: Encoding) -> Record {
        Record(
            tokens: e.tokens, ids: e.ids, offsets: e.offsets.map { [$0.start, $0.end] }, typeIds: e.typeIds,
            wordIds: e.wordIds,
            specialTokensMask: e.specialTokensMask)
    }

    public static func object(_ e: Encoding) -> String { string(record(e)) }

    /// `tokenize --max-length N --stride S --json`: `{"windows": [one object per window]}`.
    public static func windows(_ windows: [Encoding]) -> String {
        struct Windows: Encodable { let windows: [Record] }
        return string(Windows(windows: windows.map(record)))
    }

    private static func string<T: Encodable>(_ value: T) -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? enc.encode(value)).flatMap { String(data: $0, encoding: .utf8) } ?? "null"
    }
}
