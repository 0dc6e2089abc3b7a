import Testing
@testable import Tokenizers

/// Compares encodings with HF `tokenizers` goldens (every field, offsets in scalars).
enum EncodingGolden {
    static func same(_ got: Encoding, _ want: [String: Any]) -> Bool {
        let offsets = (want["offsets"] as? [[Int]] ?? []).map { Encoding.Span($0[0], $0[1]) }
        let wordIds = (want["word_ids"] as? [Any] ?? []).map { $0 as? Int }
        return got.ids == want["ids"] as? [Int] && got.tokens == want["tokens"] as? [String] && got.offsets == offsets
            && got.typeIds == want["type_ids"] as? [Int] && got.wordIds == wordIds
            && got.specialTokensMask == want["special_tokens_mask"] as? [Int]
    }

    /// Encodes every case and records the first few differences; returns how many differ.
    static func failures(_ tok: Tokenizer, cases: [[String: Any]], outputs: [[String: Any]], label: String = "") -> Int
    {
        var failures = 0
        for (c, want) in zip(cases, outputs) {
            let text = c["text"] as? String ?? "", pair = c["pair"] as? String
            let got = tok.encode(text, pair: pair)
            guard !same(got, want) else { continue }
            failures += 1
            if failures <= 4 {
                Issue.record(
                    "\(label) \(text.debugDescription) pair=\(pair.debugDescription)\n got \(got.tokens) \(got.offsets.map { [$0.start, $0.end] }) \(got.wordIds)\nwant \(want["tokens"] ?? "") \(want["offsets"] ?? "") \(want["word_ids"] ?? "")"
                )
            }
        }
        return failures
    }
}
