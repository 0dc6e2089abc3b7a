import Foundation

/// SentencePiece's compiled normalization rules (`precompiled_charsmap`):
/// a darts-clone double-array trie over UTF-8 bytes whose values are offsets
/// of NUL-terminated replacements in a string blob. Layout: u32 trie size in
/// bytes (little endian), the trie's u32 units, then the blob.
public struct PrecompiledCharsmap: Sendable {
    private let units: [UInt32]
    private let blob: [UInt8]

    public init(bytes: [UInt8]) throws {
        guard bytes.count >= 4 else { throw TokenizerError("precompiled_charsmap is truncated") }
        let size = Int(UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24)
        guard size % 4 == 0, size >= 4, 4 + size <= bytes.count else {
            throw TokenizerError("precompiled_charsmap trie size \(size) does not fit its \(bytes.count) bytes")
        }
        units = stride(from: 4, to: 4 + size, by: 4).map {
            UInt32(bytes[$0]) | UInt32(bytes[$0 + 1]) << 8 | UInt32(bytes[$0 + 2]) << 16 | UInt32(bytes[$0 + 3]) << 24
        }
        blob = Array(bytes[(4 + size)...])
    }

    public init(base64: String) throws {
        guard let data = Data(base64Encoded: base64) else {
            throw TokenizerError("precompiled_charsmap is not valid base64")
        }
        try self.init(bytes: [UInt8](data))
    }

    /// The replacement for the shortest rule that is a prefix of `key`
    /// (as spm_precompiled does), or nil when no rule applies.
    public func transform(_ key: [UInt8]) -> [Unicode.Scalar]? {
        guard let value = firstPrefixValue(key), value < blob.count else { return nil }
        var end = value
        while end < blob.count && blob[end] != 0 { end += 1 }
        return Array(String(decoding: blob[value..<end], as: UTF8.self).unicodeScalars)
    }

    private func firstPrefixValue(_ key: [UInt8]) -> Int? {
        guard !units.isEmpty else { return nil }
        func offset(_ u: UInt32) -> Int { Int((u >> 10) << ((u & (1 << 9)) >> 6)) }
        var pos = offset(units[0])
        for c in key {
            if c == 0 { return nil }
            pos ^= Int(c)
            guard pos >= 0, pos < units.count else { return nil }
            let unit = units[pos]
            guard unit & ((1 << 31) | 0xFF) == UInt32(c) else { return nil }
            pos ^= offset(unit)
            if (unit >> 8) & 1 == 1 {
                guard pos < units.count else { return nil }
                return Int(units[pos] & ((1 << 31) - 1))
            }
        }
        return nil
    }
}
