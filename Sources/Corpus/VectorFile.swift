#if canImport(Glibc)
    import Glibc
#endif
import CKernels
import Checkpoint
import Foundation

/// One layer's token vectors: rows of `width` binary16 values, row r for the
/// index's token r, appended as the index grows (never through a symlink, and
/// only to a regular file the index made).
final class VectorAppender {
    let path: String, width: Int
    private let fd: Int32
    private var half: [UInt16] = []

    /// Opens (creating) the file and cuts it to `rows` rows: what a crash left past the
    /// database's last commit is dropped, so a resumed index continues where it was.
    init(path: String, width: Int, rows: Int) throws {
        self.path = path; self.width = width
        fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0o644)
        guard fd >= 0 else { throw CorpusError("cannot write \(path): \(String(cString: strerror(errno)))") }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw CorpusError("\(path) is not a regular file; an index writes only its own files")
        }
        let want = rows * width * 2
        guard Int(st.st_size) >= want else {
            close(fd)
            throw CorpusError("\(path) holds fewer vectors than the index records; build it again (--restart)")
        }
        guard ftruncate(fd, off_t(want)) == 0, lseek(fd, 0, SEEK_END) >= 0 else {
            close(fd)
            throw CorpusError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(fd) }

    /// Appends `count` rows of float32 values, rounded to binary16.
    func append(_ values: UnsafePointer<Float>, rows count: Int) throws {
        let n = count * width
        if half.count < n { half = [UInt16](repeating: 0, count: n) }
        try half.withUnsafeMutableBufferPointer { h in
            bs_to_half(values, h.baseAddress!, n)
            try append(raw: UnsafeRawBufferPointer(start: h.baseAddress!, count: n * 2))
        }
    }

    /// Appends binary16 rows as they are (a shard's, when merging).
    func append(raw bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress else { return }
        var at = 0
        while at < bytes.count {
            let w = write(fd, base + at, bytes.count - at)
            if w < 0 && errno == EINTR { continue }
            guard w > 0 else { throw CorpusError("cannot write \(path): \(String(cString: strerror(errno)))") }
            at += w
        }
    }

    func sync() { fsync(fd) }
}

/// One layer's vectors, memory-mapped for search: (rows, width) binary16.
final class VectorMatrix: @unchecked Sendable {
    let file: MappedFile?
    let path: String
    let rows: Int, width: Int

    init(path: String, rows: Int, width: Int) throws {
        self.path = path; self.rows = rows; self.width = width
        guard rows > 0 else { file = nil; return }
        let (bytes, overflow) = rows.multipliedReportingOverflow(by: width * 2)
        guard !overflow else { throw CorpusError("\(path): \(rows) rows of \(width) do not fit in memory") }
        let f: MappedFile
        do { f = try MappedFile(path: path) } catch { throw CorpusError("\(error)") }
        guard f.size == bytes else {
            throw CorpusError(
                "\(path) is \(f.size) bytes; the index records \(rows) vectors of \(width) (\(bytes) bytes): build it again"
            )
        }
        file = f
    }

    var base: UnsafePointer<UInt16>? { file.map { $0.base.assumingMemoryBound(to: UInt16.self) } }

    /// All rows' bytes (empty for an index without tokens).
    var bytes: UnsafeRawBufferPointer {
        file.map { $0.bytes(at: 0, count: $0.size) } ?? UnsafeRawBufferPointer(start: nil, count: 0)
    }

    /// Row r as float32.
    func row(_ r: Int) -> [Float] {
        guard let base, (0..<rows).contains(r) else { return [] }
        var out = [Float](repeating: 0, count: width)
        out.withUnsafeMutableBufferPointer { bs_from_half(base + r * width, $0.baseAddress!, width) }
        return out
    }
}
