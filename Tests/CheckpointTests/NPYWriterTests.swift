import Checkpoint
import Foundation
import Testing

@Suite struct NPYWriterTests {
    @Test func headerIsNumpyFormat1() {
        let values: [Float] = [1, 2, 3, 4, 5, 6]
        let data = values.withUnsafeBufferPointer { NPYWriter.data(shape: [1, 2, 3], values: $0) }
        let bytes = [UInt8](data)
        #expect(Array(bytes[0..<8]) == [0x93] + Array("NUMPY".utf8) + [1, 0])
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        #expect(header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 3), }"))
        #expect(header.hasSuffix("\n"))
        #expect(bytes.count == 10 + headerLength + 24)
        let first = bytes[(10 + headerLength)...].prefix(4)
        #expect(Array(first) == [0, 0, 0x80, 0x3F])
        let one = [Float(7)].withUnsafeBufferPointer { NPYWriter.data(shape: [1], values: $0) }
        #expect(String(decoding: one[10...], as: UTF8.self).contains("'shape': (1,)"))
    }
}
