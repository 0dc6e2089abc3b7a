import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// Runs a short helper command found on PATH and returns its trimmed stdout,
/// or nil when it cannot start or fails. Used once, to locate the default model.
func runQuietly(_ argv: [String]) -> String? {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent(
        "bertscope-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).out")
    defer { try? FileManager.default.removeItem(at: out) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, out.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    var pid: pid_t = 0
    let cargs = argv.map { strdup($0) } + [nil]
    defer { cargs.forEach { free($0) } }
    guard posix_spawnp(&pid, argv[0], &actions, nil, cargs, environ) == 0 else { return nil }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    guard status == 0, let text = try? String(contentsOf: out, encoding: .utf8) else { return nil }
    return text.trimmingCharacters(in: .whitespacesAndNewlines)
}
