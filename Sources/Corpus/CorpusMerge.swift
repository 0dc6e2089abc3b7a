import Foundation
import GRDB
import SafeIO

/// Joins the shards of one build (`shard-K-of-N.*`, all N finished) into one
/// index: the same database rows and vector bytes as a single pass.
public enum CorpusMerge {
    public struct Summary: Sendable { public let shards: Int, rows: Int, tokens: Int }

    public static func merge(directory: URL, into out: IndexFiles) throws -> Summary {
        let shards = try CorpusMerge.shards(in: directory)
        let opened = try shards.map { try CorpusIndex(files: $0) }
        let first = opened[0].meta
        for (k, s) in opened.enumerated() where s.meta.shard != k + 1 || s.meta.shards != opened.count {
            throw CorpusError(
                "\(s.files.database.lastPathComponent) records shard \(s.meta.shard) of \(s.meta.shards); renamed?")
        }
        for s in opened.dropFirst() where !s.meta.sameBuild(as: first) {
            throw CorpusError(
                "\(s.files.database.lastPathComponent) is of another build than \(opened[0].files.database.lastPathComponent): \(s.meta.difference(from: first) ?? "other settings")"
            )
        }
        var meta = first
        (meta.shard, meta.shards, meta.rowStart, meta.rowEnd) = (1, 1, 0, first.totalRows)
        let (db, _) = try out.prepare(meta, restart: false)
        guard try db.queue.read({ try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM sentences") ?? 0 }) == 0 else {
            throw CorpusError("\(out.database.path) already holds rows; merge writes a new index")
        }
        let appenders = try meta.stored.map {
            try VectorAppender(path: out.vectors($0).path, width: meta.width, rows: 0)
        }
        var tokens = 0
        for s in opened {
            for (a, m) in zip(appenders, meta.stored) { try a.append(raw: try s.vectorBytes(m)) }
            for a in appenders { a.sync() }
            try db.queue.writeWithoutTransaction { d in
                try d.execute(sql: "ATTACH DATABASE ? AS shard", arguments: [s.files.database.path])
                defer { try? d.execute(sql: "DETACH DATABASE shard") }
                try d.inTransaction {
                    try d.execute(
                        sql: """
                            INSERT INTO sentences SELECT id, file, line, text, pair, label, first_row + ?, rows, truncated, tags
                            FROM shard.sentences ORDER BY id
                            """, arguments: [tokens])
                    try d.execute(
                        sql:
                            "INSERT INTO tokens SELECT row + ?, sentence, position, token, token_id, segment, start, \"end\", word, upos, xpos, head, deprel, ner, attribution FROM shard.tokens ORDER BY row",
                        arguments: [tokens])
                    try d.execute(sql: "INSERT INTO predictions SELECT * FROM shard.predictions ORDER BY sentence")
                    return .commit
                }
            }
            tokens += s.tokenCount
        }
        try VectorSeal.write(out, meta: meta, rows: tokens, into: db)
        try db.queue.write {
            try $0.execute(sql: "UPDATE meta SET value = ? WHERE key = 'done'", arguments: [String(meta.rowEnd)])
        }
        return Summary(shards: opened.count, rows: meta.totalRows, tokens: tokens)
    }

    /// The shard files of `directory`, in order: one N, every K from 1 to N.
    static func shards(in directory: URL) throws -> [IndexFiles] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var found: [Int: [Int]] = [:]
        for name in names where name.hasPrefix("shard-") && name.hasSuffix(".sqlite") {
            let parts = name.dropFirst(6).dropLast(7).split(separator: "-")
            guard parts.count == 3, parts[1] == "of", let k = Int(parts[0]), let n = Int(parts[2]), n > 0, n <= 100_000,
                (1...n).contains(k)
            else { continue }
            found[n, default: []].append(k)
        }
        guard found.count == 1, let (n, ks) = found.first else {
            throw CorpusError(
                found.isEmpty
                    ? "\(directory.path) holds no shard-K-of-N.sqlite files (corpus index --shard K/N writes them)"
                    : "\(directory.path) holds shards of several splits (of \(found.keys.sorted().map(String.init).joined(separator: ", ")))"
            )
        }
        let missing = Set(1...n).subtracting(ks).sorted()
        guard missing.isEmpty else {
            throw CorpusError(
                "shard \(missing.map(String.init).joined(separator: ", ")) of \(n) is missing from \(directory.path)")
        }
        return (1...n).map { IndexFiles(directory: directory, shard: $0, of: n) }
    }
}

extension CorpusIndex {
    /// A stored vector file, all of it (for merging).
    func vectorBytes(_ stored: StoredMatrix) throws -> UnsafeRawBufferPointer {
        guard let m = matrix(stored) else { throw CorpusError("\(stored.name) is not in \(files.prefix)") }
        return m.bytes
    }
}
