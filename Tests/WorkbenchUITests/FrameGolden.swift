import Foundation
import TestSupport
@testable import WorkbenchUI

/// Whole frames as golden text files: the glyphs, then a style layer (one
/// letter per cell) and its legend, so a changed colour or attribute shows
/// in the diff as plainly as a moved character. Regenerate with
/// `Tests/WorkbenchUITests/update-frames.sh` and review the diff.
enum FrameGolden {
    static let directory = Fixtures.packageRoot.appendingPathComponent("Tests/WorkbenchUITests/Frames")
    static var updating: Bool { ProcessInfo.processInfo.environment["BERTSCOPE_UPDATE_FRAMES"] == "1" }

    /// The grid as golden text.
    static func text(_ g: CellGrid, theme: Theme) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var letters: [Style: Character] = [:], legend: [String] = []
        var glyphs: [String] = [], styles: [String] = []
        for y in 0..<g.height {
            var line = "", layer = ""
            for x in 0..<g.width {
                let c = g[x, y]
                if !c.isContinuation { line += c.glyph }
                let letter: Character
                if let l = letters[c.style] {
                    letter = l
                } else if letters.count < alphabet.count {
                    letter = alphabet[letters.count]
                    letters[c.style] = letter
                    legend.append("\(letter) \(describe(c.style, theme))")
                } else {
                    letter = "~"
                }
                layer.append(letter)
            }
            glyphs.append(line + "|")
            styles.append(layer)
        }
        return (glyphs + ["--- styles"] + styles + ["--- legend"] + legend).joined(separator: "\n") + "\n"
    }

    /// A style by its theme names where it has them ("fg accent bg default bold").
    static func describe(_ s: Style, _ theme: Theme) -> String {
        func name(_ c: Color) -> String {
            if let k = ThemeKey.allCases.first(where: { theme.color($0) == c }) { return k.rawValue }
            switch c {
            case .terminalDefault: return "default"
            case .indexed(let i): return "\(i)"
            case .rgb(let r, let g, let b): return String(format: "#%02X%02X%02X", r, g, b)
            }
        }
        var attrs: [String] = []
        if s.attributes.contains(.bold) { attrs.append("bold") }
        if s.attributes.contains(.reverse) { attrs.append("reverse") }
        if s.attributes.contains(.underline) { attrs.append("underline") }
        if s.attributes.contains(.dim) { attrs.append("dim") }
        return (["fg \(name(s.fg))", "bg \(name(s.bg))"] + attrs).joined(separator: " ")
    }

    /// Compares with `Frames/NAME.txt` (or writes it when updating); returns a problem, if any.
    static func check(_ name: String, _ g: CellGrid, theme: Theme) -> String? {
        let url = directory.appendingPathComponent(name + ".txt")
        let actual = text(g, theme: theme)
        if updating {
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try? actual.write(to: url, atomically: false, encoding: .utf8)
            return nil
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            return "no golden frame \(url.lastPathComponent): run Tests/WorkbenchUITests/update-frames.sh"
        }
        guard expected != actual else { return nil }
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false),
            e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let first = zip(a, e).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, e.count)
        return
            "\(name): line \(first + 1) differs\n  expected: \(first < e.count ? String(e[first]) : "<end>")\n  actual:   \(first < a.count ? String(a[first]) : "<end>")"
    }
}
