import Foundation
import GRDB

/// Ties each vector file to its database: a finished index records, per file,
/// a hash of 64 rows spread over it (and the last). Opening compares them, so a
/// file swapped with another of the same size, or changed in place, is refused
/// rather than searched as if its rows were the database's tokens. Reading 65
/// rows keeps opening a large index instant.
enum VectorSeal {
    static let samples = 64

    /// The sampled rows' hash of one file's bytes (`rows` rows of `width` binary16 values).
    static func fingerprint(_ bytes: UnsafeRawBufferPointer, rows: Int, width: Int) -> String {
        var h = FNV1aHash()
        h.mix(UInt64(rows))
        h.mix(UInt64(width))
        let rowBytes = width * 2
        guard rows > 0, bytes.count == rows * rowBytes else { return h.hex }
        for k in 0...samples {
            let r = k * (rows - 1) / samples
            h.mix(UnsafeRawBufferPointer(rebasing: bytes[(r * rowBytes)..<((r + 1) * rowBytes)]))
        }
        return h.hex
    }

    /// Records every stored file's fingerprint (once its rows are final).
    static func write(_ files: IndexFiles, meta: IndexMeta, rows: Int, into db: IndexDatabase) throws {
        var seal: [String: String] = [:]
        for s in meta.stored {
            let m = try VectorMatrix(path: files.vectors(s).path, rows: rows, width: meta.width)
            seal[s.fileTag] = fingerprint(m.bytes, rows: rows, width: meta.width)
        }
        let json = String(decoding: try JSONEncoder.sorted.encode(seal), as: UTF8.self)
        try db.queue.write { try $0.execute(sql: "INSERT OR REPLACE INTO meta VALUES ('seal', ?)", arguments: [json]) }
    }

    /// Refuses a file whose sampled rows are not the ones recorded.
    static func check(
        _ files: IndexFiles, meta: IndexMeta, matrices: [StoredMatrix: VectorMatrix], in db: IndexDatabase
    ) throws {
        let json = try db.queue.read { try String.fetchOne($0, sql: "SELECT value FROM meta WHERE key = 'seal'") }
        guard let json, let seal = try? JSONDecoder().decode([String: String].self, from: Data(json.utf8)) else {
            throw CorpusError(
                "\(files.database.path): the index has no record of its vector files; run corpus index again to finish it"
            )
        }
        for s in meta.stored {
            guard let m = matrices[s], seal[s.fileTag] == fingerprint(m.bytes, rows: m.rows, width: m.width) else {
                throw CorpusError(
                    "\(files.vectors(s).lastPathComponent) is not the file this index wrote (changed or swapped since); build it again (--restart)"
                )
            }
        }
    }
}

/// 64-bit FNV-1a over raw bytes (no arrays built for the sampled rows).
struct FNV1aHash {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
    mutating func mix(_ bytes: UnsafeRawBufferPointer) {
        var h = value
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        value = h
    }
    mutating func mix(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { mix($0) } }
    var hex: String { String(format: "%016llx", value) }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }
}
