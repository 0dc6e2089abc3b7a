import Foundation

/// Finds the package's `Themes/` and `Samples/` folders: `$BERTSCOPE_HOME`,
/// else walking up from the executable (`.build/release/bertscope` lives two
/// levels below the package; an install's `PREFIX/bin/bertscope` finds
/// `PREFIX/share/bertscope`), else the current directory.
enum Resources {
    static func directory(_ name: String) -> URL? {
        var roots: [URL] = []
        if let home = ProcessInfo.processInfo.environment["BERTSCOPE_HOME"], !home.isEmpty {
            roots.append(URL(fileURLWithPath: home))
        }
        // The executable's real path (found through PATH, argv[0] is just "bertscope").
        let exe = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        var dir = exe.resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            roots.append(dir)
            roots.append(dir.appendingPathComponent("share/bertscope"))
            dir = dir.deletingLastPathComponent()
        }
        roots.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        return roots.map { $0.appendingPathComponent(name) }.first { FileManager.default.fileExists(atPath: $0.path) }
    }
}
