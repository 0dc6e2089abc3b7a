import Checkpoint
import Foundation
import SafeIO
import Tokenizers

extension ModelSession {
    /// Writes the current result as `bertscope dump` does: hidden_states.npy,
    /// attentions.npy and tokens.json in `directory`.
    @discardableResult
    public func export(to directory: URL) throws -> URL {
        let snap = snapshot
        guard let result = snap.result, !snap.isStale else { throw CheckpointError("nothing to export yet") }
        return try export(result, to: directory)
    }

    /// Writes `result` (a published one: safe from any thread) as `bertscope dump` does.
    @discardableResult
    public func export(_ result: EncodeResult, to directory: URL) throws -> URL {
        guard let trace = result.trace else { throw CheckpointError("nothing to export: the sentence did not encode") }
        let c = model.encoder.config, n = result.encoding.count
        guard trace.attentionLayers == 0..<c.numLayers else {
            throw CheckpointError(
                "lean mode keeps the attention maps of \(trace.keptLayers) only: export every layer without --lean (or with bertscope dump)"
            )
        }
        // One line with the path and the cause, never Foundation's NSCocoaErrorDomain dump.
        try OutputFile.makeDirectories(directory.path)
        let files = [
            (
                "hidden_states.npy",
                NPYWriter.encode(shape: [c.numLayers + 1, n, c.hiddenSize], values: trace.hiddenStates)
            ),
            ("attentions.npy", NPYWriter.encode(shape: [c.numLayers, c.numHeads, n, n], values: trace.attentions)),
            ("tokens.json", Data((EncodingJSON.object(result.encoding) + "\n").utf8)),
        ]
        for (name, data) in files { try OutputFile.write(data, to: directory.appendingPathComponent(name)) }
        return directory
    }
}
