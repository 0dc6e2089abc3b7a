#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation
import SafeIO

/// Input history with ↑/↓ browsing; persisted one entry per line (JSON
/// string literals, so newlines and any Unicode survive) in the XDG state
/// directory: `$XDG_STATE_HOME/bertscope/history`, else `~/.local/state/...`.
public struct History: Sendable {
    public private(set) var entries: [String]
    private var browsing: Int?
    private var draft = ""
    public let file: URL?
    /// Said once at start-up: lines of the file that were skipped, or why the
    /// file is neither read nor written this session.
    public private(set) var notice: String?
    /// Set when the file could not be read: it is then never written either.
    private var unreadable: String?
    public static let limit = 500
    /// Larger history files are not read (and so never rewritten).
    static let fileLimit = 16 << 20

    public init(file: URL?) {
        self.file = file
        entries = []
        guard let file else { return }
        do {
            let read = try Self.read(file)
            entries = read.entries
            if read.skipped > 0 {
                notice =
                    "history: \(read.skipped) line\(read.skipped == 1 ? "" : "s") of \(file.path) could not be read (kept in the file as they are)"
            }
        } catch {
            unreadable = "\(error)"
            notice = "history is kept for this session only: \(error); the file is left as it is"
        }
    }

    /// What a history file holds: its entries, and the lines that are not
    /// entries (not UTF-8, not a JSON string), kept as they are so a rewrite
    /// never drops them.
    struct FileContents {
        var entries: [String] = []
        var foreign: [ArraySlice<UInt8>] = []
        var skipped: Int { foreign.count }
    }

    /// The file's contents; a missing file is an empty history. Throws when it
    /// cannot be read whole (not a regular file, over the limit, no permission).
    static func read(_ file: URL) throws -> FileContents {
        var st = stat()
        guard lstat(file.path, &st) == 0 else {
            if errno == ENOENT { return FileContents() }
            throw FileReadError(file.path, errno: errno)
        }
        // Written through, a symlink would put entries into whatever file it names.
        guard (st.st_mode & S_IFMT) != S_IFLNK else { throw FileReadError(file.path, "is a symlink; not following it") }
        let bytes = try SafeFile.read(file, limit: fileLimit)
        var contents = FileContents()
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            if let text = String(validating: line, as: UTF8.self),
                let entry = (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]))
                    as? String
            {
                contents.entries.append(entry)
            } else {
                contents.foreign.append(line)
            }
        }
        // Lines but no entry at all: some other program's file, not ours to rewrite.
        guard contents.entries.count > 0 || contents.foreign.isEmpty else {
            throw FileReadError(file.path, "does not look like a BertScope history (no line is an entry)")
        }
        return contents
    }

    public static func defaultFile(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        let base =
            environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: environment["HOME"] ?? NSHomeDirectory()).appendingPathComponent(".local/state")
        return base.appendingPathComponent("bertscope/history")
    }

    /// Records a submitted line (skipping blanks and repeats) and saves it.
    /// Other instances may have added lines meanwhile: under a lock, the file
    /// is read again, the line appended and the merge written back, so none
    /// is lost. A file that cannot be read is never written. Throws (with the
    /// path and the cause) when the file cannot be written; the line stays in
    /// this session's history either way.
    public mutating func add(_ line: String) throws {
        browsing = nil
        guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { return }
        Self.append(line, to: &entries)
        guard let file else { return }
        if let unreadable { throw FileWriteError("history not saved: \(unreadable)") }
        do {
            entries = try FileLock.withLock(file) {
                var merged = try Self.read(file)
                Self.append(line, to: &merged.entries)
                try OutputFile.write(to: file, mode: 0o600) { sink in try Self.serialize(merged, into: &sink) }
                return merged.entries
            }
        } catch {
            throw FileWriteError("history not saved: \(error)")
        }
    }

    private static func append(_ line: String, to list: inout [String]) {
        guard list.last.map({ !$0.utf8.elementsEqual(line.utf8) }) ?? true else { return }
        list.append(line)
        if list.count > limit { list.removeFirst(list.count - limit) }
    }

    /// The lines that were not entries first, as they were, then one JSON string per entry.
    private static func serialize(_ contents: FileContents, into sink: inout ByteSink) throws {
        for line in contents.foreign { try sink.write(Array(line) + [UInt8(ascii: "\n")]) }
        for e in contents.entries {
            guard let d = try? JSONSerialization.data(withJSONObject: e, options: [.fragmentsAllowed]) else { continue }
            try sink.write([UInt8](d) + [UInt8(ascii: "\n")])
        }
    }

    /// ↑: the previous entry (remembering the unsent draft), or nil at the start.
    public mutating func previous(current: String) -> String? {
        guard !entries.isEmpty else { return nil }
        let i: Int
        if let b = browsing { i = max(0, b - 1) } else { draft = current; i = entries.count - 1 }
        browsing = i
        return entries[i]
    }

    /// Ends browsing after the user edits a recalled line: the edited line is
    /// theirs now, and the next ↑ starts again from the newest entry.
    public mutating func stopBrowsing() { browsing = nil }

    /// ↓: the next entry, or the draft after the newest.
    public mutating func next() -> String? {
        guard let b = browsing else { return nil }
        if b + 1 >= entries.count { browsing = nil; return draft }
        browsing = b + 1
        return entries[b + 1]
    }
}
