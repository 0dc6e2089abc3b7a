import Foundation
import SafeIO
import Session

/// An export asked for while the screen was a sentence behind: it starts when
/// that sentence's result is published, and is dropped if the sentence changes.
struct PendingExport {
    let input: SessionInput
    let what: String
    let start: (Workbench) -> Void
}

extension Workbench {
    /// `:export FORMAT [PATH]` and `:export screen FORMAT [PATH]`; anything else is a directory for the numbers.
    /// Nothing here waits: the figure is drawn from what is on screen, and the
    /// encoding and writing run in the background (a long text's explanations
    /// go on meanwhile, and keys, Ctrl-C included, are answered).
    func exportCommand(_ arg: String) {
        var words = arg.split(separator: " ", maxSplits: 2).map(String.init)
        let screen = words.first == "screen"
        if screen { words.removeFirst() }
        guard let name = words.first, let format = FigureFormat(rawValue: name) else {
            if screen { return fail(":export screen takes a format: svg, png, html, txt or ansi") }
            let path = arg.isEmpty ? exportDirectory : arg
            return whenCurrent("the numbers") { $0.exportNumbers(to: path) }
        }
        let pane: Focus? = screen || state.focus.isInput ? nil : state.focus
        let rest = words.dropFirst().joined(separator: " ")
        whenCurrent("the figure") { $0.exportFigure(pane: pane, format: format, path: rest) }
    }

    /// Runs `start` now if the screen shows the current sentence, else once it does.
    func whenCurrent(_ what: String, _ start: @escaping (Workbench) -> Void) {
        let snap = snapshot
        guard snap.isStale else {
            pendingExport = nil
            return start(self)
        }
        pendingExport = PendingExport(input: snap.input, what: what, start: start)
        state.say("export waits for this sentence's numbers…")
    }

    /// Called by the loop each turn: starts a pending export once its result
    /// is on screen (or drops it when the sentence changed), and shows what
    /// finished jobs said. True when the frame must be drawn again.
    @discardableResult
    public func tick() -> Bool {
        var changed = false
        if let p = pendingExport {
            let snap = snapshot
            if snap.input != p.input {
                pendingExport = nil
                state.say("export of \(p.what) dropped: the sentence changed before it was ready", error: true)
                changed = true
            } else if !snap.isStale {
                pendingExport = nil
                p.start(self)
                changed = true
            }
        }
        for outcome in jobs.collect() {
            switch outcome {
            case .notice(let notice): state.notice = notice
            case .apply(let change): change()
            }
            changed = true
        }
        return changed
    }

    /// Waits for the background jobs started so far (a model or tokenizers
    /// loading) and applies what they bring, as the loop would (start-up, tests).
    public func finishJobs() {
        jobs.waitUntilDone()
        _ = tick()
    }

    /// Waits for the session, pending exports and background jobs (tests, headless use).
    public func finishBackgroundWork() {
        session.waitUntilIdle()
        tick()
        jobs.waitUntilDone()
        tick()
    }

    func exportNumbers(to path: String) {
        guard let result = snapshot.result else { return fail("export failed: nothing to export yet") }
        let session = self.session
        let url = URL(fileURLWithPath: (path as NSString).expandingTildeInPath)
        state.say("exporting to \(url.path)…")
        jobs.run(failure: "export failed: ") {
            let dir = try session.export(result, to: url)
            return "exported hidden_states.npy, attentions.npy, tokens.json to \(dir.path)"
        }
    }

    func exportFigure(pane: Focus?, format: FigureFormat, path rest: String) {
        let stamp = Int(Date().timeIntervalSince1970)
        let path =
            rest.isEmpty
            ? (exportDirectory as NSString).appendingPathComponent(
                "bertscope-\(pane.map { "\($0)" } ?? "screen")-\(stamp).\(format.fileExtension)") : rest
        let url = URL(fileURLWithPath: (path as NSString).expandingTildeInPath)
        // Drawn now, from the frame on screen; encoded and written in the background.
        let (content, title) = figure(
            pane: pane, format: format, width: lastFrameSize.width, height: lastFrameSize.height)
        state.say("writing \(url.path)…")
        jobs.run(failure: "export failed: ") {
            try OutputFile.makeDirectories(url.deletingLastPathComponent().path)
            try FigureFiles.write(content, format, to: url, title: title, scale: 2)
            return "wrote \(url.path)"
        }
    }
}
