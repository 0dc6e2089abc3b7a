import Checkpoint
import Foundation

/// safetensors header and tensor reads: any bytes, as a file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let path = FuzzFile.write(data, count, name: "model.safetensors")
    if let f = try? SafeTensorsFile(path: path) {
        for name in f.entries.keys.sorted() { _ = try? f.tensor(name).values.reduce(0, +) }
    }
    return 0
}
