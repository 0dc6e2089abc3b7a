import Foundation

/// A PyTorch checkpoint (`pytorch_model.bin`) read without PyTorch: the
/// ZIP format of torch ≥ 1.6 (data.pkl + one stored entry per storage) and
/// the older sequential format (pickles, then the raw storages). The state
/// dict's pickle goes through a restricted unpickler; tensor data is
/// mmapped like safetensors and every range is checked against the file.
public final class TorchCheckpointFile: TensorFile, @unchecked Sendable {
    public let path: String
    public let entries: [String: TensorEntry]
    let file: MappedFile
    public var size: Int { file.size }

    public init(path: String) throws {
        file = try MappedFile(path: path)
        self.path = path
        let name = (path as NSString).lastPathComponent
        let bytes = file.bytes(at: 0, count: file.size)
        let isZip = bytes.count >= 4 && bytes[0] == 0x50 && bytes[1] == 0x4b && bytes[2] == 0x03 && bytes[3] == 0x04
        let isLegacy = bytes.count >= 3 && bytes[0] == 0x80 && bytes[2] == 0x8a  // PROTO n, then the magic LONG1
        guard isZip || isLegacy else {
            throw CheckpointError(
                "\(name): not a PyTorch checkpoint (neither a zip archive nor the legacy pickle format)")
        }
        let arena = PickleArena()
        defer { arena.clear() }  // frees whatever the pickle built, cycles included
        let (state, locate) =
            isZip
            ? try Self.zipFormat(bytes, name: name, arena: arena) : try Self.legacy(bytes, name: name, arena: arena)
        entries = try Self.tensorEntries(state, locate: locate, fileSize: file.size, name: name)
    }

    public func tensor(_ name: String) throws -> Tensor {
        guard let e = entries[name] else { throw CheckpointError("\(path) has no tensor \(name)") }
        return try e.floatTensor(in: file)
    }

    /// Byte offset in the file of a storage's first element, and how many bytes it has.
    typealias Locate = (TorchStorage) throws -> (offset: Int, bytes: Int)

    private static func zipFormat(_ bytes: UnsafeRawBufferPointer, name: String, arena: PickleArena) throws -> (
        PickleValue, Locate
    ) {
        let archive = try ZipArchive(bytes, name: name)
        guard
            let pkl = archive.entries.values.first(where: {
                $0.name.hasSuffix("data.pkl") && $0.name.split(separator: "/").count == 2
            })
        else {
            throw CheckpointError("\(name): zip archive without data.pkl (not a PyTorch checkpoint?)")
        }
        let prefix = String(pkl.name.dropLast("data.pkl".count))
        if let order = archive.entries[prefix + "byteorder"], order.size > 0, bytes[order.offset] == UInt8(ascii: "b") {
            throw CheckpointError("\(name): big-endian checkpoints are not supported")
        }
        var unpickler = Unpickler(
            ByteReader(
                UnsafeRawBufferPointer(rebasing: bytes[pkl.offset..<(pkl.offset + pkl.size)]), what: "\(name): data.pkl"
            ), arena: arena
        ) { pid in
            .storage(try storageInfo(pid, name: name))
        }
        let state = try unpickler.load()
        let locate: Locate = { s in
            guard let e = archive.entries[prefix + "data/" + s.key] else {
                throw CheckpointError("\(name): storage \(s.key) is missing from the archive")
            }
            return (e.offset, e.size)
        }
        return (state, locate)
    }

    /// torch < 1.6: magic number, protocol, sys info, the state dict and the
    /// storage keys as five pickles, then each storage as an 8-byte element
    /// count followed by its bytes, in key order.
    private static func legacy(_ bytes: UnsafeRawBufferPointer, name: String, arena: PickleArena) throws -> (
        PickleValue, Locate
    ) {
        var reader = ByteReader(bytes, what: "\(name): not a PyTorch checkpoint")
        var storages: [String: TorchStorage] = [:]
        func next() throws -> PickleValue {
            var u = Unpickler(reader, arena: arena) { pid in
                let s = try storageInfo(pid, name: name)
                if storages[s.key] == nil {
                    storages[s.key] = TorchStorage(dtype: s.dtype, typeName: s.typeName, key: s.key, numel: s.numel)
                }
                return .storage(s)
            }
            let v = try u.load()
            reader = u.reader
            return v
        }
        // The magic number 0x1950a86a20f9469cfc6c, pickled as a 10-byte LONG1.
        guard case .bytes(let magic) = try next(),
            magic == [0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19]
        else {
            throw CheckpointError("\(name): not a PyTorch checkpoint (neither a zip archive nor the legacy format)")
        }
        _ = try next()  // protocol version
        if case .dict(let info) = try next() {
            for item in info.items where item.key.string == "little_endian" {
                if case .bool(false) = item.value {
                    throw CheckpointError("\(name): big-endian checkpoints are not supported")
                }
            }
        }
        let state = try next()
        guard let keys = try next().tuple?.compactMap(\.string) else {
            throw CheckpointError("\(name): storage key list is missing")
        }
        var located: [String: (Int, Int)] = [:]
        for key in keys {
            let count = try reader.u64()
            guard let s = storages[key] else {
                throw CheckpointError("\(name): storage \(key) is listed but never used")
            }
            let size = s.dtype?.byteSize ?? 1  // unknown types only fail if a tensor uses them
            guard count <= (bytes.count - reader.position) / size else {
                throw CheckpointError("\(name): storage \(key) runs past the end of the file (truncated?)")
            }
            located[key] = (reader.position, count * size)
            _ = try reader.take(count * size)
        }
        let locate: Locate = { s in
            guard let (offset, size) = located[s.key] else {
                throw CheckpointError("\(name): storage \(s.key) has no data")
            }
            let elem = s.dtype?.byteSize ?? 1
            guard s.viewOffset >= 0, s.viewOffset <= size / elem else {
                throw CheckpointError("\(name): storage view outside its root")
            }
            return (offset + s.viewOffset * elem, size - s.viewOffset * elem)
        }
        return (state, locate)
    }

