@testable import Checkpoint
import Foundation
import Testing
import TestSupport

/// pytorch_model.bin read without PyTorch: the same tiny checkpoint saved by
/// torch.save in the zip format, the legacy format, and as F16 shards with a
/// strided tensor, against its safetensors twin; and damaged files.
@Suite struct TorchCheckpointTests {
    static let twin = Fixtures.model("tiny-bert-pretraining")
    static func dir(_ name: String) -> URL { Fixtures.root.appendingPathComponent("models/torch-formats/\(name)") }

    @Test(arguments: ["zip", "legacy"])
    func float32FormatsHoldTheSameTensors(format: String) throws {
        let torch = try WeightStore(directory: Self.dir(format)), safe = try WeightStore(directory: Self.twin)
        #expect(torch.files.count == 1 && torch.files[0] is TorchCheckpointFile)
        // The safetensors twin drops the tied decoder; the pickle keeps it, sharing the embedding storage.
        #expect(
            Set(torch.names).subtracting(safe.names) == [
                "cls.predictions.decoder.weight", "cls.predictions.decoder.bias",
            ])
        #expect(Set(safe.names).isSubset(of: Set(torch.names)))
        for name in safe.names {
            let a = try torch.tensor(name), b = try safe.tensor(name)
            #expect(a.shape == b.shape && a.values == b.values, "\(name) differs")
        }
        let decoder = try torch.tensor("cls.predictions.decoder.weight"),
            word = try torch.tensor("bert.embeddings.word_embeddings.weight")
        #expect(decoder.pointer == word.pointer, "the shared storage should be one zero-copy view")
    }

    @Test func halfShardsAndStridedTensorsAreConverted() throws {
        let torch = try WeightStore(directory: Self.dir("sharded-f16-strided")),
            safe = try WeightStore(directory: Self.twin)
        #expect(torch.files.count == 2 && torch.dominantDType == .f16)
        for name in safe.names {
            let a = try torch.tensor(name), b = try safe.tensor(name)
            #expect(a.shape == b.shape && a.values == b.values.map { Float(Float16($0)) }, "\(name) differs")
        }
        #expect(torch.entry("bert.encoder.layer.0.intermediate.dense.weight")?.strides == [1, 64])
    }

    @Test func everyTruncationIsAnErrorAndCorruptionNeverCrashes() throws {
        for format in ["zip", "legacy"] {
            let bytes = [UInt8](try Data(contentsOf: Self.dir(format).appendingPathComponent("pytorch_model.bin")))
            var cuts = Array(stride(from: 0, to: bytes.count, by: 1_499)) + Array(bytes.count - 200..<bytes.count)
            if format == "legacy" { cuts += Array(stride(from: 0, to: 3_000, by: 13)) }  // through the pickles
            for cut in cuts {
                #expect(throws: CheckpointError.self, "\(format) cut at \(cut) was accepted") {
                    try TorchCheckpointFile(
                        path: SafeTensorsBuilder.write(Array(bytes[0..<cut]), name: "pytorch_model.bin"))
                }
            }
            var rng = SystemRandomNumberGenerator()
            for _ in 0..<150 {
                var b = bytes
                // Damage the pickle (zip: near the end, where data.pkl and the directory sit; legacy: the start).
                let region = format == "zip" ? max(0, b.count - 12_000)..<b.count : 0..<min(4_000, b.count)
                for _ in 0..<3 { b[Int.random(in: region, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
                if let f = try? TorchCheckpointFile(path: SafeTensorsBuilder.write(b, name: "pytorch_model.bin")) {
                    for name in f.entries.keys { _ = try? f.tensor(name) }  // surviving entries are in bounds
                }
            }
        }
    }

    @Test func picklesThatWantToRunCodeAreRefused() throws {
        // GLOBAL os.system, then REDUCE: a classic malicious pickle, inside a legacy-format header.
        var p: [UInt8] = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]
        p += [0x80, 0x02, 0x4d, 0xe9, 0x03, 0x2e] + [0x80, 0x02, 0x7d, 0x2e]
        p +=
            [0x80, 0x02] + Array("cos\nsystem\n".utf8) + [0x58, 0x02, 0, 0, 0] + Array("id".utf8) + [0x85, 0x52, 0x2e]
        do {
            _ = try TorchCheckpointFile(path: SafeTensorsBuilder.write(p, name: "pytorch_model.bin"))
            Issue.record("a pickle calling os.system was accepted")
        } catch let e as CheckpointError {
            #expect(e.message.contains("os.system") && e.message.contains("refusing"))
        }
    }
}

@Suite struct PickleCycleTests {
    /// A list appended to itself through the memo (found by the torch fuzzer as
    /// a leak): the arena frees it once the file has been read.
    @Test func cyclesAreFreed() throws {
        // EMPTY_LIST, BINPUT 0, BINGET 0, APPEND, STOP: l = []; l.append(l)
        let pickle: [UInt8] = [0x80, 0x02, 0x5D, 0x71, 0x00, 0x68, 0x00, 0x61, 0x2E]
        weak var list: PickleList?
        let arena = PickleArena()
        try pickle.withUnsafeBytes { raw in
            var u = Unpickler(ByteReader(raw, what: "test"), arena: arena) { _ in .none }
            let v = try u.load()
            guard case .list(let l) = v else { Issue.record("not a list"); return }
            #expect(l.items.count == 1)
            list = l
        }
        #expect(list != nil, "the cycle keeps the list alive")
        arena.clear()
        #expect(list == nil, "clearing the arena frees the cycle")
    }
}
