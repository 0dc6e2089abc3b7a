import Foundation
import Testing
import TestSupport

/// What users hit: the default model on a 20,000-word text in a limited
/// address space (`ulimit -v`). Every command either succeeds or says in
/// one line why not; none aborts. All of it runs in 1 GB; at 400 MB the
/// default model's estimate (277 MB, plus 256 MB kept for the program) is
/// refused in one line.
@Suite struct AddressSpaceTests {
    static let text = Fixtures.longText(words: 20_000)
    let tooLittle = 400 << 10, workingLimit = 1 << 20

    func run(_ args: [String], limit: Int? = nil, stdin: String = "") throws -> ProcessOutput {
        try runBertscope(limitKB: limit ?? workingLimit, args, stdin: stdin)
    }

    @Test func tooLittleMemoryIsRefusedInOneLine() throws {
        guard Fixtures.defaultModel() != nil else { return }
        let out = try temporaryDirectory().appendingPathComponent("o.svg")
        let r = try run(["render", "--view", "overview", "--out", out.path, Self.text], limit: tooLittle)
        #expect(r.status == 1 && r.endedCleanly, "\(r.stderr.prefix(400))")
        #expect(r.stderr.contains("MB this process can use"), "\(r.stderr.prefix(400))")
    }

    /// The first window's figures, one process each (they run side by side, each under 10 s).
    @Test(arguments: [("overview", "svg"), ("overview", "png"), ("attention", "svg"), ("attention", "png")])
    func figureOfTheFirstWindow(_ view: String, _ format: String) throws {
        guard Fixtures.defaultModel() != nil else { return }
        let out = try temporaryDirectory().appendingPathComponent("\(view).\(format)")
        let r = try run(["render", "--view", view, "--format", format, "--out", out.path, Self.text])
        #expect(r.status == 0 && r.endedCleanly, "\(view) \(format): \(r.stderr.prefix(400))")
        #expect(FileManager.default.fileExists(atPath: out.path), "\(view) \(format)")
    }

    /// The default window (512 tokens, 75 MB of attention each) on the first
    /// 6,000 words: 19 windows, well past the 11 that exhausted this limit when
    /// every trace was kept (all 20,000 words write 6 GB: checked by hand, not in CI).
    @Test func dumpStrideWritesEveryWindow() throws {
        guard Fixtures.defaultModel() != nil else { return }
        let out = try temporaryDirectory().appendingPathComponent("d")
        let first = Self.text.split(separator: " ").prefix(6000).joined(separator: " ")
        let r = try run(["dump", "--stride", "128", "--out", out.path, first])
        #expect(r.status == 0 && r.endedCleanly, "\(r.stderr.prefix(400))")
        let windows = try JSONSerialization.jsonObject(
            with: Data(contentsOf: out.appendingPathComponent("windows.json")))
        #expect(((windows as? [String: Any])?["windows"] as? [Any])?.count ?? 0 >= 16)
    }

    @Test func tokenizerStatisticsOfTheWholeText() throws {
        guard let model = Fixtures.defaultModel() else { return }
        for corpus in ["-", try corpusFile()] {
            let r = try run(["tokenize", "--models", model.path, "--stats", corpus], stdin: Self.text)
            #expect(r.status == 0 && r.endedCleanly && r.stdout.contains("tokens/word"), "\(r.stderr.prefix(400))")
        }
    }

    func corpusFile() throws -> String {
        let url = try temporaryDirectory().appendingPathComponent("corpus.txt")
        try Data(Self.text.utf8).write(to: url)
        return url.path
    }
}