    /// ('storage', <torch.XStorage>, key, location, numel[, view metadata]).
    private static func storageInfo(_ pid: [PickleValue], name: String) throws -> TorchStorage {
        guard pid.count >= 5, pid[0].string == "storage", case .global(_, let typeName) = pid[1],
            let key = pid[2].string,
            let numel = pid[4].int
        else {
            throw CheckpointError("\(name): unrecognised persistent id in the pickle")
        }
        var s = TorchStorage(dtype: storageTypes[typeName], typeName: typeName, key: key, numel: numel)
        if pid.count >= 6, let view = pid[5].tuple, view.count >= 2, let offset = view[1].int { s.viewOffset = offset }
        return s
    }

    static let storageTypes: [String: DType] = [
        "FloatStorage": .f32, "HalfStorage": .f16, "BFloat16Storage": .bf16, "DoubleStorage": .f64,
        "LongStorage": .i64, "IntStorage": .i32, "ShortStorage": .i16, "CharStorage": .i8, "ByteStorage": .u8,
        "BoolStorage": .bool,
    ]

    /// Every tensor of the state dict (nested dicts are skipped), checked against its storage.
    private static func tensorEntries(_ state: PickleValue, locate: Locate, fileSize: Int, name: String) throws
        -> [String: TensorEntry]
    {
        guard case .dict(let dict) = state else { throw CheckpointError("\(name): the pickle is not a state dict") }
        var out: [String: TensorEntry] = [:]
        for (k, v) in dict.items {
            guard let key = k.string, case .tensor(let t) = v else { continue }
            out[key] = try entry(key, t, locate: locate, name: name)
        }
        guard !out.isEmpty else { throw CheckpointError("\(name): the state dict holds no tensors") }
        return out
    }

    /// Every number here comes from the pickle: each step is checked, so a
    /// lying offset (2^62) or stride is an error naming the tensor, not a trap.
    private static func entry(_ key: String, _ t: TorchTensor, locate: Locate, name: String) throws -> TensorEntry {
        func fail(_ why: String) -> CheckpointError { CheckpointError("\(name): tensor \(key) \(why)") }
        guard let dtype = t.storage.dtype else { throw fail("uses an unknown storage type \(t.storage.typeName)") }
        guard t.offset >= 0, t.shape.allSatisfy({ $0 >= 0 }), t.strides.allSatisfy({ $0 >= 0 }) else {
            throw fail("has a negative size or stride")
        }
        func ok(_ v: Int?) throws -> Int {
            guard let v else { throw fail("has a shape, stride or offset too large to address") }
            return v
        }
        var count = 1, last = 0
        for (d, s) in zip(t.shape, t.strides) {
            count = try ok(Checked.product(count, d))
            last = try ok(Checked.sum(last, try ok(Checked.product(max(d, 1) - 1, s))))
        }
        let (offset, bytes) = try locate(t.storage)
        let span = count == 0 ? 0 : try ok(Checked.product(try ok(Checked.sum(t.offset, last, 1)), dtype.byteSize))
        guard span <= bytes else { throw fail("reaches past its storage (\(span) > \(bytes) bytes; truncated?)") }
        // span ≤ bytes bounds everything below: t.offset·size ≤ span, and the storage lies in the file.
        var contiguous = true, expected = 1
        for (d, s) in zip(t.shape, t.strides).reversed() where d != 1 {
            if s != expected { contiguous = false }
            expected = Checked.product(expected, d) ?? 0
        }
        return TensorEntry(
            name: key, dtype: dtype, shape: t.shape, offset: offset + t.offset * dtype.byteSize,
            byteCount: span - t.offset * dtype.byteSize, strides: contiguous ? nil : t.strides)
    }
}
