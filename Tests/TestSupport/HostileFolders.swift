import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// Model folders built to break a loader: lying numbers, deep nesting,
/// FIFOs and devices where files belong, absurd shapes, poisoned values.
/// Each is a copy of a tiny fixture with one thing wrong.
public enum HostileFolders {
    public struct Case: Sendable, CustomStringConvertible {
        public let name: String
        public let base: String
        let damage: @Sendable (URL) throws -> Void
        public var description: String { name }
    }

    /// Builds `c` in a fresh directory and returns the model folder.
    public static func build(_ c: Case) throws -> URL {
        let dir = try temporaryDirectory().appendingPathComponent(c.name)
        try FileManager.default.copyItem(at: Fixtures.model(c.base), to: dir)
        for extra in ["golden.json", "golden.safetensors", "cli_goldens.json"] {
            try? FileManager.default.removeItem(at: dir.appendingPathComponent(extra))
        }
        try c.damage(dir)
        return dir
    }

    public static let all: [Case] = safetensors + torch + special + shapes

    static let safetensors: [Case] = [
        Case(name: "safetensors-offsets-near-2^63", base: "tiny-bert") { dir in
            try writeSafeTensors(
                dir, header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,9223372036854775000]}}"#)
        },
        Case(name: "safetensors-begin-near-2^63", base: "tiny-bert") { dir in
            try writeSafeTensors(
                dir,
                header: #"{"w":{"dtype":"F32","shape":[0],"data_offsets":[9223372036854775800,9223372036854775800]}}"#)
        },
        Case(name: "safetensors-90MB-header", base: "tiny-bert") { dir in
            var bytes = withUnsafeBytes(of: UInt64(90 << 20).littleEndian, Array.init)
            bytes += Array("{".utf8) + [UInt8](repeating: 0x20, count: (90 << 20) - 2) + Array("}".utf8)
            try Data(bytes).write(to: dir.appendingPathComponent("model.safetensors"))
        },
        Case(name: "safetensors-nested-header", base: "tiny-bert") { dir in
            try writeSafeTensors(
                dir, header: String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000))
        },
        Case(name: "config-nested-json", base: "tiny-bert") { dir in
            try Data((String(repeating: "[", count: 300_000) + String(repeating: "]", count: 300_000)).utf8).write(
                to: dir.appendingPathComponent("config.json"))
        },
        Case(name: "vocab-1.2M-lines", base: "tiny-bert") { dir in
            // 2.4 MB of one-letter lines: twelve million of them took minutes before the count was checked.
            try Data(String(repeating: "a\n", count: 1_200_000).utf8).write(to: dir.appendingPathComponent("vocab.txt"))
        },
        Case(name: "tokenizer-nested-json", base: "tiny-roberta-mlm") { dir in
            try Data(("{\"a\":" + String(repeating: "[", count: 300_000)).utf8).write(
                to: dir.appendingPathComponent("tokenizer.json"))
        },
    ]

    static let torch: [Case] = [
        Case(name: "torch-storage-offset-2^62", base: "tiny-bert") { dir in
            try writeTorch(dir, tensor(offset: 1 << 62, shape: [2], strides: [1]))
        },
        Case(name: "torch-storage-offset-2^61", base: "tiny-bert") { dir in
            try writeTorch(dir, tensor(offset: 1 << 61, shape: [4], strides: [1]))
        },
        Case(name: "torch-strides-overflow", base: "tiny-bert") { dir in
            try writeTorch(dir, tensor(offset: 0, shape: [3, 3], strides: [1 << 62, 1 << 62]))
        },
        Case(name: "torch-50k-nested-tuples", base: "tiny-bert") { dir in
            try writeTorch(dir, [0x29] + [UInt8](repeating: 0x85, count: 60_000))  // EMPTY_TUPLE, then TUPLE1 × 60,000
        },
        Case(name: "torch-50k-nested-lists", base: "tiny-bert") { dir in
            // EMPTY_LIST ×n, APPEND ×(n−1)
            try writeTorch(dir, [UInt8](repeating: 0x5D, count: 60_000) + [UInt8](repeating: 0x61, count: 59_999))
        },
        Case(name: "torch-45MB-of-empty-dicts", base: "tiny-bert") { dir in
            var p: [UInt8] = [0x5D]  // a list, then EMPTY_DICT + APPEND, 22 million times
            p.reserveCapacity(45 << 20)
            for _ in 0..<(22 << 20) { p.append(0x7D); p.append(0x61) }
            try writeTorch(dir, p)
        },
    ]

    static let special: [Case] = [
        Case(name: "fifo-weights", base: "tiny-bert") { dir in try fifo(dir, "model.safetensors") },
        Case(name: "fifo-config", base: "tiny-bert") { dir in try fifo(dir, "config.json") },
        Case(name: "fifo-vocab", base: "tiny-bert") { dir in try fifo(dir, "vocab.txt") },
        Case(name: "fifo-tokenizer-json", base: "tiny-roberta-mlm") { dir in try fifo(dir, "tokenizer.json") },
        Case(name: "fifo-shard", base: "tiny-bert") { dir in
            try FileManager.default.removeItem(at: dir.appendingPathComponent("model.safetensors"))
            try Data(#"{"weight_map":{"a":"shard-1.safetensors"}}"#.utf8).write(
                to: dir.appendingPathComponent("model.safetensors.index.json"))
            guard mkfifo(dir.appendingPathComponent("shard-1.safetensors").path, 0o644) == 0 else {
                throw CocoaError(.fileWriteUnknown)
            }
        },
        Case(name: "fifo-pytorch-bin", base: "tiny-bert") { dir in
            try FileManager.default.removeItem(at: dir.appendingPathComponent("model.safetensors"))
            guard mkfifo(dir.appendingPathComponent("pytorch_model.bin").path, 0o644) == 0 else {
                throw CocoaError(.fileWriteUnknown)
            }
        },
        Case(name: "device-weights", base: "tiny-bert") { dir in
            let f = dir.appendingPathComponent("model.safetensors")
            try FileManager.default.removeItem(at: f)
            try FileManager.default.createSymbolicLink(atPath: f.path, withDestinationPath: "/dev/zero")
        },
        Case(name: "directory-weights", base: "tiny-bert") { dir in
            let f = dir.appendingPathComponent("model.safetensors")
            try FileManager.default.removeItem(at: f)
            try FileManager.default.createDirectory(at: f, withIntermediateDirectories: false)
        },
    ]

    static let shapes: [Case] = [
        Case(name: "albert-1M-layers", base: "tiny-albert-pretraining") { dir in
            try editConfig(dir) { $0["num_hidden_layers"] = 1_000_000 }
        },
        Case(name: "albert-16M-layers", base: "tiny-albert-pretraining") { dir in
            try editConfig(dir) { $0["num_hidden_layers"] = 16_777_216 }
        },
        Case(name: "albert-layers-overflow", base: "tiny-albert-pretraining") { dir in
            try editConfig(dir) {
                $0["num_hidden_layers"] = Int.max / 2; $0["inner_group_num"] = 4
            }
        },
        Case(name: "huge-positions", base: "tiny-bert") { dir in
            try editConfig(dir) { $0["max_position_embeddings"] = 16_000_000 }
        },
        Case(name: "negative-layer-norm-eps", base: "tiny-bert") { dir in
            try editConfig(dir) { $0["layer_norm_eps"] = -1e-12 }
        },
        Case(name: "nan-weights", base: "tiny-bert") { dir in
            try poisonWeights(dir, tensorContaining: "layer.1.attention.output.dense.weight")
        },
    ]

    // MARK: builders

    static func writeSafeTensors(_ dir: URL, header: String) throws {
        let h = Array(header.utf8)
        try Data(withUnsafeBytes(of: UInt64(h.count).littleEndian, Array.init) + h + [UInt8](repeating: 0, count: 64))
            .write(to: dir.appendingPathComponent("model.safetensors"))
    }

    /// A legacy-format pytorch_model.bin whose state-dict pickle is `state`
    /// (opcodes before STOP); no storages follow.
    static func writeTorch(_ dir: URL, _ state: [UInt8]) throws {
        try FileManager.default.removeItem(at: dir.appendingPathComponent("model.safetensors"))
        // magic
        var p: [UInt8] = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]
        p += [0x80, 0x02, 0x4d, 0xe9, 0x03, 0x2e]  // protocol 1001
        p += [0x80, 0x02, 0x7d, 0x2e]  // sys info {}
        p += [0x80, 0x02] + state + [0x2e]
        p += [0x80, 0x02, 0x5d, 0x8c, 0x01, 0x30, 0x61, 0x2e]  // storage keys ['0']
        // storage '0': 4 floats
        p += withUnsafeBytes(of: UInt64(4).littleEndian, Array.init) + [UInt8](repeating: 0, count: 16)
        try Data(p).write(to: dir.appendingPathComponent("pytorch_model.bin"))
    }

    /// {"w": _rebuild_tensor_v2(storage('0', FloatStorage, numel 4), offset, shape, strides)}.
    static func tensor(offset: Int, shape: [Int], strides: [Int]) -> [UInt8] {
        // LONG1, 8 bytes
        func int(_ v: Int) -> [UInt8] { [0x8a, 0x08] + withUnsafeBytes(of: Int64(v).littleEndian, Array.init) }
        func str(_ s: String) -> [UInt8] { [0x8c, UInt8(s.utf8.count)] + Array(s.utf8) }  // SHORT_BINUNICODE
        func tuple(_ items: [[UInt8]]) -> [UInt8] { [0x28] + items.flatMap { $0 } + [0x74] }  // MARK … TUPLE
        var p: [UInt8] = [0x7d] + str("w")  // EMPTY_DICT, key
        p += Array("ctorch._utils\n_rebuild_tensor_v2\n".utf8)
        let pid = tuple([str("storage"), Array("ctorch\nFloatStorage\n".utf8), str("0"), str("cpu"), int(4)])
        p += [0x28] + pid + [0x51]  // MARK, persistent id, BINPERSID
        p += int(offset) + tuple(shape.map(int)) + tuple(strides.map(int)) + [0x74, 0x52]  // TUPLE, REDUCE
        p += [0x73]  // SETITEM
        return p
    }

    static func fifo(_ dir: URL, _ name: String) throws {
        let f = dir.appendingPathComponent(name)
        try? FileManager.default.removeItem(at: f)
        guard mkfifo(f.path, 0o644) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    static func editConfig(_ dir: URL, _ change: (inout [String: Any]) -> Void) throws {
        let url = dir.appendingPathComponent("config.json")
        var c = try Fixtures.json(url)
        change(&c)
        try JSONSerialization.data(withJSONObject: c).write(to: url)
    }

    /// Sets every value of the named F32 tensor to NaN, in place.
    static func poisonWeights(_ dir: URL, tensorContaining name: String) throws {
        let url = dir.appendingPathComponent("model.safetensors")
        var bytes = [UInt8](try Data(contentsOf: url))
        let headerLength = Int(bytes[0..<8].withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        let header = try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + headerLength)])) as! [String: Any]
        guard let (_, entry) = header.first(where: { $0.key.contains(name) }), let e = entry as? [String: Any],
            let offsets = e["data_offsets"] as? [Int]
        else { throw CocoaError(.fileReadCorruptFile) }
        let nan = withUnsafeBytes(of: Float.nan.bitPattern.littleEndian, Array.init)
        for i in stride(from: 8 + headerLength + offsets[0], to: 8 + headerLength + offsets[1], by: 4) {
            bytes.replaceSubrange(i..<(i + 4), with: nan)
        }
        try Data(bytes).write(to: url)
    }
}
