import Foundation
import Testing
import TestSupport

/// Every hostile folder gives a one-line error and exit 1 from `info` and
/// `dump`, within 20 s and under a 4 GB address-space limit: no trap, no
/// hang on a FIFO, no allocation sized by a lying number.
@Suite struct HostileFolderTests {
    static let limitKB = 4 << 20

    @Test(arguments: HostileFolders.all)
    func aHostileFolderGivesOneLineAndExitOne(_ c: HostileFolders.Case) throws {
        let dir = try HostileFolders.build(c)
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        let out = dir.deletingLastPathComponent().appendingPathComponent("out").path
        for args in [["info", "--model", dir.path], ["dump", "--model", dir.path, "--out", out, "a hostile test"]] {
            let started = Date()
            let r = try runLimited(args)
            let seconds = Date().timeIntervalSince(started)
            let lines = r.stderr.split(separator: "\n")
            // info runs no forward pass
            if c.name == "nan-weights" && args[0] == "info" { #expect(r.status == 0); continue }
            #expect(
                r.status == 1,
                "\(c.name) \(args[0]): exit \(r.status) after \(seconds) s; stderr: \(r.stderr.prefix(600))")
            #expect(
                lines.count == 1 && lines[0].hasPrefix("bertscope: error: "),
                "\(c.name) \(args[0]): \(r.stderr.prefix(600))")
            #expect(seconds < 20, "\(c.name) \(args[0]) took \(seconds) s")
        }
    }

    @Test func theErrorsSayWhatIsWrong() throws {
        let expected: [String: String] = [
            "safetensors-offsets-near-2^63": "holds 9223372036854775000 bytes",
            "safetensors-begin-near-2^63": "beyond the",
            "safetensors-90MB-header": "over the 16 MB limit",
            "torch-storage-offset-2^62": "too large to address",
            "torch-strides-overflow": "too large to address",
            "torch-45MB-of-empty-dicts": "more than 4000000 values",
            "fifo-weights": "a FIFO (named pipe), not a regular file",
            "fifo-shard": "shard-1.safetensors: is a FIFO",
            "device-weights": "a character device",
            "albert-1M-layers": "num_hidden_layers",
            "negative-layer-norm-eps": "layer_norm_eps",
            "nan-weights": "layer 2",
            "vocab-1.2M-lines": "1200000 lines, over the 1048576 entries",
        ]
        for c in HostileFolders.all where expected[c.name] != nil {
            let dir = try HostileFolders.build(c)
            defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
            let r = try runLimited([
                "dump", "--model", dir.path, "--out", dir.deletingLastPathComponent().appendingPathComponent("o").path,
                "hello there",
            ])
            #expect(r.stderr.contains(expected[c.name]!), "\(c.name): \(r.stderr)")
        }
    }

    /// The binary under `ulimit -v` and a hard 25 s kill (a hang fails the test instead of blocking it).
    func runLimited(_ args: [String]) throws -> ProcessOutput {
        let quoted = try ([bertscopeBinary()] + args).map {
            "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }.joined(separator: " ")
        var env = ProcessInfo.processInfo.environment
        env["SWIFT_BACKTRACE"] = "enable=no"
        return try runProcess(
            ["/bin/sh", "-c", "ulimit -v \(Self.limitKB); exec timeout -s KILL 25 \(quoted)"], environment: env)
    }
}
