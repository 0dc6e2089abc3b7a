import Foundation
import SafeIO
import TextCells

/// Named colours and the heatmap gradient, read from a `Themes/*.theme` file.
///
/// Format: one `key = value` per line; lines starting with `#` are comments. A value is
/// `default` (the terminal's own colour), an xterm-256 index `0`–`255`, or
/// `#RRGGBB`. Keys not given keep the built-in default theme's value; an
/// unknown key or a bad value is an error naming the line.
public struct Theme: Sendable, Equatable {
    public var name: String
    public var colors: [ThemeKey: Color]
    /// Made for light terminal backgrounds (`mode = light`): `t` skips such
    /// themes on dark terminals, where their dark text would be unreadable.
    public var isLight = false

    /// The built-in (dark) defaults of every key.
    public static let defaults: [ThemeKey: Color] = [
        .background: .terminalDefault, .foreground: .indexed(252), .muted: .indexed(244),
        .accent: .indexed(75), .border: .indexed(240), .focusBorder: .indexed(75),
        .specialToken: .indexed(178), .unknownToken: .indexed(203),
        .wordA: .indexed(110), .wordB: .indexed(180), .selection: .indexed(238),
        .cursor: .indexed(226), .statusBarBackground: .indexed(236), .statusBarForeground: .indexed(250),
        .error: .indexed(196), .stale: .indexed(214),
        .heatmapStart: .rgb(0x0B, 0x10, 0x26), .heatmapMid: .rgb(0x5A, 0x3F, 0xA0), .heatmapEnd: .rgb(0xFF, 0xD1, 0x66),
        .attributionNegative: .rgb(0x5E, 0x3C, 0x99), .attributionPositive: .rgb(0xE6, 0x61, 0x01),
        .category1: .rgb(0xE6, 0x9F, 0x00), .category2: .rgb(0x56, 0xB4, 0xE9), .category3: .rgb(0x00, 0x9E, 0x73),
        .category4: .rgb(0xF0, 0xE4, 0x42), .category5: .rgb(0x00, 0x72, 0xB2), .category6: .rgb(0xD5, 0x5E, 0x00),
        .category7: .rgb(0xCC, 0x79, 0xA7), .category8: .rgb(0x99, 0x99, 0x99),
    ]

    public static let builtIn = Theme(name: "default", colors: defaults)

    public init(name: String, colors: [ThemeKey: Color]) {
        self.name = name
        self.colors = colors
    }

    public func color(_ key: ThemeKey) -> Color { colors[key] ?? Self.defaults[key] ?? .terminalDefault }
    public func style(_ fg: ThemeKey, bg: ThemeKey? = nil, _ attrs: TextAttributes = []) -> Style {
        Style(fg: color(fg), bg: color(bg ?? .background), attributes: attrs)
    }

