import Foundation
import Testing
import TestSupport

/// Arguments the CLI got wrong or took silently: each is one correct line now.
@Suite struct CLIArgumentTests {
    let tiny = Fixtures.model("tiny-bert-pretraining").path

    private func run(_ args: [String]) throws -> ProcessOutput {
        try runProcess([try bertscopeBinary()] + args)
    }

    /// "-1" after an option is its value, not a flag ArgumentParser cannot find ("Missing value").
    @Test func negativeNumbersGetTheOptionsOwnMessage() throws {
        let cases: [([String], String)] = [
            (["render", "--model", tiny, "--view", "tokens", "--width", "-1", "hi"], "--width takes 40…1000 columns"),
            (["predict", "--model", tiny, "--top-k", "-1", "a [MASK]"], "--top-k must be at least 1"),
            (["bench", "--model", tiny, "--threads", "-1"], "--threads must be at least 1"),
            (["bench", "--model", tiny, "--workbench", "-1"], "--workbench must be at least 1"),
            (["bench", "--model", tiny, "--explain", "grad-input", "--steps", "-1"], "--steps must be at least 1"),
            (["probe", "--model", tiny, "--max-sentences", "-1"], "--max-sentences must be at least 1"),
        ]
        for (args, message) in cases {
            let r = try run(args)
            #expect(r.status == 1, "\(args): \(r.stderr)")
            #expect(r.stderr.hasPrefix("bertscope: error: \(message)"), "\(args): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(args): \(r.stderr)")
        }
    }

    /// A discussion's line ends had `\\` where Swift's line continuation `\` was meant.
    @Test func helpShowsNoStrayBackslash() throws {
        for command in ["render", "tour", "tokenize", "dump", "predict", "explain", "patch", "compare", "bench"] {
            let r = try run(["help", command])
            #expect(r.status == 0 && !r.stdout.contains("\\"), "\(command): \(r.stdout)")
        }
    }

    @Test func csvIsNotWrittenAsAnImage() throws {
        let out = try temporaryDirectory().appendingPathComponent("c.png")
        let r = try run([
            "render", "--model", tiny, "--view", "attention", "--csv", "--format", "png", "--out", out.path, "hi",
        ])
        #expect(r.status == 1 && r.stderr.hasPrefix("bertscope: error: --csv"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: out.path))
        let txt = try run(["render", "--model", tiny, "--view", "attention", "--csv", "--format", "txt", "hi"])
        #expect(txt.status == 0 && txt.stdout.contains(","), "\(txt.stderr)")
    }

    @Test func threadsOverTheKernelsLimitAreSaid() throws {
        let r = try run(["bench", "--model", tiny, "--threads", "100000", "--iterations", "1", "--tokens", "4"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(
            r.stderr == "bertscope: warning: --threads 100000: the kernels run at most 16 threads; using 16\n",
            "\(r.stderr)")
    }

    @Test func aDeviceIsNotAModelFolder() throws {
        let r = try run(["info", "--model", "/dev/zero"])
        #expect(r.status == 1)
        #expect(
            r.stderr.hasPrefix("bertscope: error: /dev/zero is a character device, not a model folder"), "\(r.stderr)")
    }
}
