import Foundation

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
        entries = []
        if let file, let text = try? String(contentsOf: file, encoding: .utf8) {
            entries = text.split(separator: "\n").compactMap { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8), options: [.fragmentsAllowed])) as? String
            }
        }
    }

    public static func defaultFile(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        let base = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: environment["HOME"] ?? NSHomeDirectory()).appendingPathComponent(".local/state")
        return base.appendingPathComponent("bertscope/history")
    }

    /// Records a submitted line (skipping blanks and repeats) and saves.
    public mutating func add(_ line: String) {
        browsing = nil
        guard !line.trimmingCharacters(in: .whitespaces).isEmpty, entries.last.map({ !$0.utf8.elementsEqual(line.utf8) }) ?? true else { return }
        entries.append(line)
        if entries.count > Self.limit { entries.removeFirst(entries.count - Self.limit) }
        save()
    }

    /// ↑: the previous entry (remembering the unsent draft), or nil at the start.
    public mutating func previous(current: String) -> String? {
        guard !entries.isEmpty else { return nil }
        let i: Int
        if let b = browsing { i = max(0, b - 1) } else { draft = current; i = entries.count - 1 }
        browsing = i
        return entries[i]
    }

    /// ↓: the next entry, or the draft after the newest.
    public mutating func next() -> String? {
        guard let b = browsing else { return nil }
        if b + 1 >= entries.count { browsing = nil; return draft }
        browsing = b + 1
        return entries[b + 1]
    }

    private func save() {
        guard let file else { return }
        let lines = entries.compactMap { e -> String? in
            guard let d = try? JSONSerialization.data(withJSONObject: e, options: [.fragmentsAllowed]) else { return nil }
            return String(decoding: d, as: UTF8.self)
        }
        try? FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
    }
}
