import Foundation
import Tokenizers

/// Encoding any text (split at the first NUL into a pair) with a fixture
/// tokenizer chosen by FUZZ_TOKENIZER (a model folder), also the x-ray.
let tokenizer: Tokenizer = {
    guard let dir = ProcessInfo.processInfo.environment["FUZZ_TOKENIZER"] else {
        fatalError("set FUZZ_TOKENIZER to a model folder")
    }
    return try! Tokenizer.load(directory: URL(fileURLWithPath: dir))
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    let parts = bytes.split(separator: 0, maxSplits: 1, omittingEmptySubsequences: false)
    let a = String(decoding: parts[0], as: UTF8.self),
        b = parts.count > 1 ? String(decoding: parts[1], as: UTF8.self) : nil
    let e = tokenizer.encode(a, pair: b, maxLength: 128)
    precondition(e.ids.count == e.tokens.count && e.offsets.count == e.ids.count && e.ids.count <= 128)
    let scalars = a.unicodeScalars.count
    for i in e.ids.indices where e.sequenceIds[i] == 0 {
        precondition(e.offsets[i].start <= e.offsets[i].end && e.offsets[i].end <= scalars, "offset outside the text")
        _ = tokenizer.xray(a, span: e.offsets[i])
    }
    return 0
}

/// Loads the tokenizer before fuzzing starts: LeakSanitizer cannot follow
/// Swift's enum payload pointers (tag bits in spare bits), so objects a
/// global built during the first input read as leaked.
@_cdecl("LLVMFuzzerInitialize")
public func initialize(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
) -> Int32 {
    _ = tokenizer.encode("warm-up")
    return 0
}
