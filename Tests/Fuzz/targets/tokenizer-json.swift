import Foundation
import Tokenizers

/// tokenizer.json loading (every model, normalizer, pre-tokenizer and
/// post-processor reader), then encoding with whatever loaded.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    if let t = try? Tokenizer(tokenizerJSON: Data(bytes: data, count: count)) {
        for text in ["Hello, naïve café! 中文 😀", "", " a  b ", "[MASK] <s> x"] {
            _ = t.encode(text, pair: "pair", maxLength: 64)
        }
    }
    return 0
}
