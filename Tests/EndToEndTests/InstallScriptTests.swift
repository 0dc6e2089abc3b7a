import Foundation
import Testing
import TestSupport

/// `.ci/install` run from elsewhere, with `swift` stubbed (the binary just
/// built stands in for the release build): a relative PREFIX is the caller's.
@Suite struct InstallScriptTests {
    /// A `swift` that builds nothing, points at the built binary and writes a stand-in man page.
    private func stubSwift(in dir: URL, binDir: String) throws {
        let script = """
            #!/bin/sh
            case "$*" in
              *--show-bin-path*) echo '\(binDir)' ;;
              package*) while [ $# -gt 0 ]; do [ "$1" = "-o" ] && echo '.TH BERTSCOPE 1' > "$2/bertscope.1"; shift; done ;;
            esac
            """
        let url = dir.appendingPathComponent("swift")
        try Data(script.utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
    }

    @Test func aRelativePrefixIsTheCallersFolder() throws {
        let caller = try temporaryDirectory(), stub = try temporaryDirectory()
        let binary = try bertscopeBinary()
        try stubSwift(in: stub, binDir: URL(fileURLWithPath: binary).deletingLastPathComponent().path)
        let name = "bs-install-\(UUID().uuidString)"
        let inRepo = Fixtures.packageRoot.appendingPathComponent(name)
        defer { try? FileManager.default.removeItem(at: inRepo) }
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = stub.path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        env["PREFIX"] = name + "/prefix"
        let install = Fixtures.packageRoot.appendingPathComponent(".ci/install").path
        let r = try runProcess(["/bin/sh", "-c", #"cd "$0" && bash "$1""#, caller.path, install], environment: env)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let prefix = caller.appendingPathComponent(name + "/prefix")
        #expect(FileManager.default.isExecutableFile(atPath: prefix.appendingPathComponent("bin/bertscope").path))
        #expect(
            FileManager.default.fileExists(atPath: prefix.appendingPathComponent("share/man/man1/bertscope.1").path))
        #expect(!FileManager.default.fileExists(atPath: inRepo.path), "nothing installed under the repository")
        #expect(r.stdout.contains("in \(prefix.path)"), "\(r.stdout)")
    }
}
