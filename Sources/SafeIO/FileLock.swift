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
        try OutputFile.makeDirectories(file.deletingLastPathComponent().path)
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
}

/// A file that could not be written: one line with the path and the cause.
public struct FileWriteError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
