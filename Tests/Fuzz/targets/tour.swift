import Foundation
import WorkbenchUI

/// Tour files (and `:save` states), then the parsed tour written and parsed again: the round trip must hold.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: count), as: UTF8.self)
    guard let t = try? TourFile.parse(text, name: "fuzz.tour") else { return 0 }
    guard let again = try? TourFile.parse(TourFile.write(t), name: "again"), again == t else {
        fatalError("a tour did not survive write + parse")
    }
    return 0
}
