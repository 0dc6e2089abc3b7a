#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import CFaults
import Foundation

/// Every file BertScope writes goes through here, because the path a user
/// names may be anything: `/dev/null`, a FIFO another program reads, a
/// symlink into someone else's folder, a disk. What happens depends on what
/// is there (by `lstat`, never guessed from the name):
/// - nothing, or a regular file: the bytes go to a temporary sibling that a
///   rename puts in place once complete, so a reader never sees half a file
///   and a failure leaves the old one as it was (an existing file keeps its
///   mode and owner). A kill signal removes the temporary file.
/// - a symlink, a character device or a FIFO: written through, as the
///   shell's `>` does; never replaced. A FIFO nobody reads is refused
///   rather than waited on.
/// - a dangling symlink, a directory, a block device or a socket: refused
///   with one line.
public enum OutputFile {
    /// Writes `data` to `file`. `mode` forces the file's permissions (0600
    /// for what the user typed); nil keeps an existing file's and gives a new
    /// one 0644 less the umask.
    public static func write(_ data: Data, to file: URL, mode: mode_t? = nil) throws {
        try write(to: file, mode: mode) { sink in try data.withUnsafeBytes { try sink.write($0) } }
    }

    /// Streams what `body` writes to `file`; see the type's comment for what
    /// each kind of target gets. An error from `body` leaves no trace of the
    /// write in a regular file's place (it is rethrown as it is).
    public static func write(to file: URL, mode: mode_t? = nil, _ body: (inout ByteSink) throws -> Void) throws {
        let path = file.path
        var st = stat()
        if lstat(path, &st) != 0 {
            guard errno == ENOENT else { throw failure(path, errno) }
            return try replace(path, existing: nil, mode: mode, body)
        }
        switch st.st_mode & S_IFMT {
        case S_IFREG: return try replace(path, existing: st, mode: mode, body)
        case S_IFLNK: return try writeThroughLink(path, body)
        case S_IFCHR, S_IFIFO: return try writeThrough(path, body)
        default: throw refusal(path, st)
        }
    }

    /// Removes the temporary files of writes still in progress (at exit: a
    /// background export cut short by quitting leaves nothing behind).
    public static func removeUnfinished() { bs_tempfiles_unlink_all() }

    /// `mkdir -p` with `mode` for the folders it makes; names what failed and why.
    public static func makeDirectories(_ path: String, mode: mode_t = 0o755) throws {
        var st = stat()
        if stat(path, &st) == 0 {
            guard (st.st_mode & S_IFMT) == S_IFDIR else {
                throw FileWriteError("cannot create \(path): a file is in the way")
            }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty && parent != path { try makeDirectories(parent, mode: mode) }
        guard mkdir(path, mode) == 0 || errno == EEXIST else {
            throw FileWriteError("cannot create \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// A symlink is followed as `>` follows it, unless it leads nowhere or to
    /// something that is never written.
    private static func writeThroughLink(_ path: String, _ body: (inout ByteSink) throws -> Void) throws {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw FileWriteError("cannot write \(path): it is a symlink to a missing file; not following it")
        }
        switch st.st_mode & S_IFMT {
        case S_IFREG, S_IFCHR, S_IFIFO: try writeThrough(path, body)
        default: throw refusal(path, st)
        }
    }

    /// Opens what is there without creating or replacing it and writes into it.
    private static func writeThrough(_ path: String, _ body: (inout ByteSink) throws -> Void) throws {
        // Non-blocking open: a FIFO without a reader fails (ENXIO) instead of hanging.
        let fd = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENXIO { throw FileWriteError("cannot write \(path): a FIFO that nothing is reading") }
            throw failure(path, errno)
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw failure(path, errno) }
        let kind = st.st_mode & S_IFMT
        guard kind == S_IFREG || kind == S_IFCHR || kind == S_IFIFO else { throw refusal(path, st) }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        if kind == S_IFREG && ftruncate(fd, 0) != 0 { throw failure(path, errno) }
        var sink = ByteSink(fd: fd, path: path)
        try body(&sink)
        try sink.flush()
    }

    /// A new or regular file: a temporary sibling, renamed into place when complete.
    private static func replace(
        _ path: String, existing: stat?, mode: mode_t?, _ body: (inout ByteSink) throws -> Void
    ) throws {
        try makeDirectories((path as NSString).deletingLastPathComponent)
        let tmp = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        // Registered before it exists: a kill between the open and the registration would leave it.
        let slot = bs_tempfile_register(tmp)
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode ?? 0o644)
        guard fd >= 0 else {
            let e = errno
            bs_tempfile_release(slot)
            throw failure(path, e)
        }
        var placed = false
        defer {
            if !placed { unlink(tmp) }
            bs_tempfile_release(slot)
        }
        do {
            if let mode { fchmod(fd, mode) } else if let existing { fchmod(fd, existing.st_mode & 0o7777) }
            if let existing, getuid() == 0 { _ = fchown(fd, existing.st_uid, existing.st_gid) }
            var sink = ByteSink(fd: fd, path: path)
            try body(&sink)
            try sink.flush()
        } catch {
            close(fd)
            throw error
        }
        close(fd)
        // A path that was empty must still be empty: never rename over what appeared meanwhile.
        let moved = existing == nil ? bs_rename_noreplace(tmp, path) : rename(tmp, path)
        guard moved == 0 else {
            if errno == EEXIST { throw FileWriteError("cannot write \(path): a file appeared there while writing") }
            throw failure(path, errno)
        }
        placed = true
    }

    private static func failure(_ path: String, _ code: Int32) -> FileWriteError {
        FileWriteError("cannot write \(path): \(String(cString: strerror(code)))")
    }

    private static func refusal(_ path: String, _ st: stat) -> FileWriteError {
        let what: String
        switch st.st_mode & S_IFMT {
        case S_IFDIR: what = "a directory"
        case S_IFBLK: what = "a block device (a disk): refusing to write to it"
        case S_IFSOCK: what = "a socket"
        default: what = "not a file that can be written"
        }
        return FileWriteError("cannot write \(path): it is \(what)")
    }
}

/// A buffered writer to one descriptor: flushes every 256 KB, so a figure or
/// an array of any size is written without being held whole in memory.
public struct ByteSink {
    let fd: Int32
    let path: String
    private var buffer: [UInt8] = []
    static let chunk = 256 << 10
    public private(set) var written = 0

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
        buffer.reserveCapacity(Self.chunk)
    }

    public mutating func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }

    public mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
        if buffer.count + bytes.count > Self.chunk { try flush() }
        if bytes.count >= Self.chunk { return try writeAll(bytes) }
        buffer.append(contentsOf: bytes)
    }

    public mutating func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    public mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private mutating func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let n = posixWrite(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw FileWriteError("cannot write \(path): \(String(cString: strerror(n < 0 ? errno : EIO)))")
            }
            done += n
        }
        written += bytes.count
    }
}

/// The C `write` (inside `ByteSink`, `write` names its own methods).
private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { write(fd, buffer, count) }
