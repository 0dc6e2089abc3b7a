import Checkpoint
import Foundation
import SafeIO

/// Trained probes on disk, so the workbench loads them instantly:
/// `$XDG_CACHE_HOME/bertscope/probes/<key>.safetensors` (default
/// `~/.cache/...`), keyed by the model files, the task and the data.
public struct TrainedProbes: Sendable {
    public let task: String
    public let labels: [String]
    public let report: ProbeReport
    /// one probe per layer (layer 0 = embeddings)
    public let probes: [LogisticRegression]

    public init(task: String, labels: [String], report: ProbeReport, probes: [LogisticRegression]) {
        self.task = task; self.labels = labels; self.report = report; self.probes = probes
    }

    /// The label each layer's probe gives a vector of that layer.
    public func predict(layer: Int, _ x: [Float]) -> String { labels[probes[layer].predict(x)[0]] }
}

public enum ProbeCache {
    public static func directory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        let base =
            environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: environment["HOME"] ?? NSHomeDirectory()).appendingPathComponent(".cache")
        return base.appendingPathComponent("bertscope/probes")
    }

    /// "<model>-<data>-<task>": FNV-1a hashes of the model's config and
    /// weight files (size + first/last MiB) and of the data files' bytes.
    public static func key(modelDirectory: URL, task: String, dataFiles: [URL]) -> String {
        key(model: modelKey(modelDirectory), task: task, dataFiles: dataFiles)
    }

    /// The key with the model part given (`LoadedModel.probeKey`: a head's layers have their own).
    public static func key(model: String, task: String, dataFiles: [URL]) -> String {
        var h = FNV1a()
        for f in dataFiles { h.mix((try? SafeFile.read(f, limit: 4 << 30)) ?? []) }
        return model + "-" + h.hex + "-" + task
    }

    /// A hash of one file's name, size and ends (an overlay's part of a key).
    public static func fileKey(_ url: URL) -> String {
        var h = FNV1a()
        mixEnds(of: url, into: &h)
        return h.hex
    }

    /// The model part of a cache key. Only regular files are read (a FIFO
    /// named like a weight file would block forever), and only their ends.
    public static func modelKey(_ modelDirectory: URL) -> String {
        var h = FNV1a()
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: modelDirectory.path)) ?? []).sorted()
        where name == "config.json" || name.hasSuffix(".safetensors") || name.hasSuffix(".bin") {
            mixEnds(of: modelDirectory.appendingPathComponent(name), into: &h)
        }
        return h.hex
    }

    /// Mixes a regular file's name, size and first/last MiB into `h` (nothing for other files).
    private static func mixEnds(of url: URL, into h: inout FNV1a) {
        guard let (fd, size) = try? SafeFile.openRegular(url.path) else { return }
        defer { close(fd) }
        h.mix(Array(url.lastPathComponent.utf8)); h.mix(withUnsafeBytes(of: size, Array.init))
        let mib = 1 << 20
        h.mix(readChunk(fd, at: 0, count: min(size, mib)))
        if size > 2 * mib { h.mix(readChunk(fd, at: size - mib, count: mib)) }
    }

    private static func readChunk(_ fd: Int32, at offset: Int, count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(offset)) }
        return n == count ? out : []
    }

    public static func save(_ p: TrainedProbes, key: String, in dir: URL = directory()) throws {
        var tensors: [(name: String, shape: [Int], values: [Float])] = []
        for (l, probe) in p.probes.enumerated() {
            tensors.append(("layer\(l).weight", [probe.classes, probe.inputs], probe.weights))
            tensors.append(("layer\(l).bias", [probe.classes], probe.bias))
        }
        let meta = [
            "task": p.task, "labels": p.labels.joined(separator: "\u{1F}"),
            "accuracy": p.report.accuracy.map { "\($0)" }.joined(separator: ","),
            "control_accuracy": p.report.controlAccuracy.map { "\($0)" }.joined(separator: ","),
        ]
        try SafeTensorsWriter.write(dir.appendingPathComponent(key + ".safetensors"), tensors: tensors, metadata: meta)
    }

    /// A cached probe set, or nil when there is none. Cache files are
    /// untrusted (a crash, a full disk or a hand edit can damage them): every
    /// count is checked, and a bad file throws a one-line error.
    public static func load(key: String, in dir: URL = directory(), inputs: Int? = nil) throws -> TrainedProbes? {
        let url = dir.appendingPathComponent(key + ".safetensors")
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        func bad(_ why: String) -> CheckpointError { CheckpointError("probe cache \(url.lastPathComponent): \(why)") }
        let f: SafeTensorsFile
        do { f = try SafeTensorsFile(path: url.path) } catch { throw bad("\(error)") }
        guard let task = f.metadata["task"], let labelText = f.metadata["labels"] else {
            throw bad("no task or labels")
        }
        let labels = labelText.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
        let acc = (f.metadata["accuracy"] ?? "").split(separator: ",").compactMap { Double($0) }
        let ctl = (f.metadata["control_accuracy"] ?? "").split(separator: ",").compactMap { Double($0) }
        var probes: [LogisticRegression] = []
        while f.entries["layer\(probes.count).weight"] != nil {
            let l = probes.count
            let w = try f.tensor("layer\(l).weight"), b = try f.tensor("layer\(l).bias")
            guard w.shape.count == 2, w.shape[0] == labels.count, b.shape == [w.shape[0]] else {
                throw bad("layer \(l) has shape \(w.shape) and bias \(b.shape) for \(labels.count) labels")
            }
            guard w.shape[1] == (inputs ?? probes.first?.inputs ?? w.shape[1]) else {
                throw bad("layer \(l) takes \(w.shape[1]) inputs, the model has \(inputs ?? probes.first?.inputs ?? 0)")
            }
            probes.append(
                LogisticRegression(classes: w.shape[0], inputs: w.shape[1], weights: w.values, bias: b.values))
        }
        guard !probes.isEmpty, probes.count == acc.count, ctl.count == acc.count else {
            throw bad("\(probes.count) layers of probes but \(acc.count) accuracies")
        }
        return TrainedProbes(
            task: task, labels: labels,
            report: ProbeReport(task: task, labels: labels, accuracy: acc, controlAccuracy: ctl), probes: probes)
    }

    /// Every cached probe set of `model` (the key's model part, up to its first "-"). A damaged file
    /// is renamed to `….bad` (kept for a bug report, never read again) and
    /// named in `problems`; it never stops the others loading.
    public static func all(model: String, in dir: URL = directory(), inputs: Int? = nil) -> (
        probes: [TrainedProbes], problems: [String]
    ) {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter {
            // "-" ends the model part: a head's layers ("<model>.task…") are not the published ones.
            $0.hasPrefix(model + "-") && $0.hasSuffix(".safetensors")
        }.sorted()
        var out: [TrainedProbes] = [], problems: [String] = []
        for name in names {
            do {
                if let p = try load(key: String(name.dropLast(".safetensors".count)), in: dir, inputs: inputs) {
                    out.append(p)
                }
            } catch {
                let from = dir.appendingPathComponent(name)
                rename(from.path, from.path + ".bad")
                problems.append("\(error); set aside as \(name).bad")
            }
        }
        return (out, problems)
    }
}

/// 64-bit FNV-1a over bytes.
public struct FNV1a {
    public init() {}
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
    public mutating func mix(_ bytes: [UInt8]) { bytes.withUnsafeBytes { mix($0) } }
    public mutating func mix(_ bytes: UnsafeRawBufferPointer) {
        var h = value
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        value = h
    }
    /// A number's eight bytes, little-endian.
    public mutating func mix(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { mix($0) } }
    public var hex: String { String(format: "%016llx", value) }
}
