import Foundation

/// Builds safetensors files byte by byte, including broken ones, for tests.
public struct SafeTensorsBuilder {
    public struct Entry {
        public var name: String
        public var dtype: String
        public var shape: [Int]
        public var data: [UInt8]
        public init(name: String, dtype: String, shape: [Int], data: [UInt8]) {
            self.name = name; self.dtype = dtype; self.shape = shape; self.data = data
        }
    }

    public var entries: [Entry] = []
    /// Extra spaces after the JSON header (real writers pad to 8 bytes).
    public var headerPadding = 0
    public init() {}

    public static func f32(_ name: String, _ shape: [Int], _ values: [Float]) -> Entry {
        Entry(
            name: name, dtype: "F32", shape: shape,
            data: values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) })
    }

    public func header() -> String {
        var offset = 0
        var parts: [String] = ["\"__metadata__\":{\"format\":\"pt\"}"]
        for e in entries {
            parts.append(
                "\"\(e.name)\":{\"dtype\":\"\(e.dtype)\",\"shape\":[\(e.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + e.data.count)]}"
            )
            offset += e.data.count
        }
        return "{" + parts.joined(separator: ",") + "}" + String(repeating: " ", count: headerPadding)
    }

    public func bytes(header override: String? = nil) -> [UInt8] {
        let h = Array((override ?? header()).utf8)
        var out = withUnsafeBytes(of: UInt64(h.count).littleEndian, Array.init)
        out += h
        for e in entries { out += e.data }
        return out
    }

    /// Writes to a fresh temporary file and returns its path.
    public static func write(_ bytes: [UInt8], name: String = "model.safetensors") throws -> String {
        let dir = try temporaryDirectory()
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }
}

/// A fresh empty temporary directory, inside one folder per test process
/// that is removed when the process exits (tests leave nothing in /tmp).
public func temporaryDirectory() throws -> URL {
    let dir = testScratchRoot.appendingPathComponent(UUID().uuidString)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

private let testScratchRoot: URL = {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("bs-tests-\(getpid())")
    try? FileManager.default.removeItem(at: root)
    atexit { try? FileManager.default.removeItem(at: testScratchRoot) }
    return root
}()
