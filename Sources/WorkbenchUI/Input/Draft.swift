import Foundation

/// The sentences being typed, saved on every edit next to the history
/// (`$XDG_STATE_HOME/bertscope/draft`) and restored at the next start.
public enum Draft {
    public static func defaultFile(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        History.defaultFile(environment: environment).deletingLastPathComponent().appendingPathComponent("draft")
    }

    public static func save(a: String, b: String, to url: URL) {
        guard let data = try? JSONSerialization.data(withJSONObject: [a, b]) else { return }
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? data.write(to: url, options: .atomic)
    }

    public static func load(_ url: URL) -> (a: String, b: String)? {
        guard let data = try? Data(contentsOf: url), let v = try? JSONSerialization.jsonObject(with: data) as? [String], v.count == 2 else { return nil }
        return (v[0], v[1])
    }
}
