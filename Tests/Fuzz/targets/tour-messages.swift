import Foundation
import TextCells
import WorkbenchUI

/// Tour files as `bertscope tour` prints them: the listing line, `--check`'s
/// lines (each check with what it found) and the one-line error of a bad
/// file. Tours are shared between teachers, so none of these may carry a
/// control character to the terminal.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: count), as: UTF8.self)
    var printed: [String] = []
    do {
        let t = try TourFile.parse(text, name: "fuzz.tour")
        printed.append(TourMessages.listing(name: "fuzz", tour: t))
        for (k, s) in t.steps.enumerated() {
            printed.append(TourMessages.stepResult(k, of: t.steps.count, checks: s.checks.count, problems: s.checks))
            // A failed check is printed with what was found: here the check itself again.
            printed += s.checks.map { TourMessages.problem("\($0): \($0)") }
        }
    } catch {
        printed.append(terminalLine("bertscope: error: \(error)"))
    }
    for line in printed where line.unicodeScalars.contains(where: isControl) {
        fatalError("a control character reaches the terminal: \(line.debugDescription)")
    }
    return 0
}

/// C0 and C1 controls and DEL: what a terminal acts on.
private func isControl(_ u: Unicode.Scalar) -> Bool { u.value < 0x20 || (0x7F..<0xA0).contains(u.value) }
