import Analysis
import Foundation

/// CoNLL-U and TSV probing data.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: count), as: UTF8.self)
    _ = try? LabeledCorpus.conllu(text)
    _ = try? LabeledCorpus.tsv(text)
    return 0
}
