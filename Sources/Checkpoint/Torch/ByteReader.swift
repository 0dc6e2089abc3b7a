/// Bounds-checked little-endian reads from an untrusted byte range: every
/// read past the end is an error, never an out-of-bounds access.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    var position: Int
    let what: String

    init(_ bytes: UnsafeRawBufferPointer, at position: Int = 0, what: String) {
        self.bytes = bytes
        self.position = position
        self.what = what
    }

    var isAtEnd: Bool { position >= bytes.count }

    func fail(_ why: String) -> CheckpointError { CheckpointError("\(what): \(why)") }

    mutating func take(_ n: Int) throws -> UnsafeRawBufferPointer {
        guard n >= 0, position <= bytes.count, n <= bytes.count - position else {
            throw fail("unexpected end of data at byte \(position) (truncated?)")
        }
        defer { position += n }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + n)])
    }

    mutating func u8() throws -> UInt8 { try take(1)[0] }
    mutating func u16() throws -> Int { Int(try take(2).loadUnaligned(as: UInt16.self).littleEndian) }
    mutating func u32() throws -> Int { Int(try take(4).loadUnaligned(as: UInt32.self).littleEndian) }
    mutating func i32() throws -> Int { Int(try take(4).loadUnaligned(as: Int32.self).littleEndian) }
    mutating func u64() throws -> Int {
        let v = try take(8).loadUnaligned(as: UInt64.self).littleEndian
        guard v <= UInt64(Int.max) else { throw fail("value \(v) is out of range") }
        return Int(v)
    }

    /// A fixed-offset read that does not move the cursor.
    func u32(at offset: Int) throws -> Int { var r = self; r.position = offset; return try r.u32() }
    func u16(at offset: Int) throws -> Int { var r = self; r.position = offset; return try r.u16() }
    func u64(at offset: Int) throws -> Int { var r = self; r.position = offset; return try r.u64() }
}
