import Checkpoint
import Foundation

/// pytorch_model.bin: zip and legacy formats, the restricted unpickler, tensor ranges.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let path = FuzzFile.write(data, count, name: "pytorch_model.bin")
    if let f = try? TorchCheckpointFile(path: path) {
        for name in f.entries.keys.sorted() { _ = try? f.tensor(name).values.reduce(0, +) }
    }
    return 0
}
