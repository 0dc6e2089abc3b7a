import Foundation
import Testing
import TestSupport

/// `bench --workbench --view`: the real loop typing a view's keys, one row per view.
@Suite struct BenchViewsCLITests {
    let tiny = Fixtures.model("tiny-bert-pretraining").path

    @Test func aViewRowHasSaneFigures() throws {
        let r = try runProcess([
            try bertscopeBinary(), "bench", "--model", tiny, "--workbench", "--view", "head", "--tokens", "32",
            "--json",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(
            o["tokens"] as? Int == 32 && o["layer"] as? Int == 3 && o["model"] as? String == "tiny-bert-pretraining")
        let views = try #require(o["views"] as? [[String: Any]])
        let row = try #require(views.first)
        #expect(views.count == 1 && row["view"] as? String == "head")
        #expect(row["keys"] as? Int == 42 && row["capped"] as? Bool == false, "three looks of 14 keys, all sent")
        let frames = try #require(row["frames"] as? Int), blocked = try #require(row["blocked_frames"] as? Int)
        #expect(frames >= 1 && frames <= 42 && (0...frames).contains(blocked))
        func ms(_ key: String) -> Double { row[key] as? Double ?? -1 }
        let echo = ["echo_p50_ms", "echo_p95_ms", "echo_p99_ms", "echo_max_ms"].map(ms)
        let current = ["current_p50_ms", "current_p95_ms", "current_p99_ms"].map(ms)
        #expect(echo[0] > 0 && echo == echo.sorted() && current[0] > 0 && current == current.sorted(), "\(row)")
        #expect(ms("open_ms") > 0 && ms("seconds") > 6 && ms("seconds") < 60, "\(row)")
    }

    @Test func aViewNeedsTheWorkbenchAndAKnownName() throws {
        let alone = try runProcess([try bertscopeBinary(), "bench", "--model", tiny, "--view", "head"])
        #expect(alone.status == 1 && alone.stderr.contains("go with --workbench"), "\(alone.stderr)")
        let unknown = try runProcess([try bertscopeBinary(), "bench", "--model", tiny, "--workbench", "--view", "nope"])
        #expect(unknown.status == 1 && unknown.stderr.contains("--view"), "\(unknown.stderr)")
    }
}
