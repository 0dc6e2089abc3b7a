/// Terminal column width of text, cluster by cluster (see `cellGlyph`):
/// 2 for East Asian wide/fullwidth and emoji presentation, 0 for clusters of
/// combining marks and format characters alone, else 1.
public func displayWidth(_ text: String) -> Int {
    text.reduce(0) { $0 + cellGlyph($1).width }
}

/// What one grapheme cluster draws as, and its width. Terminals disagree on
/// joined sequences (ZWJ emoji families, skin-tone modifiers, flags), so a
/// cluster is drawn as its first scalar with the zero-width marks that
/// follow it, and nothing joined after: every terminal gives that the same
/// width, so no layout can shift.
public func cellGlyph(_ ch: Character) -> (glyph: String, width: Int) {
    let scalars = ch.unicodeScalars
    guard scalars.count > 1 else { return (String(ch), scalars.first.map(scalarWidth) ?? 0) }
    var out = String.UnicodeScalarView()
    var width = 0
    for u in scalars {
        let w = scalarWidth(u)
        if out.isEmpty { out.append(u); width = w; continue }
        if u.value == 0x200D || w > 0 { break }  // a joiner or a second visible scalar: stop
        if u.properties.isEmojiModifier { break }
        out.append(u)
    }
    return (String(out), width)
}

public func scalarWidth(_ u: Unicode.Scalar) -> Int {
    let v = u.value
    if v >= 0x20 && v < 0x7F { return 1 }  // ASCII, most of every frame
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

/// Control and invisible characters as escapes, so layout never breaks;
/// a lone space as `␠`.
public func visibleText(_ s: String) -> String {
    var out = ""
    for u in s.unicodeScalars {
        let cat = u.properties.generalCategory
        if u.value < 0x20 || u.value == 0x7F || (0x80..<0xA0).contains(u.value) || cat == .format
            || cat == .lineSeparator
            || cat == .paragraphSeparator || cat == .privateUse || cat == .unassigned || cat == .surrogate
        {
            out += "\\u{\(String(u.value, radix: 16))}"
        } else if u == " " && s.unicodeScalars.count == 1 {
            out += "␠"
        } else {
            out.unicodeScalars.append(u)
        }
    }
    return out
}

/// Splits text into lines of at most `width` display columns, breaking at
/// spaces where it can (a word longer than a line is cut).
public func wordWrap(_ text: String, _ width: Int) -> [String] {
    let width = max(1, width)
    var lines: [String] = [], line = "", used = 0
    for (k, word) in text.split(separator: " ", omittingEmptySubsequences: false).map(String.init).enumerated() {
        let w = displayWidth(word)
        if k > 0 && used + 1 + w > width { lines.append(line); line = ""; used = 0 }
        // Spaces are kept (runs of them align columns), except where a line breaks.
        if k > 0 && !(used == 0 && !lines.isEmpty) { line += " "; used += 1 }
        if w > width - used {
            for ch in word {
                let cw = displayWidth(String(ch))
                if used + cw > width { lines.append(line); line = ""; used = 0 }
                line.append(ch); used += cw
            }
        } else {
            line += word; used += w
        }
    }
    lines.append(line)
    return lines
}

/// `text` cut to `width` columns with a final `…` when it is longer.
public func truncated(_ text: String, to width: Int) -> String {
    guard displayWidth(text) > width else { return text }
    guard width >= 1 else { return "" }
    var out = "", used = 0
    for ch in text {
        let w = cellGlyph(ch).width
        if used + w > width - 1 { break }
        out.append(ch)
        used += w
    }
    return out + "…"
}

/// `text` cut to its last `width` columns with a leading `…` when it is longer.
public func truncatedFromStart(_ text: String, to width: Int) -> String {
    guard displayWidth(text) > width else { return text }
    guard width >= 1 else { return "" }
    var out: [Character] = [], used = 0
    for ch in text.reversed() {
        let w = cellGlyph(ch).width
        if used + w > width - 1 { break }
        out.append(ch)
        used += w
    }
    return "…" + String(out.reversed())
}

/// 290817 → "290,817" (counts of rows and tokens).
public func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, ch) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(ch)
    }
    return (n < 0 ? "-" : "") + out
}
