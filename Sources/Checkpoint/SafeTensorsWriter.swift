import Foundation
import SafeIO

/// Writes float32 tensors as a safetensors file (header padded to 8 bytes),
/// atomically: a crash leaves either the old file or the new one.
public enum SafeTensorsWriter {
    public static func write(
        _ url: URL, tensors: [(name: String, shape: [Int], values: [Float])], metadata: [String: String] = [:]
    ) throws {
        var header: [String] = []
        if !metadata.isEmpty {
            let meta = metadata.sorted { $0.key < $1.key }.map { "\(quote($0.key)):\(quote($0.value))" }.joined(
                separator: ",")
            header.append("\"__metadata__\":{\(meta)}")
        }
        var offset = 0
        for t in tensors {
            precondition(t.shape.reduce(1, *) == t.values.count, "shape of \(t.name) does not match its values")
            let bytes = t.values.count * 4
            header.append(
                "\(quote(t.name)):{\"dtype\":\"F32\",\"shape\":[\(t.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + bytes)]}"
            )
            offset += bytes
        }
        var json = Array(("{" + header.joined(separator: ",") + "}").utf8)
        while (8 + json.count) % 8 != 0 { json.append(0x20) }
        var data = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: json)
        for t in tensors { t.values.withUnsafeBufferPointer { data.append(contentsOf: UnsafeRawBufferPointer($0)) } }
        try OutputFile.write(data, to: url)
    }

    private static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }
}
