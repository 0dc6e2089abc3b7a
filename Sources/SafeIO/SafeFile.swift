#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation

/// Reads files a user points BertScope at, which may be anything: a FIFO or
/// a device where a weights file belongs (a plain `open` blocks forever), a
/// directory, a file far larger than its kind ever is. Every read goes
/// through here: the path is checked with `stat` first, opened non-blocking,
/// checked again on the descriptor, and read only up to a stated limit.
public enum SafeFile {
    /// Opens `path` for reading if it is a regular file; the caller closes the descriptor.
    /// Returns the descriptor and the size in bytes.
    public static func openRegular(_ path: String) throws(FileReadError) -> (fd: Int32, size: Int) {
        var st = stat()
        guard stat(path, &st) == 0 else { throw FileReadError(path, errno: errno) }
        try requireRegular(st, path)
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw FileReadError(path, errno: errno) }
        // The path may have been swapped between stat and open: check what was opened.
        guard fstat(fd, &st) == 0 else { let e = errno; close(fd); throw FileReadError(path, errno: e) }
        do { try requireRegular(st, path) } catch { close(fd); throw error }
        // Reads of regular files never block; clear the flag so they are ordinary.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return (fd, Int(st.st_size))
    }

    /// The whole file, refusing non-regular files and files over `limit` bytes.
    public static func read(_ path: String, limit: Int) throws(FileReadError) -> [UInt8] {
        let (fd, size) = try openRegular(path)
        defer { close(fd) }
        guard size <= limit else {
            throw FileReadError(path, "is \(ByteCount(size)), over the \(ByteCount(limit)) limit for this kind of file")
        }
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let n = bytes.withUnsafeMutableBytes { posixRead(fd, $0.baseAddress! + done, size - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                if n == 0 { throw FileReadError(path, "changed while being read (\(done) of \(size) bytes)") }
                throw FileReadError(path, errno: errno)
            }
            done += n
        }
        return bytes
    }

    public static func read(_ url: URL, limit: Int) throws(FileReadError) -> [UInt8] {
        try read(url.path, limit: limit)
    }

    /// The file as UTF-8 text (invalid sequences are an error, not replaced).
    public static func text(_ url: URL, limit: Int) throws(FileReadError) -> String {
        let bytes = try read(url.path, limit: limit)
        guard let s = String(validating: bytes, as: UTF8.self) else {
            throw FileReadError(url.path, "is not UTF-8 text")
        }
        return s
    }

    /// Whether `path` names a regular file (following symlinks), without opening it.
    public static func isRegularFile(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }

    /// What `path` is, as messages say it ("a character device"), following
    /// symlinks; nil when nothing is there.
    public static func kind(of path: String) -> String? {
        var st = stat()
        return stat(path, &st) == 0 ? kindName(st) : nil
    }

    /// What `path` itself is, a symbolic link not followed ("a symbolic link"); nil when nothing is there.
    public static func entryKind(of path: String) -> String? {
        var st = stat()
        return lstat(path, &st) == 0 ? kindName(st) : nil
    }

    private static func kindName(_ st: stat) -> String {
        switch st.st_mode & S_IFMT {
        case S_IFLNK: return "a symbolic link"
        case S_IFREG: return "a regular file"
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        default: return "not a regular file"
        }
    }

    private static func requireRegular(_ st: stat, _ path: String) throws(FileReadError) {
        guard st.st_mode & S_IFMT != S_IFREG else { return }
        throw FileReadError(path, "is \(kindName(st)), not a regular file")
    }
}

/// Why a file could not be read: one line naming the path.
public struct FileReadError: Error, CustomStringConvertible, Sendable, Equatable {
    public let path: String
    public let reason: String
    public init(_ path: String, _ reason: String) { self.path = path; self.reason = reason }
    public init(_ path: String, errno code: Int32) { self.init(path, String(cString: strerror(code))) }
    public var description: String { "\(path): \(reason)" }
}

/// A byte count for messages: "1.2 TB", "90 MB", "512 KB", "17 bytes".
public struct ByteCount: CustomStringConvertible, Sendable {
    public let bytes: Double
    public init(_ bytes: Int) { self.bytes = Double(bytes) }
    /// Estimates, which may exceed any integer type.
    public init(_ bytes: Double) { self.bytes = bytes }
    public var description: String {
        let b = bytes
        if b >= Double(1 << 40) { return String(format: "%.1f TB", b / Double(1 << 40)) }
        if b >= Double(1 << 30) { return String(format: "%.1f GB", b / Double(1 << 30)) }
        if b >= Double(1 << 20) { return String(format: "%.0f MB", b / Double(1 << 20)) }
        if b >= Double(1 << 10) { return String(format: "%.0f KB", b / Double(1 << 10)) }
        return "\(Int(b)) bytes"
    }

    /// "70.3 GB", "0.2 MB": one decimal in GB or MB, so a comparison of two
    /// sizes never reads "1 MB, more than the 1 MB".
    public var oneDecimal: String {
        bytes >= Double(1 << 30)
            ? String(format: "%.1f GB", bytes / Double(1 << 30)) : String(format: "%.1f MB", bytes / Double(1 << 20))
    }
}

/// The C `read` (inside `SafeFile`, `read` names its own methods).
private func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { read(fd, buffer, count) }

/// How large each kind of file may be before it is refused unread: far
/// above real ones, far below what would exhaust memory.
public enum Limits {
    /// config.json, tokenizer_config.json, special_tokens_map.json, themes.
    public static let smallJSON = 4 << 20
    /// tokenizer.json (XLM-R's is 17 MB) and sharded-weight indexes.
    public static let tokenizerJSON = 64 << 20
    /// vocab.txt (bert-base: 232 KB) and SentencePiece models (XLM-R: 5 MB).
    public static let vocabulary = 32 << 20
    /// Entries of a vocabulary file (XLM-R and mT5 have 250k); building each costs microseconds.
    public static let vocabularyEntries = 1 << 20
    /// Probing data (CoNLL-U, TSV).
    public static let corpus = 1 << 30
}