    /// Parses theme text; `source` names the file in error messages.
    public static func parse(_ text: String, source: String) throws -> Theme {
        var theme = builtIn
        theme.name = ((source as NSString).lastPathComponent as NSString).deletingPathExtension
        let text = withoutByteOrderMark(text)
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty else {
                throw ThemeError(
                    "\(source):\(number + 1): expected `key = value`, got \"\(raw.trimmingCharacters(in: .whitespaces))\""
                )
            }
            if parts[0] == "name" { theme.name = parts[1]; continue }
            if parts[0] == "mode" {
                guard parts[1] == "light" || parts[1] == "dark" else {
                    throw ThemeError("\(source):\(number + 1): mode is light or dark, not \"\(parts[1])\"")
                }
                theme.isLight = parts[1] == "light"
                continue
            }
            guard let key = ThemeKey(rawValue: parts[0]) else {
                throw ThemeError(
                    "\(source):\(number + 1): unknown key \"\(parts[0])\" (keys: \(ThemeKey.allCases.map(\.rawValue).joined(separator: ", ")))"
                )
            }
            guard let c = parseColor(parts[1]) else {
                throw ThemeError("\(source):\(number + 1): bad colour \"\(parts[1])\" (use default, 0-255 or #RRGGBB)")
            }
            theme.colors[key] = c
        }
        return theme
    }

    static func parseColor(_ s: String) -> Color? {
        if s == "default" { return .terminalDefault }
        if let i = UInt8(s) { return .indexed(i) }
        guard s.hasPrefix("#"), s.count == 7, let v = UInt32(s.dropFirst(), radix: 16) else { return nil }
        return .rgb(UInt8(v >> 16), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF))
    }

    /// A background for a signed value in [−1, 1]: the background colour at 0,
    /// the negative or positive attribution colour at the ends.
    public func diverging(_ v: Float) -> Color {
        let t = max(-1, min(1, v))
        let end = Self.rgb(color(t < 0 ? .attributionNegative : .attributionPositive))
        let mid = Self.rgb(
            color(.background) == .terminalDefault
                ? (isLight ? .rgb(255, 255, 255) : .rgb(0, 0, 0)) : color(.background))
        // √|v|: small attributions stay visible next to one large one (and survive 256-colour rounding).
        let f = HeatRamp.level(abs(t), of: 1)
        func mix(_ x: Int, _ y: Int) -> UInt8 { UInt8(max(0, min(255, Float(x) + (Float(y) - Float(x)) * f))) }
        return .rgb(mix(mid.0, end.0), mix(mid.1, end.1), mix(mid.2, end.2))
    }

    /// The heatmap colour for a value in [0, 1], interpolated start → mid → end.
    public func heat(_ v: Float) -> Color {
        let t = max(0, min(1, v))
        let (a, b, f): (ThemeKey, ThemeKey, Float) =
            t < 0.5 ? (.heatmapStart, .heatmapMid, t * 2) : (.heatmapMid, .heatmapEnd, (t - 0.5) * 2)
        let ca = Self.rgb(color(a)), cb = Self.rgb(color(b))
        func mix(_ x: Int, _ y: Int) -> UInt8 { UInt8(max(0, min(255, Float(x) + (Float(y) - Float(x)) * f))) }
        return .rgb(mix(ca.0, cb.0), mix(ca.1, cb.1), mix(ca.2, cb.2))
    }

    static func rgb(_ c: Color) -> (Int, Int, Int) {
        switch c {
        case .rgb(let r, let g, let b): return (Int(r), Int(g), Int(b))
        case .indexed(let i): return ColorMath.rgb(ofXterm: i)
        case .terminalDefault: return (0, 0, 0)
        }
    }
}

/// Every colour a theme may set; the raw values are the keys of `.theme` files.
public enum ThemeKey: String, CaseIterable, Sendable {
    case background, foreground, muted, accent, border
    case focusBorder = "focus_border", specialToken = "special_token", unknownToken = "unknown_token"
    case wordA = "word_a", wordB = "word_b", selection, cursor
    case statusBarBackground = "status_bar_bg", statusBarForeground = "status_bar_fg"
    case error, stale
    case heatmapStart = "heatmap.start", heatmapMid = "heatmap.mid", heatmapEnd = "heatmap.end"
    /// The diverging ramp of attributions (colour-blind safe: ColorBrewer PuOr's ends).
    case attributionNegative = "attribution.negative", attributionPositive = "attribution.positive"
    /// Categories told apart by colour (the projector's tags): Okabe & Ito's colour-blind-safe set.
    case category1 = "category.1", category2 = "category.2", category3 = "category.3", category4 = "category.4"
    case category5 = "category.5", category6 = "category.6", category7 = "category.7", category8 = "category.8"

    /// The categorical colours in order.
    public static let categories: [ThemeKey] = [
        .category1, .category2, .category3, .category4, .category5, .category6, .category7, .category8,
    ]
}

public struct ThemeError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ m: String) { message = m }
    public var description: String { message }
}

/// Finds themes: `Themes/` next to the executable's package, or `$BERTSCOPE_THEMES`.
public struct ThemeLibrary: Sendable {
    public let directories: [URL]

    public init(directories: [URL]) { self.directories = directories }

    public var names: [String] {
        var out = Set<String>()
        for d in directories {
            for f in (try? FileManager.default.contentsOfDirectory(atPath: d.path)) ?? [] where f.hasSuffix(".theme") {
                out.insert(String(f.dropLast(6)))
            }
        }
        return out.sorted()
    }

    /// Loads a theme by name (`dark`) or path (`./my.theme`).
    public func load(_ nameOrPath: String) throws -> Theme {
        let candidates =
            nameOrPath.contains("/")
            ? [URL(fileURLWithPath: nameOrPath)]
            : directories.map { $0.appendingPathComponent(nameOrPath + ".theme") }
        for url in candidates where FileManager.default.fileExists(atPath: url.path) {
            let text: String
            do { text = try SafeFile.text(url, limit: Limits.smallJSON) } catch {
                throw ThemeError("cannot read \(error)")
            }
            return try Theme.parse(text, source: url.lastPathComponent)
        }
        if nameOrPath == "default" { return .builtIn }
        throw ThemeError("no theme \"\(nameOrPath)\" (available: \(names.joined(separator: ", ")))")
    }
}
