import Foundation
import SafeIO

/// The pieces, scores and compiled normalization rules of a SentencePiece
/// `.model` file (a protobuf ModelProto: field 1 holds each SentencePiece
/// {1: piece, 2: score, 3: type}, field 3 the NormalizerSpec whose field 2 is
/// the precompiled charsmap). Every length is bounds-checked.
public struct SentencePieceModelFile: Sendable {
    public let pieces: [(token: String, score: Double)]
    public let precompiledCharsmap: [UInt8]

    public init(contentsOf url: URL) throws {
        let bytes: [UInt8]
        do { bytes = try SafeFile.read(url, limit: Limits.vocabulary) } catch {
            throw TokenizerError("cannot read \(error)")
        }
        try self.init(bytes: bytes, name: url.lastPathComponent)
    }

    public init(bytes: [UInt8], name: String = "spm.model") throws {
        var pieces: [(token: String, score: Double)] = []
        var r = ProtoReader(bytes: bytes[...], name: name)
        var trainerSpec = false
        var charsmap: [UInt8] = []
        while let (field, wire) = try r.tag() {
            if field == 1 && wire == 2 {
                guard pieces.count < Limits.vocabularyEntries else {
                    throw TokenizerError(
                        "\(name): more than \(Limits.vocabularyEntries) pieces (real models: 30k–250k)")
                }
                pieces.append(try Self.piece(try r.lengthDelimited(), name: name))
            } else if field == 3 && wire == 2 {
                charsmap = try Self.charsmap(try r.lengthDelimited(), name: name)
            } else {
                trainerSpec = trainerSpec || field == 2
                try r.skip(wire)
            }
        }
        guard !pieces.isEmpty else {
            throw TokenizerError("\(name): no SentencePiece pieces (not a SentencePiece model?)")
        }
        // The pieces are written first and the trainer spec after them: without it the file was cut short.
        guard trainerSpec else { throw TokenizerError("\(name): no trainer spec after the pieces (truncated?)") }
        self.pieces = pieces
        precompiledCharsmap = charsmap
    }

    private static func charsmap(_ bytes: ArraySlice<UInt8>, name: String) throws -> [UInt8] {
        var r = ProtoReader(bytes: bytes, name: name)
        var out: [UInt8] = []
        while let (field, wire) = try r.tag() {
            if field == 2 && wire == 2 { out = Array(try r.lengthDelimited()) } else { try r.skip(wire) }
        }
        return out
    }

    private static func piece(_ bytes: ArraySlice<UInt8>, name: String) throws -> (token: String, score: Double) {
        var r = ProtoReader(bytes: bytes, name: name)
        var token: String? = nil, score: Float = 0
        while let (field, wire) = try r.tag() {
            switch (field, wire) {
            case (1, 2): token = String(decoding: try r.lengthDelimited(), as: UTF8.self)
            case (2, 5): score = Float(bitPattern: UInt32(try r.fixed32()))
            default: try r.skip(wire)
            }
        }
        guard let token else { throw TokenizerError("\(name): a SentencePiece entry has no piece") }
        return (token, Double(score))
    }
}

/// Protobuf wire-format reading over untrusted bytes.
struct ProtoReader {
    var bytes: ArraySlice<UInt8>
    let name: String

    func fail() -> TokenizerError {
        TokenizerError("\(name): not a valid SentencePiece model (truncated or corrupt protobuf)")
    }

    mutating func varint() throws -> UInt64 {
        var v: UInt64 = 0
        for shift in stride(from: 0, to: 64, by: 7) {
            guard let b = bytes.popFirst() else { throw fail() }
            v |= UInt64(b & 0x7F) << UInt64(shift)
            if b & 0x80 == 0 { return v }
        }
        throw fail()
    }

    mutating func tag() throws -> (Int, Int)? {
        guard !bytes.isEmpty else { return nil }
        let t = try varint()
        return (Int(t >> 3), Int(t & 7))
    }

    mutating func lengthDelimited() throws -> ArraySlice<UInt8> {
        let n = try varint()
        guard n <= UInt64(bytes.count) else { throw fail() }
        let out = bytes.prefix(Int(n))
        bytes = bytes.dropFirst(Int(n))
        return out
    }

    mutating func fixed32() throws -> Int {
        guard bytes.count >= 4 else { throw fail() }
        let b = Array(bytes.prefix(4))
        bytes = bytes.dropFirst(4)
        return Int(UInt32(b[0]) | UInt32(b[1]) << 8 | UInt32(b[2]) << 16 | UInt32(b[3]) << 24)
    }

    mutating func skip(_ wire: Int) throws {
        switch wire {
        case 0: _ = try varint()
        case 1: guard bytes.count >= 8 else { throw fail() }; bytes = bytes.dropFirst(8)
        case 2: _ = try lengthDelimited()
        case 5: _ = try fixed32()
        default: throw fail()
        }
    }
}
