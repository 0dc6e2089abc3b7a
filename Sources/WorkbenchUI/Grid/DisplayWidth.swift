/// Terminal column width of text: 2 for East Asian wide/fullwidth and emoji
/// presentation, 0 for combining marks and format characters, else 1.
public func displayWidth(_ text: String) -> Int {
    text.unicodeScalars.reduce(0) { $0 + scalarWidth($1) }
}

public func scalarWidth(_ u: Unicode.Scalar) -> Int {
    let v = u.value
    if v < 0x20 || (0x7F..<0xA0).contains(v) { return 0 }
    switch u.properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .format: return 0
    default: break
    }
    if u.properties.isEmojiPresentation { return 2 }
    switch v {
    case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
         0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
         0xFFE0...0xFFE6, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
        return 2
    default: return 1
    }
}

/// Pads or cuts `text` to exactly `width` columns.
public func fit(_ text: String, _ width: Int) -> String {
    var out = "", used = 0
    for ch in text {
        let w = displayWidth(String(ch))
        if used + w > width { break }
        out.append(ch)
        used += w
    }
    return out + String(repeating: " ", count: width - used)
}
