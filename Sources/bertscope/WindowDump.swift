#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Checkpoint
import Encoder
import Foundation
import SafeIO
import Session
import Tokenizers

/// `dump --stride`: each window's files are written as soon as its trace is
/// computed and the trace is dropped, keeping only the rows the stitched
/// hidden_states.npy takes from it, so memory is one window plus the
/// document's stitched states. windows.json is written last: its presence
/// says the dump is complete. A failure removes the window it was writing
/// and says which windows are complete.
struct WindowDump {
    let model: LoadedModel, doc: WindowedText, directory: URL, ablate: HeadSet

    static let files = ["hidden_states.npy", "attentions.npy", "tokens.json"]

    /// Writes every window, the stitched states and windows.json.
    func run() throws {
        let c = model.encoder.config, n = doc.document.count, rows = c.numLayers + 1, d = c.hiddenSize
        let central = doc.mostCentral()
        try OutputFile.makeDirectories(directory.path)
        removeIfFile(directory.appendingPathComponent("windows.json"))  // a complete earlier dump's mark
        guard Allocation.possible(rows * n * d * 4) else {
            throw CommandError(
                "the stitched hidden states of \(n) tokens need \(rows * n * d * 4 >> 20) MB, more than this process can allocate: dump a shorter text"
            )
        }
        var stitched = [Float](repeating: 0, count: rows * n * d)
        let ws = model.encoder.makeWorkspace()
        var trace = Trace()
        for k in doc.windows.indices {
            do {
                try dumpWindow(k, workspace: ws, into: &trace)
            } catch {
                removePartialWindow(k)
                throw CommandError(
                    "dump stopped at window \(k + 1) of \(doc.windows.count): \(IOErrorText.describe(error)); "
                        + (k == 0 ? "no window is complete" : "window-1 … window-\(k) are complete")
                        + ", the stitched hidden_states.npy and windows.json were not written")
            }
            keepCentralRows(of: trace, window: k, central, into: &stitched)
        }
        do {
            try NPYWriter.write(
                directory.appendingPathComponent("hidden_states.npy"), shape: [rows, n, d], values: stitched)
            try OutputFile.write(
                Data((JSONOutput.string(WindowsJSON(doc, central)) + "\n").utf8),
                to: directory.appendingPathComponent("windows.json"))
        } catch {
            throw CommandError(
                "all \(doc.windows.count) windows are complete, but the dump is not: \(IOErrorText.describe(error))")
        }
    }

    func windowDirectory(_ k: Int) -> URL { directory.appendingPathComponent("window-\(k + 1)") }

    /// One window's trace (into the reused `trace`) and its three files.
    private func dumpWindow(_ k: Int, workspace: Workspace, into trace: inout Trace) throws {
        let c = model.encoder.config, w = doc.windows[k], dir = windowDirectory(k)
        try model.encoder.forward(
            ids: w.ids, typeIds: w.typeIds, attentionMask: nil, ablate: ablate, workspace: workspace, into: &trace)
        try OutputFile.makeDirectories(dir.path)
        try NPYWriter.write(
            dir.appendingPathComponent("hidden_states.npy"), shape: [c.numLayers + 1, w.count, c.hiddenSize],
            values: trace.hiddenStates)
        try NPYWriter.write(
            dir.appendingPathComponent("attentions.npy"), shape: [c.numLayers, c.numHeads, w.count, w.count],
            values: trace.attentions)
        try OutputFile.write(Data((EncodingJSON.object(w) + "\n").utf8), to: dir.appendingPathComponent("tokens.json"))
    }

    /// Copies into `stitched` the rows of the document tokens most central in window `k`.
    private func keepCentralRows(
        of trace: Trace, window k: Int, _ central: [(window: Int, position: Int)], into stitched: inout [Float]
    ) {
        let layers = model.encoder.config.numLayers, d = model.encoder.config.hiddenSize, n = central.count
        for (t, at) in central.enumerated() where at.window == k {
            for l in 0...layers {
                let src = (l * trace.tokens + at.position) * d, dst = (l * n + t) * d
                stitched.withUnsafeMutableBufferPointer { out in
                    trace.hiddenStates.withUnsafeBufferPointer { from in
                        out.baseAddress!.advanced(by: dst).update(from: from.baseAddress! + src, count: d)
                    }
                }
            }
        }
    }

    /// The files a failed window had written, and its folder if that leaves it empty.
    private func removePartialWindow(_ k: Int) {
        let dir = windowDirectory(k)
        for name in Self.files { removeIfFile(dir.appendingPathComponent(name)) }
        rmdir(dir.path)
    }

    /// Unlinks a regular file (never what a symlink points to, nor a folder).
    private func removeIfFile(_ url: URL) {
        var st = stat()
        guard lstat(url.path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return }
        unlink(url.path)
    }
}
