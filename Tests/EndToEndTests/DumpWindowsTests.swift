import Foundation
import Testing
import TestSupport

/// `dump --stride` on long documents: memory of about one window however
/// many there are, and a failure that says which windows are complete and
/// leaves no half-written window or stale windows.json behind.
@Suite struct DumpWindowsTests {
    /// 53 windows of 256 tokens (3 MB of attention each) in 200 MB of address space:
    /// keeping every window's trace until the end ran out of memory and aborted.
    @Test func memoryIsAboutOneWindowHoweverManyThereAre() throws {
        let model = try Fixtures.longModel("tiny-bert-pretraining")
        let out = try temporaryDirectory().appendingPathComponent("d")
        let r = try runBertscope(
            limitKB: 200 << 10,
            [
                "dump", "--model", model.path, "--max-length", "256", "--stride", "0", "--out", out.path,
                Fixtures.longText(words: 8000),
            ],
            // The model's up-front estimate reserves 256 MB for the program; this test measures, not estimates.
            environment: ["BERTSCOPE_MEMORY_LIMIT": "64M"])
        #expect(r.status == 0 && r.endedCleanly, "\(r.stderr.prefix(400))")
        let windows =
            try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("windows.json")))
                    as? [String: Any])["windows"] as? [Any]
        #expect((windows?.count ?? 0) > 40)
        let stitched = try readNPY(out.appendingPathComponent("hidden_states.npy"))
        #expect(stitched.shape.count == 3 && stitched.shape[0] == 4 && stitched.shape[2] == 32)
    }

    /// Window 3 cannot be written (a folder where its attentions.npy goes): the
    /// error names the window and what is complete; window 3 keeps none of its
    /// files, and the windows.json of an earlier dump is gone (it marks a complete one).
    @Test func aFailedDumpSaysWhatIsCompleteAndLeavesNoHalfWindow() throws {
        let out = try temporaryDirectory().appendingPathComponent("d")
        try FileManager.default.createDirectory(
            at: out.appendingPathComponent("window-3/attentions.npy"), withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: out.appendingPathComponent("windows.json"))
        let r = try runProcess([
            try bertscopeBinary(), "dump", "--model", Fixtures.model("tiny-bert-pretraining").path, "--max-length",
            "10", "--stride", "3", "--out", out.path, Fixtures.longText(words: 40),
        ])
        #expect(r.status == 1 && r.endedCleanly, "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "one line: \(r.stderr)")
        #expect(r.stderr.contains("dump stopped at window 3 of "), "\(r.stderr)")
        #expect(r.stderr.contains("window-1 … window-2 are complete"), "\(r.stderr)")
        func exists(_ path: String) -> Bool {
            FileManager.default.fileExists(atPath: out.appendingPathComponent(path).path)
        }
        for k in 1...2 {
            for f in ["hidden_states.npy", "attentions.npy", "tokens.json"] { #expect(exists("window-\(k)/\(f)")) }
        }
        #expect(!exists("window-3/hidden_states.npy") && !exists("window-3/tokens.json"))
        #expect(!exists("window-4") && !exists("windows.json") && !exists("hidden_states.npy"))
    }
}
