import Foundation
import Session
import WorkbenchUI

/// One view of `bench --workbench --view`: a fresh workbench on the text at
/// its last layer, the view opened and the session's work for it done, then
/// the view's keys typed `looks` times into the real loop, each key timed
/// from when it was typed (a key waiting behind a slow frame counts).
struct BenchViewRun {
    let model: LoadedModel
    let text: String
    let width: Int, height: Int
    /// `:tokenizers` for the arena, and the second model's spec.
    let tokenizers: String, secondModel: String
    /// A view stops after this long, keys left or not (its row says "capped").
    let capSeconds: Double
    var looks = 3, intervalMilliseconds = 150.0, tailMilliseconds = 1000.0
    /// A key answered later than this blocked the loop.
    static let blockedMilliseconds = 100.0

    func measure(_ view: BenchView) throws -> WorkbenchViewRow {
        let w = WorkbenchSetup.make(model, input: SessionInput(text: text), theme: .builtIn)
        w.waitUntilIdle()
        // From the key that opens the view to its first frame with the session's work done.
        let pressed = DispatchTime.now().uptimeNanoseconds
        try open(view, in: w)
        // The teaching panels are drawn once their own record is in; other work of the input may go on.
        if let kinds = view.records {
            let deadline = pressed + UInt64(capSeconds * 1e9)
            while !kinds.allSatisfy({ w.snapshot.result?.outcomes[$0] != nil }),
                DispatchTime.now().uptimeNanoseconds < deadline
            {
                usleep(200)
            }
        } else {
            w.waitUntilIdle()
        }
        _ = w.render(width: width, height: height)
        let readyMs = Self.milliseconds(since: pressed)
        w.waitUntilIdle()
        // The first frame: what the render path alone costs once the session's work is done.
        let opened = DispatchTime.now().uptimeNanoseconds
        _ = w.render(width: width, height: height)
        let openMs = Self.milliseconds(since: opened)
        let stats = FrameStats()
        w.stats = stats
        let keys = Array(repeating: view.keys, count: looks).joined().map {
            (key: $0, afterMilliseconds: intervalMilliseconds)
        }
        let terminal = ScriptedTerminal(
            width: width, height: height, timed: keys, tailMilliseconds: tailMilliseconds,
            stopAfterMilliseconds: capSeconds * 1000, stampsKeys: true)
        let start = DispatchTime.now().uptimeNanoseconds
        WorkbenchLoop.run(w, on: terminal)
        let seconds = Self.milliseconds(since: start) / 1000
        // A newer, empty input stops what the session still computes: the next view gets the cores.
        w.setText("")
        w.waitUntilIdle()
        return WorkbenchViewRow(
            view: view.name, stats: stats, keys: terminal.keysSent, openMs: openMs, readyMs: readyMs, seconds: seconds,
            capped: terminal.capped)
    }

    /// Opens `view` as a user would: its command, key or focus, at the last layer.
    private func open(_ view: BenchView, in w: Workbench) throws {
        w.beginBatch()
        w.run(command: "layer \(w.facts.layers)")
        switch view {
        case .attention(let kind):
            w.state.focus = .attention
            w.run(command: "view \(kind.rawValue)")
        case .overview:
            w.state.focus = .attention
            w.handle(.char("o"))
        case .arithmetic:
            w.state.focus = .attention
            w.handle(.char("x"))
        case .anatomy:
            w.state.focus = .attention
            w.handle(.char("A"))
        case .tokenizers:
            w.run(command: "tokenizers \(tokenizers)")
            w.finishJobs()
        case .compare: w.run(command: "compare \(BenchText.variant(text))")
        case .importance:
            w.state.focus = .attention
            w.handle(.char("H"))
        case .explain: w.state.focus = .predictions
        case .secondModel:
            w.state.focus = .attention
            w.compareModel(secondModel)
            w.finishJobs()
        }
        w.endBatch()
        if let notice = w.state.notice, notice.isError {
            throw CommandError("--view \(view.name): \(notice.text)")
        }
    }

    static func milliseconds(since t: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - t) / 1e6 }
}
