import Foundation
import WorkbenchUI

/// The key decoder: raw terminal input (bytes as scalars, and UTF-8 decoded).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: count)
    var d = KeyDecoder()
    var keys = 0
    for b in bytes { keys += d.feed(.scalar(UInt32(b))).count }
    keys += d.timeout().count
    precondition(!d.isPending && keys <= count + 1)
    var u = KeyDecoder()
    for s in String(decoding: bytes, as: UTF8.self).unicodeScalars { _ = u.feed(.scalar(s.value)) }
    _ = u.timeout()
    return 0
}
