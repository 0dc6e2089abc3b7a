import Foundation
import Session
import WorkbenchUI

/// `bench --workbench WORDS`: the real workbench loop on an in-memory
/// terminal, typing at the end of a WORDS-word text at 12 keys/s, then
/// pasting 10,000 characters (bracketed, then as raw keys); reports keystroke-to-echo and
/// keystroke-to-current-frame percentiles.
enum WorkbenchBench {
    static func run(_ model: LoadedModel, text: String, width: Int, height: Int, json: Bool) {
        let words = text.split(separator: " ").count, tokens = model.tokenizer.encode(text).ids.count
        let pasted = String(repeating: "A long pasted paragraph of plain words. ", count: 250)
        var typed: [(key: Key, afterMilliseconds: Double)] = []
        for c in " and then it rains" { typed.append((.char(c), 80)) }
        for _ in 0..<6 { typed.append((.backspace, 80)) }
        typed.append((.paste(pasted), 80))
        for c in " end" { typed.append((.char(c), 80)) }
        // A terminal without bracketed paste: the same 10,000 characters as keys, all at once.
        for _ in 0..<pasted.count + 4 { typed.append((.backspace, 0)) }
        for (i, c) in pasted.enumerated() { typed.append((.char(c), i == 0 ? 80 : 0)) }
        for c in " end" { typed.append((.char(c), 80)) }
        let session = ModelSession(model: model, input: SessionInput(text: text))
        session.waitUntilIdle()
        let w = Workbench(session: session)
        let stats = FrameStats()
        w.stats = stats
        let terminal = ScriptedTerminal(width: width, height: height, timed: typed)
        WorkbenchLoop.run(w, on: terminal)
        func p(_ q: Double, _ v: [Double]) -> String { String(format: "%.1f", stats.percentile(q, of: v) ?? 0) }
        func ms(_ q: Double, _ v: [Double]) -> Double { ((stats.percentile(q, of: v) ?? 0) * 10).rounded() / 10 }
        if json {
            JSONOutput.print(
                WorkbenchBenchJSON(
                    words: words, tokens: tokens, keys: typed.count, echoP50Ms: ms(0.5, stats.echoes),
                    echoP95Ms: ms(0.95, stats.echoes),
                    frameP50Ms: ms(0.5, stats.latencies), frameP95Ms: ms(0.95, stats.latencies)))
        } else {
            print(
                "workbench  \(words)-word text (\(tokens) tokens), \(typed.count) keys: typing at 12/s, a 10,000-character bracketed paste, the same as raw keys, \(width)×\(height)"
            )
            print(
                "echo       keystroke to the next frame: p50 \(p(0.5, stats.echoes)) ms, p95 \(p(0.95, stats.echoes)) ms, max \(p(1, stats.echoes)) ms"
            )
            print(
                "current    keystroke to the frame with its answer: p50 \(p(0.5, stats.latencies)) ms, p95 \(p(0.95, stats.latencies)) ms"
            )
        }
    }

    /// `bench --workbench --view V[,…]|all`: each view in turn, one row each.
    static func run(_ views: [BenchView], _ r: BenchViewRun, json: Bool) throws {
        var rows: [WorkbenchViewRow] = []
        for view in views {
            rows.append(try r.measure(view))
            // Rows as they come: a full run takes minutes.
            if !json, views.count > 1 { writeStderr("bench: \(view.name) done in \(rows.last!.seconds) s") }
        }
        let out = WorkbenchViewsJSON(
            model: r.model.name, tokens: r.model.tokenizer.encode(r.text).ids.count,
            words: r.text.split(separator: " ").count, width: r.width, height: r.height,
            layer: r.model.facts.layers, looks: r.looks, intervalMs: r.intervalMilliseconds, capSeconds: r.capSeconds,
            views: rows)
        if json { return JSONOutput.print(out) }
        out.table.forEach { print($0) }
    }
}
