import CorpusText
import GRDB

extension CorpusIndex {
    /// The matches of `nearest`'s rows, in that order.
    public func matches(_ found: [(row: Int, cosine: Float)]) throws -> [CorpusMatch] {
        try db.queue.read { d in
            try found.map { f in
                guard
                    let r = try Row.fetchOne(
                        d,
                        sql: """
                            SELECT t.*, s.file, s.line, s.text, s.pair, s.label, s.tags AS source FROM tokens t
                            JOIN sentences s ON s.id = t.sentence WHERE t.row = ?
                            """, arguments: [f.row])
                else { throw CorpusError("token row \(f.row) is missing from the index database") }
                var tags: [String: String] = [:]
                for name in CorpusTags.names {
                    if let v = try r.decode(String?.self, forColumn: name) { tags[name] = v }
                }
                return CorpusMatch(
                    row: f.row, sentence: try r.need("sentence"), position: try r.need("position"),
                    token: try r.need("token"),
                    cosine: f.cosine, file: try r.need("file"), line: try r.need("line"), text: try r.need("text"),
                    pair: try r.decode(String?.self, forColumn: "pair"), segment: try r.need("segment"),
                    start: try r.need("start"), end: try r.need("end"),
                    tags: tags, label: try r.decode(String?.self, forColumn: "label"),
                    tagSource: try r.decode(String?.self, forColumn: "source"))
            }
        }
    }
}

extension CorpusIndex: CorpusSearching {
    /// The directory's name; a cached sample (`corpora/NAME-KEY`) by its NAME, not the model key.
    public var name: String {
        let dir = files.directory
        guard dir.deletingLastPathComponent().lastPathComponent == "corpora",
            let dash = dir.lastPathComponent.firstIndex(of: "-")
        else { return dir.lastPathComponent }
        return String(dir.lastPathComponent[..<dash]) + " (sample)"
    }
    public var layers: [Int] { meta.layers }
    public var contextLayers: [Int] { meta.contextLayers ?? [] }
    public func search(_ query: [Float], heads: [Int], layer: Int, top: Int) throws -> [CorpusMatch] {
        try matches(try nearest(query, heads: heads, layer: layer, top: top))
    }
    public var rowCount: Int { meta.totalRows }
    public func search(_ query: [Float], layer: Int, top: Int) throws -> [CorpusMatch] {
        try matches(try nearest(query, layer: layer, top: top))
    }

    public func match(row: Int) throws -> CorpusMatch {
        guard (0..<tokenCount).contains(row) else { throw CorpusError("no token row \(row)") }
        return try matches([(row, 0)])[0]
    }
}

extension Row {
    /// A column that must hold a value of type T: a damaged database is an error, not a crash
    /// (GRDB's subscripts trap on NULL or a value of another type).
    func need<T: DatabaseValueConvertible>(_ column: String) throws -> T {
        do { return try decode(T.self, forColumn: column) } catch {
            throw CorpusError("the index database is damaged: \(column) is missing or not a \(T.self)")
        }
    }
}
