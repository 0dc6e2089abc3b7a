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
public final class DraftStore: @unchecked Sendable {
    public let directory: URL
    public let id: String
    private var lockFD: Int32 = -1
    /// Orphans kept beyond this are deleted, oldest first.
    static let keep = 50

    public var file: URL { directory.appendingPathComponent("\(id).json") }

    public init(directory: URL) {
        self.directory = directory
        id = "\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let fd = open(directory.appendingPathComponent("\(id).lock").path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if fd >= 0, flock(fd, LOCK_EX | LOCK_NB) == 0 { lockFD = fd } else if fd >= 0 { close(fd) }
    }

    deinit {
        if lockFD >= 0 { close(lockFD) }
        unlink(directory.appendingPathComponent("\(id).lock").path)
    }

    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        History.defaultFile(environment: environment).deletingLastPathComponent().appendingPathComponent("drafts")
    }

    /// Saves both lines; throws with the path and the cause when it cannot.
    public func save(a: String, b: String) throws {
        guard let data = try? JSONSerialization.data(withJSONObject: [a, b]) else { return }
        try FileLock.writeAtomically(data, to: file)
    }

    /// Drafts left by instances that have ended, newest first (the file of
    /// the one-draft layout before per-instance drafts counts as one).
    public func orphans() -> [URL] {
        let fm = FileManager.default
        var found: [(URL, Date)] = []
        for name in (try? fm.contentsOfDirectory(atPath: directory.path)) ?? []
        where name.hasSuffix(".json") && name != "\(id).json" {
            let url = directory.appendingPathComponent(name)
            guard isAbandoned(String(name.dropLast(5))) else { continue }
            found.append(
                (url, ((try? fm.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date) ?? .distantPast))
        }
        let legacy = directory.deletingLastPathComponent().appendingPathComponent("draft")
        if SafeFile.isRegularFile(legacy.path) {
            found.append(
                (legacy, ((try? fm.attributesOfItem(atPath: legacy.path))?[.modificationDate] as? Date) ?? .distantPast)
            )
        }
        found.sort { $0.1 > $1.1 }
        for (url, _) in found.dropFirst(Self.keep) { try? fm.removeItem(at: url) }
        return found.prefix(Self.keep).map(\.0)
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

    static func load(_ url: URL) -> (a: String, b: String)? {
        guard let bytes = try? SafeFile.read(url, limit: 16 << 20),
            let v = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String], v.count == 2
        else { return nil }
        return (v[0], v[1])
    }
}
