import Foundation
import SafeIO

/// Writes float32 arrays as NumPy `.npy` (format 1.0), loadable by `numpy.load`.
public enum NPYWriter {
    public static func data(shape: [Int], values: UnsafeBufferPointer<Float>) -> Data {
        precondition(shape.reduce(1, *) == values.count, "shape \(shape) does not match \(values.count) values")
        let dims = shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? "," : "")
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(dims)), }"
        // magic(6) + version(2) + length(2) + header + '\n' must be a multiple of 64.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var out = Data([0x93]) + Data("NUMPY".utf8) + Data([1, 0])
        let len = UInt16(header.utf8.count)
        out.append(contentsOf: [UInt8(len & 0xFF), UInt8(len >> 8)])
        out.append(Data(header.utf8))
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

    /// Writes atomically; a failure names the path and the cause.
    public static func write(_ url: URL, shape: [Int], values: [Float]) throws {
        try OutputFile.write(encode(shape: shape, values: values), to: url)
    }
}
