import Foundation
import Tokenizers

/// vocab.txt (with an empty tokenizer_config.json), then an encoding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let path = FuzzFile.write(data, count, name: "vocab.txt")
    let config = FuzzFile.write(Array("{}".utf8), 2, name: "tokenizer_config.json")
    if let t = try? Tokenizer(vocabTxt: URL(fileURLWithPath: path), config: URL(fileURLWithPath: config)) {
        _ = t.encode("Hello, naïve café! 中文 [UNK] ##b", pair: "x", maxLength: 64)
    }
    return 0
}
