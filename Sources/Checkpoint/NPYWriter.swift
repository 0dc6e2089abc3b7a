import Foundation
import SafeIO

/// Writes float32 arrays as NumPy `.npy` (format 1.0), loadable by `numpy.load`.
public enum NPYWriter {
    public static func data(shape: [Int], values: UnsafeBufferPointer<Float>) -> Data {
        var out = Data(header(shape: shape, count: values.count))
        #if _endian(little)
            out.append(contentsOf: UnsafeRawBufferPointer(values))
        #else
            for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        #endif
        return out
    }

    public static func encode(shape: [Int], values: [Float]) -> Data {
        values.withUnsafeBufferPointer { data(shape: shape, values: $0) }
    }

    /// Magic, version, header length and the header, padded so the data starts at a multiple of 64.
    static func header(shape: [Int], count: Int) -> [UInt8] {
        precondition(shape.reduce(1, *) == count, "shape \(shape) does not match \(count) values")
        let dims = shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? "," : "")
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(dims)), }"
        // magic(6) + version(2) + length(2) + header + '\n' must be a multiple of 64.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        let len = UInt16(header.utf8.count)
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(len & 0xFF), UInt8(len >> 8)] + Array(header.utf8)
    }

    /// Writes atomically, streamed (no copy of the values is made); a failure names the path and the cause.
    public static func write(_ url: URL, shape: [Int], values: [Float]) throws {
        try OutputFile.write(to: url) { sink in
            try sink.write(header(shape: shape, count: values.count))
            #if _endian(little)
                try values.withUnsafeBytes { try sink.write($0) }
            #else
                for v in values { try withUnsafeBytes(of: v.bitPattern.littleEndian) { try sink.write($0) } }
            #endif
        }
    }
}
