/// What the terminal can show, decided once at start-up (TERM, COLORS,
/// NO_COLOR, --no-color). Panes pick colours or glyph ramps from it.
public enum ColorMode: Sendable, Equatable, Comparable {
    case monochrome
    case ansi8
    case xterm256
    case truecolor

    /// Heatmaps need a real ramp; below 256 colours they draw glyphs instead.
    public var hasColorRamp: Bool { self >= .xterm256 }
}

public enum ColorMath {
    static let cubeLevels: [Int] = [0, 95, 135, 175, 215, 255]

    /// The xterm-256 index nearest to an RGB colour (6×6×6 cube or grey
    /// ramp). A colour with a hue keeps it where the cube's dark steps are
    /// coarse (the heatmap's navy turned grey 237): the nearest cube colour
    /// of about its hue, unless a grey is far nearer (the darkest steps).
    public static func xterm256(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        let levels = cubeLevels, c = (Int(r), Int(g), Int(b))
        func nearestLevel(_ v: Int) -> Int { levels.indices.min { abs(levels[$0] - v) < abs(levels[$1] - v) }! }
        let (ri, gi, bi) = (nearestLevel(c.0), nearestLevel(c.1), nearestLevel(c.2))
        let grey = max(0, min(23, ((c.0 + c.1 + c.2) / 3 - 3) / 10))
        let greyValue = 8 + 10 * grey, greyDistance = distance(c, (greyValue, greyValue, greyValue))
        if max(c.0, c.1, c.2) - min(c.0, c.1, c.2) >= 24, let (index, d) = sameHue(c), d <= 3 * greyDistance {
            return index
        }
        return distance(c, (levels[ri], levels[gi], levels[bi])) <= greyDistance
            ? UInt8(16 + 36 * ri + 6 * gi + bi) : UInt8(232 + grey)
    }

    private static func distance(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> Int {
        (a.0 - b.0) * (a.0 - b.0) + (a.1 - b.1) * (a.1 - b.1) + (a.2 - b.2) * (a.2 - b.2)
    }

    /// The hue of a colour in degrees, nil for a grey.
    static func hue(_ c: (Int, Int, Int)) -> Double? {
        let hi = max(c.0, c.1, c.2), d = Double(hi - min(c.0, c.1, c.2))
        guard d > 0 else { return nil }
        let h =
            hi == c.0 ? Double(c.1 - c.2) / d : hi == c.1 ? Double(c.2 - c.0) / d + 2 : Double(c.0 - c.1) / d + 4
        return (h * 60 + 360).truncatingRemainder(dividingBy: 360)
    }

    /// Of the cube's corners around `c`, the nearest within 30° of its hue, and its distance.
    private static func sameHue(_ c: (Int, Int, Int)) -> (UInt8, Int)? {
        guard let h = hue(c) else { return nil }
        func around(_ v: Int) -> ClosedRange<Int> {
            let low = cubeLevels.lastIndex { $0 <= v } ?? 0
            return low...min(5, low + 1)
        }
        var best: (UInt8, Int)?
        for ri in around(c.0) {
            for gi in around(c.1) {
                for bi in around(c.2) {
                    let corner = (cubeLevels[ri], cubeLevels[gi], cubeLevels[bi])
                    guard let ch = hue(corner), min(abs(ch - h), 360 - abs(ch - h)) <= 30 else { continue }
                    let d = distance(c, corner)
                    if best == nil || d < best!.1 { best = (UInt8(16 + 36 * ri + 6 * gi + bi), d) }
                }
            }
        }
        return best
    }

    /// RGB of an xterm-256 index (for downsampling to 8 colours).
    public static func rgb(ofXterm i: UInt8) -> (Int, Int, Int) {
        let basic: [(Int, Int, Int)] = [
            (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205),
            (229, 229, 229),
            (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255),
            (255, 255, 255),
        ]
        if i < 16 { return basic[Int(i)] }
        if i >= 232 { let v = 8 + 10 * (Int(i) - 232); return (v, v, v) }
        let levels = [0, 95, 135, 175, 215, 255], c = Int(i) - 16
        return (levels[c / 36], levels[(c / 6) % 6], levels[c % 6])
    }

    /// The nearest of the 8 basic colours.
    public static func ansi8(_ r: Int, _ g: Int, _ b: Int) -> UInt8 {
        var best = 0, bestDist = Int.max
        for i in 0..<8 {
            let c = rgb(ofXterm: UInt8(i))
            let d = (c.0 - r) * (c.0 - r) + (c.1 - g) * (c.1 - g) + (c.2 - b) * (c.2 - b)
            if d < bestDist { best = i; bestDist = d }
        }
        return UInt8(best)
    }
}

/// Whether the terminal says its background is light: COLORFGBG ("fg;bg",
/// set by rxvt, Konsole, iTerm2 and others) with a light background colour
/// (7 or 15). Unknown means dark, the common case.
public func terminalHasLightBackground(_ environment: [String: String]) -> Bool {
    guard let v = environment["COLORFGBG"], let bg = v.split(separator: ";").last.flatMap({ Int($0) }) else {
        return false
    }
    return bg == 7 || bg == 15
}

/// A terminal's answer to OSC 11 (`ESC ] 11 ; rgb:RRRR/GGGG/BBBB`, 1–4 hex
/// digits per channel): true when the colour's relative luminance is over
/// one half, nil when the reply holds no colour.
public func oscBackgroundIsLight(_ reply: String) -> Bool? {
    guard let r = reply.range(of: "]11;rgb:") else { return nil }
    let rest = reply[r.upperBound...].prefix { $0.isHexDigit || $0 == "/" }
    let channels = rest.split(separator: "/").prefix(3).compactMap { c -> Double? in
        guard (1...4).contains(c.count), let v = UInt32(c, radix: 16) else { return nil }
        return Double(v) / Double((1 << (4 * c.count)) - 1)
    }
    guard channels.count == 3 else { return nil }
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2] > 0.5
}
