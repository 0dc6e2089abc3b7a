import Foundation
import GRDB
import SafeIO

/// An index's files in its directory: `<prefix>.sqlite` and one
/// `<prefix>.layer-<L>.f16` per stored layer. The whole index is "index";
/// shard K of N is "shard-K-of-N", so shards built apart can share a directory.
public struct IndexFiles: Sendable {
    public let directory: URL
    public let prefix: String

    public init(directory: URL, shard: Int = 1, of shards: Int = 1) {
        self.directory = directory
        prefix = shards == 1 ? "index" : "shard-\(shard)-of-\(shards)"
    }

    public init(directory: URL, prefix: String) { self.directory = directory; self.prefix = prefix }

    public var database: URL { directory.appendingPathComponent(prefix + ".sqlite") }
    public func vectors(layer: Int) -> URL { vectors(.hidden(layer)) }
    public func vectors(_ m: StoredMatrix) -> URL { directory.appendingPathComponent("\(prefix).\(m.fileTag).f16") }

    /// The files this index owns (SQLite's journal files, FAISS indexes and their seals included):
    /// the only ones it ever removes.
    func owned(_ stored: [StoredMatrix]) -> [URL] {
        let layers = stored.compactMap { if case .hidden(let l) = $0 { l } else { nil } }
        let faiss = layers.flatMap { l in
            ApproximateIndex.Kind.allCases.flatMap { k in
                [approximate(layer: l, kind: k), URL(fileURLWithPath: approximate(layer: l, kind: k).path + ".seal")]
            }
        }
        return [database] + ["-wal", "-shm", "-journal"].map { URL(fileURLWithPath: database.path + $0) }
            + stored.map(vectors) + faiss
    }

    /// Opens the index to continue it, or creates it. An index of another build is
    /// refused (said how it differs) unless `restart`, which removes only its own files.
    func prepare(_ meta: IndexMeta, restart: Bool) throws -> (IndexDatabase, done: Int) {
        try OutputFile.makeDirectories(directory.path)
        if let kind = SafeFile.entryKind(of: database.path), kind != "a regular file" {
            throw CorpusError("\(database.path) is \(kind); an index writes only its own regular files")
        }
        if SafeFile.entryKind(of: database.path) != nil {
            let (db, old, done) = try IndexDatabase.open(database, anyFormat: true)
            if !restart {
                if let why = meta.difference(from: old) {
                    throw CorpusError("\(database.path) is an index \(why); --restart builds it again")
                }
                guard old.shard == meta.shard, old.shards == meta.shards else {
                    throw CorpusError("\(database.path) is shard \(old.shard)/\(old.shards); --restart builds it again")
                }
                return (db, done)
            }
            try removeOwned(old.stored + meta.stored)
        }
        for url in meta.stored.map(vectors) where SafeFile.entryKind(of: url.path) != nil {
            throw CorpusError("\(url.path) exists without its index database; remove it or pick another --out")
        }
        return (try IndexDatabase.create(database, meta: meta), meta.rowStart)
    }

    private func removeOwned(_ stored: [StoredMatrix]) throws {
        for url in owned(Array(Set(stored)).sorted()) {
            guard let kind = SafeFile.entryKind(of: url.path) else { continue }
            guard kind == "a regular file" else {
                throw CorpusError("\(url.path) is \(kind); an index removes only its own regular files")
            }
            try FileManager.default.removeItem(at: url)
        }
    }
}
