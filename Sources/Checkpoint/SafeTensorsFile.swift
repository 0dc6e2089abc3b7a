import Foundation
import SafeIO

/// One tensor's entry in a safetensors header, already checked against the file.
public struct TensorEntry: Sendable {
    public let name: String
    public let dtype: DType
    public let shape: [Int]
    /// Absolute byte range in the file.
    public let offset: Int
    public let byteCount: Int
    /// Element strides when not row-major contiguous (PyTorch views); nil otherwise.
    public var strides: [Int]? = nil

    public init(name: String, dtype: DType, shape: [Int], offset: Int, byteCount: Int, strides: [Int]? = nil) {
        self.name = name; self.dtype = dtype; self.shape = shape
        self.offset = offset; self.byteCount = byteCount; self.strides = strides
    }
}

/// A safetensors file: an 8-byte little-endian header length, a JSON header,
/// then raw little-endian data. The header is untrusted: every offset, shape
/// and dtype is checked against the file size before any byte is read, so a
/// corrupt or lying file is an error, never an out-of-bounds read.
public final class SafeTensorsFile: TensorFile, @unchecked Sendable {
    public let path: String
    public let entries: [String: TensorEntry]
    public let metadata: [String: String]
    let file: MappedFile
    public var size: Int { file.size }

    /// Header larger than this is refused outright: real ones are kilobytes
    /// (bert-large: 30 KB); the format's own cap (100 MB) lets a tiny lying
    /// file make the JSON parser allocate gigabytes.
    static let maxHeaderBytes = 16 << 20

    public init(path: String) throws {
        file = try MappedFile(path: path)
        self.path = path
        let name = (path as NSString).lastPathComponent
        func fail(_ why: String) -> CheckpointError { CheckpointError("\(name): not a valid safetensors file: \(why)") }

        guard file.size >= 8 else { throw fail("file is \(file.size) bytes, shorter than its 8-byte header length") }
        let headerLength = file.bytes(at: 0, count: 8).loadUnaligned(as: UInt64.self).littleEndian
        guard headerLength >= 2 else { throw fail("header length \(headerLength) is implausible") }
        guard headerLength <= UInt64(Self.maxHeaderBytes) else {
            throw fail(
                "header of \(headerLength) bytes is over the \(ByteCount(Self.maxHeaderBytes)) limit (real headers are kilobytes)"
            )
        }
        let dataStart = 8 + Int(headerLength)
        guard dataStart <= file.size else {
            throw fail("header claims \(headerLength) bytes but the file has \(file.size) (truncated?)")
        }
        let headerBytes = Data(file.bytes(at: 8, count: Int(headerLength)))
        guard let json = try? JSONSerialization.jsonObject(with: headerBytes), let header = json as? [String: Any]
        else {
            throw fail("header is not a JSON object")
        }
        var entries: [String: TensorEntry] = [:]
        var metadata: [String: String] = [:]
        for (key, value) in header {
            if key == "__metadata__" {
                for (k, v) in (value as? [String: Any]) ?? [:] { metadata[k] = v as? String ?? "\(v)" }
                continue
            }
            entries[key] = try Self.entry(key, value, dataStart: dataStart, fileSize: file.size, fail: fail)
        }
        self.entries = entries
        self.metadata = metadata
    }

    private static func entry(
        _ key: String, _ value: Any, dataStart: Int, fileSize: Int, fail: (String) -> CheckpointError
    ) throws -> TensorEntry {
        guard let dict = value as? [String: Any] else { throw fail("entry \(key) is not an object") }
        guard let dtypeName = dict["dtype"] as? String else { throw fail("\(key) has no dtype") }
        guard let dtype = DType(rawValue: dtypeName) else { throw fail("\(key) has unknown dtype \(dtypeName)") }
        guard let rawShape = dict["shape"] as? [Any], let shape = intArray(rawShape), shape.allSatisfy({ $0 >= 0 })
        else {
            throw fail("\(key) has an invalid shape")
        }
        guard let rawOffsets = dict["data_offsets"] as? [Any], let offsets = intArray(rawOffsets), offsets.count == 2,
            offsets[0] >= 0, offsets[0] <= offsets[1]
        else {
            throw fail("\(key) has invalid data_offsets")
        }
        var elements = 1
        for d in shape {
            let (m, overflow) = elements.multipliedReportingOverflow(by: d)
            guard !overflow else { throw fail("\(key) shape \(shape) overflows") }
            elements = m
        }
        let (bytes, overflow) = elements.multipliedReportingOverflow(by: dtype.byteSize)
        // offsets are 0 ≤ begin ≤ end, so end − begin cannot overflow; nothing here adds them to dataStart
        // before they are known to lie inside the file (the error messages included).
        guard !overflow, bytes == offsets[1] - offsets[0] else {
            throw fail(
                "\(key) holds \(offsets[1] - offsets[0]) bytes but shape \(shape) of \(dtype.rawValue) needs \(overflow ? "more than 2^63" : String(bytes))"
            )
        }
        guard offsets[1] <= fileSize - dataStart else {
            throw fail(
                "\(key) ends at data byte \(offsets[1]), beyond the \(fileSize - dataStart) data bytes of the file (truncated?)"
            )
        }
        return TensorEntry(name: key, dtype: dtype, shape: shape, offset: dataStart + offsets[0], byteCount: bytes)
    }

    /// JSON numbers arrive as NSNumber/Int/Double; accept only exact integers.
    private static func intArray(_ values: [Any]) -> [Int]? {
        var out: [Int] = []
        for v in values {
            if let i = v as? Int { out.append(i); continue }
            if let d = v as? Double, d == d.rounded(), abs(d) < 1e15 { out.append(Int(d)); continue }
            return nil
        }
        return out
    }

    /// The tensor as float32: a zero-copy view for aligned F32, a converted
    /// copy for F16/BF16/F64. Other dtypes are an error naming the tensor.
    public func tensor(_ name: String) throws -> Tensor {
        guard let e = entries[name] else { throw CheckpointError("\(path) has no tensor \(name)") }
        return try e.floatTensor(in: file)
    }
}
