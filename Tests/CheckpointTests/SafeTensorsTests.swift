import Checkpoint
import Foundation
import Testing
import TestSupport

@Suite struct SafeTensorsTests {
    private func open(_ bytes: [UInt8]) throws -> SafeTensorsFile {
        try SafeTensorsFile(path: SafeTensorsBuilder.write(bytes))
    }

    private func message(_ bytes: [UInt8]) -> String {
        do { _ = try open(bytes); return "" } catch { return "\(error)" }
    }

    @Test func readsF32ZeroCopyAndConvertsHalfTypes() throws {
        var b = SafeTensorsBuilder()
        b.entries = [
            SafeTensorsBuilder.f32("a", [2, 2], [1, -2, 3.5, 0]),
            // F16: 1, -2, 65504, smallest subnormal, +inf, NaN
            .init(
                name: "h", dtype: "F16", shape: [6],
                data: [0x00, 0x3C, 0x00, 0xC0, 0xFF, 0x7B, 0x01, 0x00, 0x00, 0x7C, 0x00, 0x7E]),
            // BF16: 1.0, -0.5
            .init(name: "b", dtype: "BF16", shape: [2], data: [0x80, 0x3F, 0x00, 0xBF]),
            .init(name: "ids", dtype: "I64", shape: [1], data: [7, 0, 0, 0, 0, 0, 0, 0]),
        ]
        let f = try open(b.bytes())
        #expect(try f.tensor("a").values == [1, -2, 3.5, 0])
        let h = try f.tensor("h").values
        #expect(Array(h[0..<4]) == [1, -2, 65504, Float(sign: .plus, exponent: -24, significand: 1)])
        #expect(h[4] == .infinity && h[5].isNaN)
        #expect(try f.tensor("b").values == [1, -0.5])
        #expect(f.entries["ids"]?.dtype == .i64)
        #expect(throws: CheckpointError.self) { try f.tensor("ids") }
        #expect(throws: CheckpointError.self) { try f.tensor("missing") }
    }

    @Test func misalignedF32IsCopiedCorrectly() throws {
        var b = SafeTensorsBuilder()
        b.entries = [SafeTensorsBuilder.f32("a", [3], [1.5, 2.5, -3])]
        while (8 + b.header().utf8.count) % 4 != 1 { b.headerPadding += 1 }  // data starts at an odd address
        #expect(try open(b.bytes()).tensor("a").values == [1.5, 2.5, -3])
    }

    @Test func corruptFilesAreOneLineErrors() throws {
        var b = SafeTensorsBuilder()
        b.entries = [SafeTensorsBuilder.f32("a", [2], [1, 2])]
        let good = b.bytes()
        let cases: [(String, [UInt8], String)] = [
            ("too short", [1, 2, 3], "shorter than"),
            (
                "header past end", withUnsafeBytes(of: UInt64(500).littleEndian, Array.init) + Array("{}".utf8),
                "truncated"
            ),
            ("absurd header", withUnsafeBytes(of: UInt64.max.littleEndian, Array.init), "over the 16 MB limit"),
            ("not json", b.bytes(header: "{nope"), "not a JSON object"),
            (
                "unknown dtype", b.bytes(header: #"{"a":{"dtype":"F7","shape":[2],"data_offsets":[0,8]}}"#),
                "unknown dtype"
            ),
            ("size mismatch", b.bytes(header: #"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#), "needs 12"),
            (
                "beyond end", b.bytes(header: #"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#),
                "beyond the 8 data bytes of the file"
            ),
            (
                "negative shape", b.bytes(header: #"{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#),
                "invalid shape"
            ),
            (
                "reversed offsets", b.bytes(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#),
                "data_offsets"
            ),
            (
                "overflowing shape",
                b.bytes(header: #"{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}}"#),
                "overflows"
            ),
            (
                "fractional shape", b.bytes(header: #"{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,8]}}"#),
                "invalid shape"
            ),
            ("entry not object", b.bytes(header: #"{"a":3}"#), "not an object"),
        ]
        for (label, bytes, expected) in cases {
            let m = message(bytes)
            #expect(m.contains(expected), "\(label): \(m)")
            #expect(!m.contains("\n"), "\(label): error is not one line")
        }
        #expect(message(good) == "")
    }

    @Test func everyTruncationOfARealCheckpointIsAnError() throws {
        let path = Fixtures.model("tiny-bert").appendingPathComponent("model.safetensors").path
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let headerEnd = 8 + Int(bytes[0]) + Int(bytes[1]) << 8
        var cuts =
            Array(stride(from: 0, to: headerEnd + 64, by: 7)) + Array(stride(from: headerEnd, to: bytes.count, by: 997))
        cuts.append(bytes.count - 1)
        for cut in cuts {
            #expect(message(Array(bytes[0..<cut])) != "", "a file cut at \(cut) bytes was accepted")
        }
    }

    @Test func randomHeaderCorruptionNeverCrashes() throws {
        let path = Fixtures.model("tiny-bert").appendingPathComponent("model.safetensors").path
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            var b = bytes
            for _ in 0..<3 {
                b[Int.random(in: 0..<min(2000, b.count), using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            if let f = try? open(b) {
                for name in f.entries.keys { _ = try? f.tensor(name) }  // any surviving entry is in bounds
            }
        }
    }
}
