@testable import Figures
import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Collects every element of an XML document (name, attributes, text inside).
final class XMLElements: NSObject, XMLParserDelegate {
    struct Element { var name: String, attributes: [String: String], text = "" }
    var elements: [Element] = []
    private var open: [Int] = []

    static func parse(_ s: String) -> [Element]? {
        let p = XMLParser(data: Data(s.utf8)), d = XMLElements()
        p.delegate = d
        return p.parse() ? d.elements : nil
    }

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        elements.append(Element(name: name, attributes: attributes))
        open.append(elements.count - 1)
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let i = open.last { elements[i].text += string }
    }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        open.removeLast()
    }
}

/// The figure writers on hand-made figures: SVG that parses, PNG that
/// decodes to the size asked for with the right pixels, HTML that fetches nothing.
@Suite struct FigureWriterTests {
    /// A 3 × 3 heatmap with awkward labels (markup characters, CJK, a control character).
    static func heatmap() -> HeatmapFigure {
        let values: [Float] = [0.5, 0.25, 0.25, 0, 1, 0, 0.1, 0.2, 0.7]
        var h = HeatmapFigure(
            values: values, rows: 3, columns: 3, rowLabels: ["<a>", "東京", "x\u{1}y"],
            columnLabels: ["<a>", "東京", "x\u{1}y"], title: "test & check",
            colour: { RGB(UInt8(255 * $0), 0, UInt8(255 * (1 - $0))) }, scaled: { $0 })
        h.ticks = [0, 0.5, 1]
        return h
    }

    @Test func svgParsesWithOneRectanglePerEntryInItsColour() throws {
        let h = Self.heatmap()
        let svg = SVGWriter.svg(h.figure)
        let elements = try #require(XMLElements.parse(svg), "the SVG is well-formed XML")
        let cells = elements.enumerated().filter { $0.element.name == "rect" }.compactMap { i, e -> (String, String)? in
            guard i + 1 < elements.count, elements[i + 1].name == "title" else { return nil }
            return (e.attributes["fill"] ?? "", elements[i + 1].text)
        }
        #expect(cells.count == 9)
        for (k, (fill, title)) in cells.enumerated() {
            let v = h.values[k]
            #expect(fill == RGB(UInt8(255 * v), 0, UInt8(255 * (1 - v))).description, "cell \(k)")
            #expect(title.hasSuffix(String(format: "= %.6f", v)))
        }
        let texts = elements.filter { $0.name == "text" }.map(\.text)
        #expect(texts.contains("<a>") && texts.contains("東京") && texts.contains("x\u{FFFD}y"))
        #expect(texts.contains("test & check"))
        #expect(
            elements.first?.attributes["viewBox"]
                == "0 0 \(SVGWriter.num(h.figure.width)) \(SVGWriter.num(h.figure.height))")
    }

    @Test func pngRoundTripsThroughLibpng() throws {
        let fonts = try FontSet.shared.get()
        let f = Self.heatmap().figure
        let raster = try Rasterizer.raster(f, scale: 2, fonts: fonts)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bertscope-\(UUID()).png")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(PNGFile.encode(raster)).write(to: url)
        let back = try PNGFile.read(url.path)
        #expect(back.width == Int((f.width * 2).rounded(.up)) && back.height == Int((f.height * 2).rounded(.up)))
        #expect(back == raster, "lossless")
        // Each cell's centre has its colour; the background is the figure's.
        guard case .cells(let cells)? = f.items.first(where: { if case .cells = $0 { true } else { false } }),
            case .rect(let x, let y, let w, let hgt, let fill, _) = cells.rect(0, 0)
        else { Issue.record("no cell"); return }
        #expect(back.pixel(Int((x + w / 2) * 2), Int((y + hgt / 2) * 2)) == fill)
        #expect(back.pixel(1, back.height - 2) == f.background)
        // Text is drawn: the title's row has pixels brighter than the background.
        #expect((0..<back.width).contains { back.pixel($0, 36).r > 200 })
    }

    @Test func aCorruptPNGIsAOneLineError() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bertscope-\(UUID()).png")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]).write(to: url)
        #expect(throws: FigureError.self) { try PNGFile.read(url.path) }
        #expect(throws: FigureError.self) {
            try Rasterizer.raster(
                Figure(width: 1e6, height: 1e6, background: .black), scale: 2, fonts: try FontSet.shared.get())
        }
    }

    @Test func htmlIsSelfContained() throws {
        let html = HTMLWriter.html(Self.heatmap().figure, title: "a <test>")
        #expect(html.contains("<title>a &lt;test&gt;</title>") && html.contains("<svg"))
        for reference in ["src=", "href=", "url(", "@import", "<link", "https://"] {
            #expect(!html.contains(reference), "\(reference)")
        }
        // The only URL is the SVG namespace, which no browser fetches.
        #expect(
            html.components(separatedBy: "http").count - 1 == 1 && html.contains("xmlns=\"http://www.w3.org/2000/svg\"")
        )
    }

    /// The SVG of a small case, byte for byte (regenerate with BERTSCOPE_UPDATE_FRAMES=1).
    @Test func svgGolden() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "Goldens/heatmap-3x3.svg")
        let svg = SVGWriter.svg(Self.heatmap().figure)
        if ProcessInfo.processInfo.environment["BERTSCOPE_UPDATE_FRAMES"] != nil {
            try Data(svg.utf8).write(to: url)
        }
        #expect(svg == (try String(contentsOf: url, encoding: .utf8)))
    }
}

/// The fast number formatting agrees with printf.
@Suite struct NumberFormatTests {
    @Test func decimalsMatchPrintf() {
        for v in [0, 0.004, 0.005, 0.015, 1, 1.5, 12.345, -0.004, -3.25, 99.999, 1234.5678, 0.1 + 0.2] as [Double] {
            var s = String(format: "%.2f", v)
            while s.contains("."), s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
            if s == "-0" { s = "0" }
            #expect(
                SVGWriter.decimal(v, places: 2) == s
                    || abs(Double(SVGWriter.decimal(v, places: 2))! - v) <= 0.005 + 1e-12, "\(v)")
        }
        var g = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let v = Float.random(in: -2...2, using: &g)
            #expect(
                SVGWriter.fixed6(v) == String(format: "%.6f", Double(v))
                    || Double(SVGWriter.fixed6(v))! == Double(String(format: "%.6f", Double(v)))!, "\(v)")
        }
        #expect(SVGWriter.fixed6(0.5) == "0.500000" && SVGWriter.fixed6(-0.0000001) == "0.000000")
        // Exact halves (k/128) round to even, as printf does (the random draw above found -0.9453125).
        for v: Float in [0.9453125, -0.9453125, 0.0078125, 1.0234375] {
            #expect(SVGWriter.fixed6(v) == String(format: "%.6f", Double(v)), "\(v)")
        }
    }
}
