import Foundation
import WorkbenchUI

/// One view's row: keystroke → next frame (echo) and → the frame with its
/// answer (current), in ms; frames where a key waited over 100 ms (blocked).
struct WorkbenchViewRow: Encodable {
    let view: String
    let keys: Int, frames: Int, currentFrames: Int
    let echoP50Ms: Double, echoP95Ms: Double, echoP99Ms: Double, echoMaxMs: Double
    let currentP50Ms: Double, currentP95Ms: Double, currentP99Ms: Double
    let blockedFrames: Int
    /// The first frame once the session's work for the view was done.
    let openMs: Double
    /// From the key (or command) that opens the view to that first frame: its work and its drawing.
    let readyMs: Double
    let seconds: Double
    let capped: Bool

    init(
        view: String, stats: FrameStats, keys: Int, openMs: Double, readyMs: Double, seconds: Double, capped: Bool
    ) {
        func ms(_ q: Double, _ v: [Double]) -> Double { Self.round(stats.percentile(q, of: v) ?? 0) }
        let echo = stats.echoes, current = stats.latencies
        self.view = view
        self.keys = keys
        frames = echo.count
        currentFrames = current.count
        echoP50Ms = ms(0.5, echo); echoP95Ms = ms(0.95, echo); echoP99Ms = ms(0.99, echo); echoMaxMs = ms(1, echo)
        currentP50Ms = ms(0.5, current); currentP95Ms = ms(0.95, current); currentP99Ms = ms(0.99, current)
        blockedFrames = echo.filter { $0 > BenchViewRun.blockedMilliseconds }.count
        self.openMs = Self.round(openMs)
        self.readyMs = Self.round(readyMs)
        self.seconds = Self.round(seconds)
        self.capped = capped
    }

    static func round(_ v: Double) -> Double { (v * 10).rounded() / 10 }
}

/// `bench --workbench --view … --json`.
struct WorkbenchViewsJSON: Encodable {
    let model: String
    let tokens: Int, words: Int, width: Int, height: Int, layer: Int, looks: Int
    let intervalMs: Double, capSeconds: Double
    let views: [WorkbenchViewRow]
}

extension WorkbenchViewsJSON {
    /// The human table: one row per view.
    var table: [String] {
        var out = [
            "workbench  \(model): \(tokens)-token text (\(words) words), \(width)×\(height), layer \(layer) (the last), "
                + "each view's keys \(looks) times, \(Int(intervalMs)) ms apart, at most \(Int(capSeconds)) s per view",
            "           echo: keystroke to the next frame; current: to the frame with its answer (ms, timed from "
                + "when the key was typed); frames: drawn after a key / of them current; blocked: frames a key "
                + "waited > 100 ms for; open: the view's first frame once its work is done; ready: from the key "
                + "that opens the view to that frame",
            "",
            Self.line(
                "view", "keys", "frames", "echo p50", "p95", "p99", "max", "current p50", "p95", "p99", "blocked",
                "open ms", "ready ms", "s"),
        ]
        for r in views {
            let e = r.frames > 0, c = r.currentFrames > 0
            out.append(
                Self.line(
                    r.view, "\(r.keys)", "\(r.frames)/\(r.currentFrames)", Self.f(r.echoP50Ms, e),
                    Self.f(r.echoP95Ms, e),
                    Self.f(r.echoP99Ms, e), Self.f(r.echoMaxMs, e), Self.f(r.currentP50Ms, c),
                    Self.f(r.currentP95Ms, c), Self.f(r.currentP99Ms, c), "\(r.blockedFrames)", Self.f(r.openMs, true),
                    Self.f(r.readyMs, true),
                    String(format: "%.0f", r.seconds) + (r.capped ? " capped" : "")))
        }
        return out
    }

    private static func f(_ v: Double, _ shown: Bool) -> String { shown ? String(format: "%.1f", v) : "–" }

    private static func line(_ cells: String...) -> String {
        let widths = [22, 5, 8, 9, 8, 8, 8, 12, 8, 8, 8, 9, 9, 0]
        return zip(cells, widths).enumerated().map { i, cw in
            i == 0 ? cw.0.padding(toLength: cw.1, withPad: " ", startingAt: 0) : pad(cw.0, cw.1)
        }.joined(separator: " ")
    }

    private static func pad(_ s: String, _ width: Int) -> String {
        width > s.count ? String(repeating: " ", count: width - s.count) + s : s
    }
}
