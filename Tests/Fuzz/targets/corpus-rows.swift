import CorpusText
import Foundation

/// `corpus index`'s row readers: plain text, JSONL, CSV, TSV and CoNLL-U, on any bytes.
/// Every row read must have a line inside the input; problems stay capped.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    let lines = bytes.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
    for format in CorpusFormat.allCases {
        let p = CorpusParser.parse(bytes, format: format)
        precondition(p.rows.allSatisfy { (1...lines).contains($0.line) })
        precondition(p.problems.count <= CorpusParser.maxProblems && p.problems.count <= p.problemCount)
        precondition(p.rows.allSatisfy { $0.words.count == $0.wordRanges.count })
    }
    return 0
}
