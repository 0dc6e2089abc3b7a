import Foundation
import Tokenizers

/// The SentencePiece model protobuf (pieces, scores, the charsmap trie).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    _ = try? SentencePieceModelFile(bytes: Array(UnsafeBufferPointer(start: data, count: count)))
    return 0
}
