import Checkpoint
import Foundation
import Tokenizers

extension ModelSession {
    /// Writes the current result as `bertscope dump` does: hidden_states.npy,
    /// attentions.npy and tokens.json in `directory`.
    @discardableResult
    public func export(to directory: URL) throws -> URL {
        let snap = snapshot
        guard let result = snap.result, !snap.isStale, let trace = result.trace else {
            throw CheckpointError("nothing to export yet")
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let c = model.encoder.config, n = result.encoding.count
        try NPYWriter.write(directory.appendingPathComponent("hidden_states.npy"), shape: [c.numLayers + 1, n, c.hiddenSize], values: trace.hiddenStates)
        try NPYWriter.write(directory.appendingPathComponent("attentions.npy"), shape: [c.numLayers, c.numHeads, n, n], values: trace.attentions)
        try Data((EncodingJSON.object(result.encoding) + "\n").utf8).write(to: directory.appendingPathComponent("tokens.json"), options: .atomic)
        return directory
    }
}
