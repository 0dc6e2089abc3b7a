import Foundation
import SafeIO
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The checked writer against every kind of target a user can name. Device
/// nodes are made with mknod in a temporary folder, never the real /dev.
@Suite final class OutputFileTests {
    let dir: URL

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("bertscope-out-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    func kind(_ path: String) -> mode_t {
        var st = stat()
        return lstat(path, &st) == 0 ? st.st_mode & S_IFMT : 0
    }

    /// A character device node like /dev/null (1, 3) or /dev/full (1, 7); nil where mknod is not allowed.
    func device(_ name: String, minor: UInt) -> String? {
        let p = path(name)
        return mknod(p, S_IFCHR | 0o666, dev_t((1 << 8) | minor)) == 0 ? p : nil
    }

    func leftovers() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.contains(".tmp-") }
    }

    @Test func aNullDeviceIsWrittenThroughNeverReplaced() throws {
        guard let null = device("null", minor: 3) else { return #expect(getuid() != 0, "root can mknod") }
        try OutputFile.write(Data("figure".utf8), to: URL(fileURLWithPath: null))
        #expect(kind(null) == S_IFCHR, "the device node is still a device")
        #expect(leftovers().isEmpty)
    }

    @Test func aFullDeviceFailsWithOneLineAndStaysADevice() throws {
        guard let full = device("full", minor: 7) else { return #expect(getuid() != 0, "root can mknod") }
        #expect {
            try OutputFile.write(Data(repeating: 7, count: 1 << 20), to: URL(fileURLWithPath: full))
        } throws: { "\($0)" == "cannot write \(full): No space left on device" }
        #expect(kind(full) == S_IFCHR)
    }

    @Test func aFIFOWithoutAReaderIsRefusedAtOnce() throws {
        let fifo = path("fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect { try OutputFile.write(Data("x".utf8), to: URL(fileURLWithPath: fifo)) } throws: {
            "\($0)".contains("a FIFO that nothing is reading")
        }
        #expect(kind(fifo) == S_IFIFO)
    }

    @Test func aFIFOWithAReaderGetsTheBytes() throws {
        let fifo = path("fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        // The reader blocks in open() until a writer comes: on a thread of its own, never on the
        // test pool (a pool thread blocked there starved other tests' tasks on 2 cores: a hang).
        final class Received: @unchecked Sendable { var data = Data() }
        let received = Received(), done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            if let h = FileHandle(forReadingAtPath: fifo) { received.data = h.readDataToEndOfFile() }
            done.signal()
        }
        // Retry while nothing reads yet (the thread may not have opened its end).
        var wrote = false
        for _ in 0..<1_000 where !wrote {
            do {
                try OutputFile.write(Data("through the pipe".utf8), to: URL(fileURLWithPath: fifo))
                wrote = true
            } catch { usleep(10_000) }
        }
        // Had every write failed, a read-write open (which never blocks) releases the reader.
        if !wrote { close(open(fifo, O_RDWR)) }
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(wrote)
        #expect(String(decoding: received.data, as: UTF8.self) == "through the pipe")
        #expect(kind(fifo) == S_IFIFO)
    }

    @Test func aSymlinkIsWrittenThroughAndStaysALink() throws {
        let target = path("target.txt"), link = path("link.svg")
        try Data("old".utf8).write(to: URL(fileURLWithPath: target))
        #expect(symlink(target, link) == 0)
        try OutputFile.write(Data("new".utf8), to: URL(fileURLWithPath: link))
        #expect(kind(link) == S_IFLNK)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "new")
    }

    @Test func aDanglingSymlinkIsRefusedAndNothingIsCreated() throws {
        let link = path("dangling.svg"), target = path("nowhere/else.svg")
        #expect(symlink(target, link) == 0)
        #expect { try OutputFile.write(Data("x".utf8), to: URL(fileURLWithPath: link)) } throws: {
            "\($0)".contains("symlink to a missing file")
        }
        #expect(!FileManager.default.fileExists(atPath: target))
        #expect(kind(link) == S_IFLNK)
    }

    @Test func aDirectoryIsRefused() throws {
        let d = path("folder")
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        #expect { try OutputFile.write(Data("x".utf8), to: URL(fileURLWithPath: d)) } throws: {
            "\($0)" == "cannot write \(d): it is a directory"
        }
    }

    @Test func aRegularFileIsReplacedWholeKeepingItsMode() throws {
        let p = path("figure.svg")
        try Data("old".utf8).write(to: URL(fileURLWithPath: p))
        #expect(chmod(p, 0o640) == 0)
        try OutputFile.write(Data("new".utf8), to: URL(fileURLWithPath: p))
        var st = stat()
        #expect(stat(p, &st) == 0 && st.st_mode & 0o777 == 0o640)
        #expect(try String(contentsOfFile: p, encoding: .utf8) == "new")
        #expect(leftovers().isEmpty)
    }

    @Test func aFailedWriteLeavesTheOldFileAndNoTemporary() throws {
        struct Stop: Error {}
        let p = path("figure.svg")
        try Data("old".utf8).write(to: URL(fileURLWithPath: p))
        #expect(throws: Stop.self) {
            try OutputFile.write(to: URL(fileURLWithPath: p)) { sink in
                try sink.write("half")
                throw Stop()
            }
        }
        #expect(try String(contentsOfFile: p, encoding: .utf8) == "old")
        #expect(leftovers().isEmpty)
    }

    @Test func privateFilesAre0600EvenOverAnOlder0644() throws {
        let p = path("history")
        try Data("old".utf8).write(to: URL(fileURLWithPath: p))
        #expect(chmod(p, 0o644) == 0)
        try OutputFile.write(Data("typed".utf8), to: URL(fileURLWithPath: p), mode: 0o600)
        var st = stat()
        #expect(stat(p, &st) == 0 && st.st_mode & 0o777 == 0o600)
        try OutputFile.write(Data("typed".utf8), to: URL(fileURLWithPath: path("new")), mode: 0o600)
        #expect(stat(path("new"), &st) == 0 && st.st_mode & 0o777 == 0o600)
    }

    @Test func streamingWritesLargeOutputsInChunks() throws {
        let p = path("big.bin")
        let chunk = [UInt8](repeating: 1, count: 100_000)
        try OutputFile.write(to: URL(fileURLWithPath: p)) { sink in
            for _ in 0..<30 { try sink.write(chunk) }
            try sink.write([UInt8](repeating: 2, count: 1 << 20))
        }
        let attrs = try FileManager.default.attributesOfItem(atPath: p)
        #expect(attrs[.size] as? Int == 3_000_000 + (1 << 20))
    }

    deinit { try? FileManager.default.removeItem(at: dir) }
}
