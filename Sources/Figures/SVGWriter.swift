import Foundation

/// A figure as SVG 1.1: rectangles as <rect>, text as <text> (real text:
/// searchable, selectable, editable in a vector editor), hover values as
/// <title>.
public enum SVGWriter {
    /// The whole SVG as a String (small figures and tests; files stream with `write`).
    public static func svg(_ f: Figure, standalone: Bool = true) -> String {
        var out = ""
        try! write(f, standalone: standalone, to: &out)  // appending to a String cannot fail
        return out
    }

    /// Streams the SVG into `sink`, one element a line.
    public static func write<S: TextSink>(_ f: Figure, standalone: Bool = true, to sink: inout S) throws {
        if standalone { try sink.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n") }
        try sink.write(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(num(f.width))\" height=\"\(num(f.height))\" viewBox=\"0 0 \(num(f.width)) \(num(f.height))\">\n"
        )
        try sink.write(
            "<style>text{font-family:\(escape(f.fontFamily));white-space:pre}.m{font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace}</style>\n"
        )
        try sink.write("<rect width=\"100%\" height=\"100%\" fill=\"\(f.background)\"/>\n")
        for item in f.items {
            guard case .cells(let cells) = item else {
                try sink.write(element(item) + "\n")
                continue
            }
            for r in 0..<cells.rows {
                for c in 0..<cells.columns { try sink.write(element(cells.rect(r, c)) + "\n") }
            }
        }
        try sink.write("</svg>\n")
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
        case .cells(let cells):
            // `write` streams a matrix cell by cell; this joins them for a caller that wants one string.
            return (0..<cells.rows).flatMap { r in (0..<cells.columns).map { element(cells.rect(r, $0)) } }
                .joined(separator: "\n")
        }
    }

    /// Shortest exact-enough decimal: 2 places, trailing zeros cut (by
    /// integer arithmetic: String(format:) per coordinate made an overview
    /// of 70,000 cells take a second).
    static func num(_ v: Double) -> String { decimal(v, places: 2) }

    /// `v` rounded to `places` decimals (at most 9), trailing zeros cut; "0" for non-finite or negative zero.
    public static func decimal(_ v: Double, places: Int) -> String {
        guard v.isFinite, abs(v) < 1e15 else { return "0" }
        let scale = [1.0, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9][max(0, min(9, places))]
        let scaled = Int64((abs(v) * scale).rounded())
        guard scaled != 0 else { return "0" }
        let unit = Int64(scale)
        var whole = String(scaled / unit), fraction = scaled % unit
        if v < 0 { whole = "-" + whole }
        guard fraction != 0 else { return whole }
        var digits = places
        while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
        let f = String(fraction)
        return whole + "." + String(repeating: "0", count: digits - f.count) + f
    }

    /// `v` with exactly six decimals, as String(format: "%.6f") writes it.
    public static func fixed6(_ v: Float) -> String {
        let d = Double(v)
        guard d.isFinite, abs(d) < 1e12 else { return String(format: "%.6f", d) }
        // Ties to even, as printf rounds an exact half (0.9453125 → 0.945312).
        let scaled = Int64((abs(d) * 1e6).rounded(.toNearestOrEven))
        let f = String(scaled % 1_000_000)
        let sign = d < 0 && scaled != 0 ? "-" : ""
        return sign + String(scaled / 1_000_000) + "." + String(repeating: "0", count: 6 - f.count) + f
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
