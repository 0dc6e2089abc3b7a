#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation

/// An exclusive advisory lock (`flock`) on a sidecar `NAME.lock` file, so
/// several BertScope instances sharing a state directory take turns at a
/// read-modify-write instead of the last writer winning.
public enum FileLock {
    public static func withLock<T>(_ file: URL, _ body: () throws -> T) throws -> T {
        try makeDirectories(file.deletingLastPathComponent().path)
        let lockPath = file.path + ".lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw FileWriteError("cannot write \(lockPath): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw FileWriteError("cannot lock \(lockPath): \(String(cString: strerror(errno)))")
            }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }

    /// Writes `data` to `file` through a temporary sibling and a rename, so a
    /// reader never sees half a file; failures name the path and the cause.
    public static func writeAtomically(_ data: Data, to file: URL) throws {
        try makeDirectories(file.deletingLastPathComponent().path)
        let tmp = file.path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileWriteError("cannot write \(file.path): \(String(cString: strerror(errno)))") }
        var done = 0
        let failure: Int32? = data.withUnsafeBytes { raw in
            while done < raw.count {
                let n = write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return errno }
                done += n
            }
            return nil
        }
        close(fd)
        if let failure {
            unlink(tmp)
            throw FileWriteError("cannot write \(file.path): \(String(cString: strerror(failure)))")
        }
        guard rename(tmp, file.path) == 0 else {
            let e = errno
            unlink(tmp)
            throw FileWriteError("cannot write \(file.path): \(String(cString: strerror(e)))")
        }
    }

    /// `mkdir -p`, with the first component that failed and why.
    public static func makeDirectories(_ path: String) throws {
        var st = stat()
        if stat(path, &st) == 0 {
            guard (st.st_mode & S_IFMT) == S_IFDIR else {
                throw FileWriteError("cannot create \(path): a file is in the way")
            }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty && parent != path { try makeDirectories(parent) }
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
            throw FileWriteError("cannot create \(path): \(String(cString: strerror(errno)))")
        }
    }
}

/// A file that could not be written: one line with the path and the cause.
public struct FileWriteError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
