import Checkpoint
import Foundation

/// config.json: every family's reader and the validation.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    if let c = try? ModelConfig(json: Data(bytes: data, count: count)) {
        _ = c.estimatedBytes(tokens: c.maxTokens)
        for l in 0..<c.numLayers { _ = c.weightLayer(l) }
        if let r = c.relative { for d in -600...600 { _ = r.bucket(d) } }
    }
    return 0
}
