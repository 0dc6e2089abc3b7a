/// Token ↔ id tables keyed by UTF-8 bytes (Swift's `String` equality is
/// canonical equivalence; tokenizers matches exact code points).
struct Vocabulary: Sendable {
    let ids: [[UInt8]: Int]
    let tokens: [String]

    /// `entries` in file order; a repeated token keeps its first id.
    init(_ entries: [(token: String, id: Int)]) throws {
        var ids: [[UInt8]: Int] = [:]
        var maxId = -1
        for (token, id) in entries where id >= 0 {
            if ids[Array(token.utf8)] == nil { ids[Array(token.utf8)] = id }
            maxId = max(maxId, id)
        }
        guard maxId < 1 << 24 else { throw TokenizerError("vocabulary id \(maxId) is implausibly large") }
        var table = [String](repeating: "", count: maxId + 1)
        for (token, id) in entries where id >= 0 && table[id].isEmpty { table[id] = token }
        self.ids = ids
        self.tokens = table
    }

    func id(_ token: String) -> Int? { ids[Array(token.utf8)] }
}
