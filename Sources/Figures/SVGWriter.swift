import Foundation

/// A figure as SVG 1.1: rectangles as <rect>, text as <text> (real text:
/// searchable, selectable, editable in a vector editor), hover values as
/// <title>.
public enum SVGWriter {
    public static func svg(_ f: Figure, standalone: Bool = true) -> String {
        var out: [String] = []
        if standalone { out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>") }
        out.append(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(num(f.width))\" height=\"\(num(f.height))\" viewBox=\"0 0 \(num(f.width)) \(num(f.height))\">"
        )
        out.append(
            "<style>text{font-family:\(escape(f.fontFamily));white-space:pre}.m{font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace}</style>"
        )
        out.append("<rect width=\"100%\" height=\"100%\" fill=\"\(f.background)\"/>")
        for item in f.items { out.append(element(item)) }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    static func element(_ item: Figure.Item) -> String {
        switch item {
        case .rect(let x, let y, let w, let h, let fill, let title):
            let attrs = "x=\"\(num(x))\" y=\"\(num(y))\" width=\"\(num(w))\" height=\"\(num(h))\" fill=\"\(fill)\""
            guard let title else { return "<rect \(attrs)/>" }
            return "<rect \(attrs)><title>\(escape(title))</title></rect>"
        case .text(let t):
            var attrs = "x=\"\(num(t.x))\" y=\"\(num(t.y))\" font-size=\"\(num(t.size))\" fill=\"\(t.color)\""
            if t.bold { attrs += " font-weight=\"bold\"" }
            if t.anchor != .start { attrs += " text-anchor=\"\(t.anchor.rawValue)\"" }
            if t.rotated { attrs += " transform=\"rotate(-90 \(num(t.x)) \(num(t.y)))\"" }
            if let w = t.fitWidth { attrs += " textLength=\"\(num(w))\" lengthAdjust=\"spacingAndGlyphs\"" }
            if t.monospace { attrs += " class=\"m\"" }
            return "<text \(attrs)>\(escape(t.string))</text>"
        case .line(let x1, let y1, let x2, let y2, let color, let width):
            return
                "<line x1=\"\(num(x1))\" y1=\"\(num(y1))\" x2=\"\(num(x2))\" y2=\"\(num(y2))\" stroke=\"\(color)\" stroke-width=\"\(num(width))\"/>"
        }
    }

    /// Shortest exact-enough decimal: 2 places, trailing zeros cut.
    static func num(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        var s = String(format: "%.2f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s == "-0" ? "0" : s
    }

    /// XML text and attribute escaping; characters XML 1.0 cannot hold become U+FFFD.
    public static func escape(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                let v = u.value
                let legal =
                    v == 0x9 || v == 0xA || v == 0xD || (0x20...0xD7FF).contains(v) || (0xE000...0xFFFD).contains(v)
                    || (0x10000...0x10FFFF).contains(v)
                out.unicodeScalars.append(legal ? u : "\u{FFFD}")
            }
        }
        return out
    }
}
