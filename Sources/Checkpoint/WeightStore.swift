import Foundation
import SafeIO

/// All tensors of a checkpoint, from `model.safetensors` or the shards named by
/// `model.safetensors.index.json` (else `pytorch_model.bin` and its index). Lookups accept names with or without the
/// architecture prefix (`bert.`), since BertModel files omit it and
/// BertForMaskedLM/PreTraining/SequenceClassification files carry it.
public final class WeightStore: @unchecked Sendable {
    public let files: [any TensorFile]
    private var location: [String: Int] = [:]
    public var names: [String] { location.keys.sorted() }
    public var totalBytes: Int { files.reduce(0) { $0 + $1.size } }

    public init(files: [any TensorFile]) {
        self.files = files
        for (i, f) in files.enumerated() { for name in f.entries.keys { location[name] = i } }
    }

    /// Opens the weights of an HF model directory.
    public convenience init(directory: URL) throws {
        let fm = FileManager.default
        let single = directory.appendingPathComponent("model.safetensors")
        let index = directory.appendingPathComponent("model.safetensors.index.json")
        if fm.fileExists(atPath: single.path) {
            try self.init(files: [SafeTensorsFile(path: single.path)])
        } else if fm.fileExists(atPath: index.path) {
            try self.init(files: Self.shards(index: index, directory: directory).map { try SafeTensorsFile(path: $0) })
        } else if fm.fileExists(atPath: directory.appendingPathComponent("pytorch_model.bin").path) {
            try self.init(files: [TorchCheckpointFile(path: directory.appendingPathComponent("pytorch_model.bin").path)]
            )
        } else if fm.fileExists(atPath: directory.appendingPathComponent("pytorch_model.bin.index.json").path) {
            let torchIndex = directory.appendingPathComponent("pytorch_model.bin.index.json")
            try self.init(
                files: Self.shards(index: torchIndex, directory: directory).map { try TorchCheckpointFile(path: $0) })
        } else {
            throw CheckpointError(
                "\(directory.path) has no model.safetensors, pytorch_model.bin or a sharded index of either")
        }
    }

    private static func shards(index: URL, directory: URL) throws -> [String] {
        let data: Data
        do { data = Data(try SafeFile.read(index, limit: Limits.tokenizerJSON)) } catch {
            throw CheckpointError("cannot read \(error)")
        }
        guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let map = json["weight_map"] as? [String: String]
        else {
            throw CheckpointError("\(index.lastPathComponent) is not a valid index (no weight_map)")
        }
        let files = Set(map.values).sorted()
        for f in files where f.contains("/") || f.hasPrefix(".") {
            throw CheckpointError("\(index.lastPathComponent) names a shard outside the model directory: \(f)")
        }
        return files.map { directory.appendingPathComponent($0).path }
    }

    public func contains(_ name: String) -> Bool { location[name] != nil }

    public func entry(_ name: String) -> TensorEntry? {
        location[name].flatMap { files[$0].entries[name] }
    }

    /// The first of `candidates` present in the file, or nil.
    public func firstPresent(_ candidates: [String]) -> String? { candidates.first(where: contains) }

    public func tensor(_ name: String) throws -> Tensor {
        guard let i = location[name] else { throw CheckpointError("checkpoint has no tensor \(name)") }
        return try files[i].tensor(name)
    }

    /// The float dtype most weights are stored in (for `info`).
    public var dominantDType: DType? {
        var bytes: [DType: Int] = [:]
        for f in files { for e in f.entries.values { bytes[e.dtype, default: 0] += e.byteCount } }
        return bytes.max { $0.value < $1.value }?.key
    }
}
