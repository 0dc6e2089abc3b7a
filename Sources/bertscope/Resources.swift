import Foundation

/// Finds the package's `Themes/` and `Samples/` folders: `$BERTSCOPE_HOME`,
/// else walking up from the executable (`.build/release/bertscope` lives two
/// levels below the package), else the current directory.
enum Resources {
    static func directory(_ name: String) -> URL? {
        var roots: [URL] = []
        if let home = ProcessInfo.processInfo.environment["BERTSCOPE_HOME"], !home.isEmpty {
            roots.append(URL(fileURLWithPath: home))
        }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            roots.append(dir)
            roots.append(dir.appendingPathComponent("share/bertscope"))
            dir = dir.deletingLastPathComponent()
        }
        roots.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        return roots.map { $0.appendingPathComponent(name) }.first { FileManager.default.fileExists(atPath: $0.path) }
    }
}
