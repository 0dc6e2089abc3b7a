import Session
import Foundation

/// A terminal the workbench can run on: ncurses in the app, memory in tests.
public protocol TerminalBackend: AnyObject {
    var size: (width: Int, height: Int) { get }
    /// The next key, or nil after `timeoutMilliseconds` with none.
    func readKey(timeoutMilliseconds: Int) -> Key?
    func draw(_ grid: CellGrid)
    /// Forget what is on screen: the next `draw` repaints every cell (Ctrl-L).
    func invalidate()
    /// When the key last read was typed, if the terminal knows (a script
    /// does): `--stats` then counts the time it waited behind a busy frame.
    var keySentAt: UInt64? { get }
}

extension TerminalBackend {
    public func invalidate() {}
    public var keySentAt: UInt64? { nil }
}

/// Runs the workbench until it quits: keys in, frames out, and a redraw
/// whenever the session finishes work in the background.
public enum WorkbenchLoop {
    /// Waits for keys `idleMilliseconds` at a time, but only `busyMilliseconds`
    /// while the session is computing, so a finished result reaches the
    /// screen within a couple of milliseconds.
    public static func run(
        _ w: Workbench, on terminal: TerminalBackend, idleMilliseconds: Int = 50, busyMilliseconds: Int = 2,
        settleNanoseconds: UInt64 = 12_000_000
    ) {
        var lastDrawn: FrameStamp? = nil
        while !w.shouldQuit {
            w.checkModelFiles()
            // An export that started or finished changes the notice line.
            var changed = w.tick()
            let wait = lastDrawn == nil ? 0 : (lastDrawn!.stale ? busyMilliseconds : idleMilliseconds)
            if let key = terminal.readKey(timeoutMilliseconds: wait) {
                w.stats?.keyArrived(at: terminal.keySentAt ?? DispatchTime.now().uptimeNanoseconds)
                changed = true
                let flooded = applyWaiting(after: key, w, terminal)
                // Give the encoder a few milliseconds to finish before drawing a
                // stale frame: one current frame instead of two, and the UI does
                // not compete with the encoder's threads meanwhile. Only worth it
                // when the encoder is quick for this input and no keys are queued.
                let lastCompute = w.snapshot.result?.milliseconds ?? 0
                let settle = !flooded && lastCompute * 1e6 < Double(settleNanoseconds) ? settleNanoseconds : 0
                let deadline = DispatchTime.now().uptimeNanoseconds + settle
                while w.snapshot.isStale && DispatchTime.now().uptimeNanoseconds < deadline {
                    if let more = terminal.readKey(timeoutMilliseconds: 1) { w.handle(more) }
                }
            }
            if w.shouldQuit { break }
            let stamp = FrameStamp(w)
            if w.repaintRequested {
                terminal.invalidate()
                w.repaintRequested = false
            }
            if changed || stamp != lastDrawn {
                let (width, height) = terminal.size
                terminal.draw(w.render(width: width, height: height))
                w.stats?.frameDrawn(current: !stamp.stale)
                lastDrawn = stamp
            }
        }
    }
}

extension WorkbenchLoop {
    /// Applies `key` and the keys already waiting (fast typing, a paste) as one
    /// edit: the session encodes and the draft saves the result once. At most
    /// ~4 ms of keys per frame, so a flood (a paste in a terminal without
    /// bracketed paste) still shows progress; returns true when keys remain.
    static func applyWaiting(after key: Key, _ w: Workbench, _ terminal: TerminalBackend) -> Bool {
        w.beginBatch()
        defer { w.endBatch() }
        w.handle(key)
        let end = DispatchTime.now().uptimeNanoseconds + 4_000_000
        while !w.shouldQuit, let more = terminal.readKey(timeoutMilliseconds: 0) {
            w.handle(more)
            if DispatchTime.now().uptimeNanoseconds >= end { return true }
        }
        return false
    }
}

/// What a frame depends on besides key handling: the input, the version of
/// each session's result (a later analysis publishes again) and its pass count.
struct FrameStamp: Equatable {
    let input: String
    let versions: [Int]
    let progress: AnalysisProgress?
    let stale: Bool
    /// A background job started or ended (its notice is drawn).
    let jobs: Int

    init(_ w: Workbench) {
        let s = w.snapshot
        input = s.input.description
        versions = [s.version] + (w.second.map { [$0.session.snapshot.version] } ?? [])
        progress = s.progress
        stale = s.isStale
        jobs = w.jobs.generation
    }
}
