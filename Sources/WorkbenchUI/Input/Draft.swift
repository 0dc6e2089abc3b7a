#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation
import SafeIO

/// The sentences being typed, saved on every edit so a crash or a kill never
/// loses them. Each running instance owns one draft file
/// (`$XDG_STATE_HOME/bertscope/drafts/ID.json`) and holds a lock on
/// `ID.lock` while it runs; a draft whose lock is free belongs to an instance
/// that has ended, and the next start adopts the newest such draft. The rest
/// stay recoverable (`:recover`), so two windows never overwrite each other.
///
/// The folder may hold anything a user put there, so only files of this
/// store's own naming (`PID-NUMBER.json`) that parse as drafts are ever
/// renamed or deleted, and a drafts folder (or state folder) that is a
/// symlink is not used at all: `problem` says why, and nothing is kept.
public final class DraftStore: @unchecked Sendable {
    public let directory: URL
    public let id: String
    private var lockFD: Int32 = -1
    /// Why drafts are not being kept (nil when they are).
    public let problem: String?
    /// Orphans kept beyond this are deleted, oldest first.
    static let keep = 50

    public var file: URL { directory.appendingPathComponent("\(id).json") }

    public init(directory: URL) {
        self.directory = directory
        id = "\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        problem = Self.refusal(directory)
        guard problem == nil else { return }
        try? OutputFile.makeDirectories(directory.path, mode: 0o700)
        let fd = open(
            directory.appendingPathComponent("\(id).lock").path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        if fd >= 0, flock(fd, LOCK_EX | LOCK_NB) == 0 { lockFD = fd } else if fd >= 0 { close(fd) }
    }

    /// Why `directory` is not used: it, or the state folder holding it, is a symlink or not a folder.
    static func refusal(_ directory: URL) -> String? {
        for url in [directory.deletingLastPathComponent(), directory] {
            var st = stat()
            guard lstat(url.path, &st) == 0 else { continue }
            switch st.st_mode & S_IFMT {
            case S_IFDIR: continue
            case S_IFLNK: return "drafts are not kept: \(url.path) is a symlink, and files there may not be ours"
            default: return "drafts are not kept: \(url.path) is not a folder"
            }
        }
        return nil
    }

    /// Whether `name` is a draft file of this store's naming (`PID-NUMBER.json`).
    static func isDraftName(_ name: String) -> Bool {
        guard name.hasSuffix(".json") else { return false }
        let parts = name.dropLast(5).split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 2
            && parts.allSatisfy {
                !$0.isEmpty && $0.count <= 10 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber)
            }
    }

    deinit {
        guard problem == nil else { return }
        if lockFD >= 0 { close(lockFD) }
        unlink(directory.appendingPathComponent("\(id).lock").path)
    }

    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        History.defaultFile(environment: environment).deletingLastPathComponent().appendingPathComponent("drafts")
    }

    /// Saves both lines; throws with the path and the cause when it cannot.
    public func save(a: String, b: String) throws {
        if let problem { throw FileWriteError(problem) }
        guard let data = try? JSONSerialization.data(withJSONObject: [a, b]) else { return }
        try OutputFile.write(data, to: file, mode: 0o600)
    }

    /// Drafts left by instances that have ended, newest first (the file of
    /// the one-draft layout before per-instance drafts counts as one). Only
    /// files of this store's naming that parse as drafts are considered;
    /// beyond `keep`, the oldest of those are deleted.
    public func orphans() -> [URL] {
        guard problem == nil else { return [] }
        let fm = FileManager.default
        var found: [(URL, Date)] = []
        for name in (try? fm.contentsOfDirectory(atPath: directory.path)) ?? []
        where Self.isDraftName(name) && name != "\(id).json" {
            let url = directory.appendingPathComponent(name)
            guard isAbandoned(String(name.dropLast(5))), Self.load(url) != nil else { continue }
            found.append((url, Self.modified(url)))
        }
        let legacy = directory.deletingLastPathComponent().appendingPathComponent("draft")
        if Self.load(legacy) != nil { found.append((legacy, Self.modified(legacy))) }
        found.sort { $0.1 > $1.1 }
        for (url, _) in found.dropFirst(Self.keep) { unlink(url.path) }
        return found.prefix(Self.keep).map(\.0)
    }

    private static func modified(_ url: URL) -> Date {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date) ?? .distantPast
    }

    /// Takes the newest orphaned draft as this instance's own (moved, so two
    /// instances starting together cannot both take it) and returns its lines.
    public func adoptNewest() -> (a: String, b: String)? {
        for url in orphans() {
            guard rename(url.path, file.path) == 0 else { continue }
            unlink(url.deletingPathExtension().appendingPathExtension("lock").path)
            if let lines = Self.load(file) { return lines }
        }
        return nil
    }

    /// Whether the instance that wrote draft `id` has ended (its lock is free).
    private func isAbandoned(_ id: String) -> Bool {
        let path = directory.appendingPathComponent("\(id).lock").path
        let fd = open(path, O_RDWR | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return true }
        defer { close(fd) }
        return flock(fd, LOCK_EX | LOCK_NB) == 0
    }

    /// A draft's two lines; nil for anything else (a symlink, another program's JSON).
    static func load(_ url: URL) -> (a: String, b: String)? {
        var st = stat()
        guard lstat(url.path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG,
            let bytes = try? SafeFile.read(url, limit: 16 << 20),
            let v = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String], v.count == 2
        else { return nil }
        return (v[0], v[1])
    }
}
