/// The central directory of a ZIP file as PyTorch writes checkpoints:
/// entries stored uncompressed, so each one is a byte range of the mapped
/// file. ZIP64 records (files over 4 GB) are read; compression is refused.
struct ZipArchive {
    struct Entry {
        let name: String
        /// Absolute byte range of the entry's data in the file.
        let offset: Int
        let size: Int
    }

    let entries: [String: Entry]

    init(_ bytes: UnsafeRawBufferPointer, name: String) throws {
        let r = ByteReader(bytes, what: "\(name): not a valid zip checkpoint")
        let eocd = try Self.findEndRecord(bytes, r)
        var count = try r.u16(at: eocd + 10), dirSize = try r.u32(at: eocd + 12), dirOffset = try r.u32(at: eocd + 16)
        if count == 0xFFFF || dirSize == 0xFFFF_FFFF || dirOffset == 0xFFFF_FFFF {
            // ZIP64: a locator just before the end record points at the 64-bit end record.
            guard eocd >= 20, try r.u32(at: eocd - 20) == 0x0706_4b50 else {
                throw r.fail("ZIP64 sizes without a ZIP64 locator")
            }
            let record = try r.u64(at: eocd - 12)
            guard record <= bytes.count - 56, try r.u32(at: record) == 0x0606_4b50 else {
                throw r.fail("bad ZIP64 end record")
            }
            count = try r.u64(at: record + 32); dirSize = try r.u64(at: record + 40);
            dirOffset = try r.u64(at: record + 48)
        }
        guard dirOffset <= bytes.count, dirSize <= bytes.count - dirOffset, count <= dirSize / 46 else {
            throw r.fail("central directory lies outside the file (truncated?)")
        }
        var cursor = ByteReader(bytes, at: dirOffset, what: r.what)
        var entries: [String: Entry] = [:]
        for _ in 0..<count {
            let e = try Self.entry(&cursor, bytes)
            entries[e.name] = e
        }
        self.entries = entries
    }

    private static func findEndRecord(_ bytes: UnsafeRawBufferPointer, _ r: ByteReader) throws -> Int {
        guard bytes.count >= 22 else { throw r.fail("file is too short") }
        let lowest = max(0, bytes.count - 22 - 0xFFFF)
        var i = bytes.count - 22
        while i >= lowest {
            if bytes[i] == 0x50, bytes[i + 1] == 0x4b, bytes[i + 2] == 0x05, bytes[i + 3] == 0x06 { return i }
            i -= 1
        }
        throw r.fail("no end-of-central-directory record (truncated?)")
    }

    private static func entry(_ c: inout ByteReader, _ bytes: UnsafeRawBufferPointer) throws -> Entry {
        guard try c.u32() == 0x0201_4b50 else { throw c.fail("bad central directory entry") }
        let fixed = try c.take(42)
        let f = ByteReader(fixed, what: c.what)
        let method = try f.u16(at: 6)
        var compressed = try f.u32(at: 16), size = try f.u32(at: 20)
        let nameLength = try f.u16(at: 24), extraLength = try f.u16(at: 26), commentLength = try f.u16(at: 28)
        var local = try f.u32(at: 38)
        let name = String(decoding: try c.take(nameLength), as: UTF8.self)
        var extra = ByteReader(try c.take(extraLength), what: c.what)
        _ = try c.take(commentLength)
        // ZIP64 extended information: 64-bit values for the fields saturated at 0xFFFFFFFF, in this order.
        while extra.bytes.count - extra.position >= 4 {
            let id = try extra.u16(), length = try extra.u16()
            var field = ByteReader(try extra.take(length), what: c.what)
            guard id == 0x0001 else { continue }
            if size == 0xFFFF_FFFF { size = try field.u64() }
            if compressed == 0xFFFF_FFFF { compressed = try field.u64() }
            if local == 0xFFFF_FFFF { local = try field.u64() }
        }
        guard method == 0 else {
            throw c.fail("entry \(name) is compressed (method \(method)); PyTorch stores entries uncompressed")
        }
        guard compressed == size else { throw c.fail("entry \(name) has inconsistent sizes") }
        let header = ByteReader(bytes, what: c.what)
        guard try header.u32(at: local) == 0x0403_4b50 else { throw c.fail("entry \(name) has no local header") }
        guard local <= bytes.count - 30 else {
            throw c.fail("entry \(name) has its local header past the end of the file (truncated?)")
        }
        let start = local + 30 + (try header.u16(at: local + 26)) + (try header.u16(at: local + 28))
        guard start <= bytes.count, size <= bytes.count - start else {
            throw c.fail("entry \(name) runs past the end of the file (truncated?)")
        }
        return Entry(name: name, offset: start, size: size)
    }
}
