#if canImport(Glibc)
    import Glibc
#endif
import Analysis
import Foundation
import GRDB
import SafeIO

/// Ties each vector file to its database: a finished index records, per file,
/// a hash of 64 rows spread over it (and the last). Opening compares them, so a
/// file swapped with another of the same size, or changed in place, is refused
/// rather than searched as if its rows were the database's tokens. Reading 65
/// rows keeps opening a large index instant.
enum VectorSeal {
    static let samples = 64

    /// The sampled rows' hash of the file at `path` (`rows` rows of `width` binary16 values), read
    /// with pread: mapping them would fault whole page-cache folios in (hundreds of MB of resident
    /// pages for 65 rows of a large index). A file of another size hashes as no sealed file does.
    static func fingerprint(path: String, rows: Int, width: Int) throws -> String {
        var h = FNV1a()
        h.mix(UInt64(rows))
        h.mix(UInt64(width))
        let rowBytes = width * 2
        let (fd, size): (Int32, Int)
        do { (fd, size) = try SafeFile.openRegular(path) } catch { throw CorpusError("\(error)") }
        defer { close(fd) }
        guard rows > 0, size == rows * rowBytes else { return size == 0 && rows == 0 ? h.hex : "size \(size)" }
        var row = [UInt8](repeating: 0, count: rowBytes)
        for k in 0...samples {
            let r = k * (rows - 1) / samples
            let got = row.withUnsafeMutableBytes { pread(fd, $0.baseAddress, rowBytes, off_t(r * rowBytes)) }
            guard got == rowBytes else { throw CorpusError("cannot read \(path)") }
            h.mix(row)
        }
        return h.hex
    }

    /// Records every stored file's fingerprint (once its rows are final).
    static func write(_ files: IndexFiles, meta: IndexMeta, rows: Int, into db: IndexDatabase) throws {
        var seal: [String: String] = [:]
        for s in meta.stored {
            seal[s.fileTag] = try fingerprint(path: files.vectors(s).path, rows: rows, width: meta.width)
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
            guard let m = matrices[s], seal[s.fileTag] == (try? fingerprint(path: m.path, rows: m.rows, width: m.width))
            else {
                throw CorpusError(
                    "\(files.vectors(s).lastPathComponent) is not the file this index wrote (changed or swapped since); build it again (--restart)"
                )
            }
        }
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }
}
