import Foundation
import GRDB

/// The index's SQLite database: its build (`meta`), its sentences and its
/// tokens. Token row r is row r of every layer's vector file.
final class IndexDatabase {
    let queue: DatabaseQueue
    let url: URL

    static let schema = """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE sentences (
            id INTEGER PRIMARY KEY, file TEXT NOT NULL, line INTEGER NOT NULL, text TEXT NOT NULL, pair TEXT,
            label TEXT, first_row INTEGER NOT NULL, rows INTEGER NOT NULL, truncated INTEGER NOT NULL, tags TEXT);
        CREATE TABLE tokens (
            row INTEGER PRIMARY KEY, sentence INTEGER NOT NULL, position INTEGER NOT NULL, token TEXT NOT NULL,
            token_id INTEGER NOT NULL, segment INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
            word INTEGER, upos TEXT, xpos TEXT, head TEXT, deprel TEXT, ner TEXT, attribution REAL);
        CREATE INDEX tokens_by_sentence ON tokens(sentence, position);
        CREATE TABLE predictions (
            sentence INTEGER PRIMARY KEY, label TEXT NOT NULL, probability REAL NOT NULL, loss REAL,
            correct INTEGER, probabilities TEXT NOT NULL);
        """

    private init(queue: DatabaseQueue, url: URL) { self.queue = queue; self.url = url }

    /// A new database (the file must not exist).
    static func create(_ url: URL, meta: IndexMeta) throws -> IndexDatabase {
        let db = IndexDatabase(queue: try DatabaseQueue(path: url.path), url: url)
        try db.queue.write { d in
            try d.execute(sql: schema)
            try d.execute(
                sql: "INSERT INTO meta VALUES ('build', ?), ('done', ?)", arguments: [meta.json, String(meta.rowStart)])
        }
        return db
    }

    /// An existing index database, its build read and checked.
    /// `anyFormat`: an index of another format version is returned too (to say how it differs, or to
    /// remove its files on `--restart`), not refused.
    static func open(_ url: URL, readOnly: Bool = false, anyFormat: Bool = false) throws -> (
        IndexDatabase, IndexMeta, done: Int
    ) {
        var config = Configuration()
        config.readonly = readOnly
        let queue: DatabaseQueue
        do { queue = try DatabaseQueue(path: url.path, configuration: config) } catch {
            throw CorpusError("\(url.path): not a corpus index database (\(error.localizedDescription))")
        }
        let (json, done) = try queue.read { d -> (String?, String?) in
            guard try d.tableExists("meta") else { return (nil, nil) }
            return (
                try String.fetchOne(d, sql: "SELECT value FROM meta WHERE key = 'build'"),
                try String.fetchOne(d, sql: "SELECT value FROM meta WHERE key = 'done'")
            )
        }
        guard let json, let meta = IndexMeta(json: json) else {
            throw CorpusError("\(url.path): not a corpus index database (no build record)")
        }
        guard meta.format == IndexMeta.formatVersion || anyFormat else {
            throw CorpusError(
                "\(url.path): index format \(meta.format); this bertscope reads \(IndexMeta.formatVersion): build it again (corpus index --restart)"
            )
        }
        guard let done = done.flatMap(Int.init), done >= meta.rowStart, done <= meta.rowEnd else {
            throw CorpusError("\(url.path): the index's progress record is damaged")
        }
        return (IndexDatabase(queue: queue, url: url), meta, done)
    }
}

extension IndexMeta {
    var json: String { String(decoding: (try? JSONEncoder.sorted.encode(self)) ?? Data(), as: UTF8.self) }

    /// Decoded and range-checked (the numbers drive arithmetic and allocation).
    init?(json: String) {
        guard let m = try? JSONDecoder().decode(IndexMeta.self, from: Data(json.utf8)) else { return nil }
        guard m.width > 0, m.width <= 8_192, m.shards >= 1, m.shards <= 100_000, (1...m.shards).contains(m.shard),
            m.totalRows >= 0, m.totalRows <= 1 << 40, m.layers.count <= 1_024,
            m.layers.allSatisfy({ (0...4_096).contains($0) }),
            m.rowStart >= 0, m.rowStart <= m.rowEnd, m.rowEnd <= m.totalRows, m.maxTokens > 0,
            (m.contextLayers ?? []).count <= 1_024, (m.contextLayers ?? []).allSatisfy({ (1...4_096).contains($0) }),
            (m.contextLayers == nil) == (m.heads == nil),
            m.heads.map({ (1...4_096).contains($0) && m.width % $0 == 0 }) ?? true
        else { return nil }
        self = m
    }
}

/// A corpus error: one line for the user.
public struct CorpusError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
