import Foundation
import WorkbenchUI

/// Theme files, then every heat colour of the parsed theme.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: count), as: UTF8.self)
    if let t = try? Theme.parse(text, source: "fuzz.theme") { for i in 0...20 { _ = t.heat(Float(i) / 20) } }
    return 0
}
