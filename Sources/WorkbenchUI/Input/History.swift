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
    public static let limit = 500

    public init(file: URL?) {
        self.file = file
        entries = file.map { (try? Self.readEntries($0)) ?? [] } ?? []
    }

    /// The file's entries; a missing file is an empty history.
    static func readEntries(_ file: URL) throws -> [String] {
        guard FileManager.default.fileExists(atPath: file.path) else { return [] }
        let text = try SafeFile.text(file, limit: 16 << 20)
        return text.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8), options: [.fragmentsAllowed])) as? String
        }
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
    /// is lost. Throws (with the path and the cause) when the file cannot be
    /// written; the line stays in this session's history either way.
    public mutating func add(_ line: String) throws {
        browsing = nil
        guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { return }
        Self.append(line, to: &entries)
        guard let file else { return }
        do {
            entries = try FileLock.withLock(file) {
                var merged = (try? Self.readEntries(file)) ?? entries
                Self.append(line, to: &merged)
                try FileLock.writeAtomically(Data(Self.serialize(merged).utf8), to: file)
                return merged
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

    private static func serialize(_ list: [String]) -> String {
        list.compactMap { e -> String? in
            guard let d = try? JSONSerialization.data(withJSONObject: e, options: [.fragmentsAllowed]) else {
                return nil
            }
            return String(decoding: d, as: UTF8.self) + "\n"
        }.joined()
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
