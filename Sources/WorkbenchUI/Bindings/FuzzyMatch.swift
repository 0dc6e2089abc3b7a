/// Fuzzy matching for the command palette (fzf-like): every term of the
/// query (split at spaces) must appear in the text as a subsequence, case
/// ignored; the best alignment scores highest when it starts the text or
/// its words and runs without gaps, so "lay" finds ":layer" before "play".
enum FuzzyMatch {
    static let textStart = 12, wordStart = 8, adjacent = 6

    /// The score of `query` in `text` (higher is better), nil when a term is missing; 0 for an empty query.
    static func score(_ query: String, in text: String) -> Int? {
        let t = Array(text.lowercased())
        var total = 0
        for term in query.lowercased().split(separator: " ") {
            guard let s = score(term: Array(term), t) else { return nil }
            total += s
        }
        return total
    }

    /// The best alignment of one term: `row[i]` is the best score with the
    /// term's characters so far matched, the last one at `t[i]`.
    private static func score(term q: [Character], _ t: [Character]) -> Int? {
        guard q.count <= t.count else { return nil }
        let none = Int.min / 4
        func bonus(_ i: Int) -> Int {
            i == 0 ? textStart : (t[i - 1].isLetter || t[i - 1].isNumber) ? 0 : wordStart
        }
        var row = t.indices.map { t[$0] == q[0] ? 1 + bonus($0) - min($0, 10) / 5 : none }
        for j in q.indices.dropFirst() {
            var next = [Int](repeating: none, count: t.count)
            // The best earlier match with at least one character skipped, less one per skipped character.
            var gapped = none
            for i in t.indices {
                if i >= 2 { gapped = max(gapped, row[i - 2]) - 1 }
                guard t[i] == q[j] else { continue }
                let best = max(i >= 1 ? row[i - 1] + adjacent : none, gapped)
                if best > none / 2 { next[i] = best + 1 + bonus(i) }
            }
            row = next
        }
        let best = row.max() ?? none
        return best > none / 2 ? best : nil
    }
}
