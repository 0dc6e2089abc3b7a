import Figures
import Foundation
import Testing
import TestSupport

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `render`: figures of the real model's numbers, checked against `dump`.
@Suite struct RenderCLITests {
    let tiny = Fixtures.model("tiny-bert-pretraining").path
    let text = "he said that it was here"

    /// The attention values `dump` writes for layer `l`, head `h` (0-based), n × n.
    func attention(_ l: Int, _ h: Int) throws -> (n: Int, values: [Float]) {
        let out = try temporaryDirectory().appendingPathComponent("d")
        let r = try runProcess([try bertscopeBinary(), "dump", "--model", tiny, "--out", out.path, text])
        #expect(r.status == 0, "\(r.stderr)")
        let a = try readNPY(out.appendingPathComponent("attentions.npy"))
        let n = a.shape[2], start = ((l * a.shape[1] + h) * n) * n
        return (n, Array(a.values[start..<(start + n * n)]))
    }

    /// The dark theme's ramp (Themes/dark.theme: start → mid → end), as the pane colours √(p / max p).
    static func ramp(_ t: Float) -> (Int, Int, Int) {
        let stops = [(0x0b, 0x10, 0x26), (0x5a, 0x3f, 0xa0), (0xff, 0xd1, 0x66)]
        let (a, b, f) = t < 0.5 ? (stops[0], stops[1], t * 2) : (stops[1], stops[2], (t - 0.5) * 2)
        func m(_ x: Int, _ y: Int) -> Int { Int(Float(x) + (Float(y) - Float(x)) * f) }
        return (m(a.0, b.0), m(a.1, b.1), m(a.2, b.2))
    }

    @Test func svgHasOneCellPerEntryInTheThemesColour() throws {
        let (n, values) = try attention(1, 2)
        let svg = try temporaryDirectory().appendingPathComponent("a.svg")
        let r = try runProcess([
            try bertscopeBinary(), "render", "--model", tiny, "--view", "attention", "--layer", "2", "--head", "3",
            "--format", "svg", "--out", svg.path, text,
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let source = try String(contentsOf: svg, encoding: .utf8)
        final class Cells: NSObject, XMLParserDelegate {
            var fills: [String] = [], titles: [String] = [], labels: [String] = []
            var inTitle = false, inText = false
            func parser(
                _ p: XMLParser, didStartElement e: String, namespaceURI: String?, qualifiedName: String?,
                attributes a: [String: String] = [:]
            ) {
                if e == "rect" { fills.append(a["fill"] ?? "") }
                if e == "title" { inTitle = true; titles.append("") }
                if e == "text" { inText = true; labels.append("") }
            }
            func parser(_ p: XMLParser, foundCharacters s: String) {
                if inTitle { titles[titles.count - 1] += s } else if inText { labels[labels.count - 1] += s }
            }
            func parser(_ p: XMLParser, didEndElement e: String, namespaceURI: String?, qualifiedName: String?) {
                if e == "title" { inTitle = false } else if e == "text" { inText = false }
            }
        }
        let parser = XMLParser(data: Data(source.utf8)), cells = Cells()
        parser.delegate = cells
        #expect(parser.parse(), "well-formed XML")
        #expect(cells.titles.count == n * n, "one cell per matrix entry")
        // The cells are the rects with a title, in row-major order after the background.
        let cellFills = Array(cells.fills.dropFirst().prefix(n * n))
        let top = values.max()!
        for (k, fill) in cellFills.enumerated() {
            let (r, g, b) = Self.ramp((values[k] / top).squareRoot())
            let hex = Array(fill.dropFirst()).map { String($0) }.joined()
            let got = (
                Int(hex.prefix(2), radix: 16)!, Int(hex.dropFirst(2).prefix(2), radix: 16)!,
                Int(hex.suffix(2), radix: 16)!
            )
            #expect(abs(got.0 - r) <= 1 && abs(got.1 - g) <= 1 && abs(got.2 - b) <= 1, "cell \(k): \(fill)")
            #expect(cells.titles[k].hasSuffix(String(format: "p = %.6f", values[k])), "\(cells.titles[k])")
        }
        for token in ["[CLS]", "said", "##e", "[SEP]"] { #expect(cells.labels.contains(token), "label \(token)") }
    }

    @Test func pngDecodesToTheFiguresSize() throws {
        let dir = try temporaryDirectory()
        for (view, extra) in [("attention", [String]()), ("overview", []), ("tokens", ["--width", "100"])] {
            let svg = dir.appendingPathComponent("\(view).svg"), png = dir.appendingPathComponent("\(view).png")
            for (format, url) in [("svg", svg), ("png", png)] {
                let r = try runProcess(
                    [
                        try bertscopeBinary(), "render", "--model", tiny, "--view", view, "--format", format, "--scale",
                        "1.5",
                    ]
                        + extra + ["--out", url.path, text])
                #expect(r.status == 0, "\(view) \(format): \(r.stderr)")
            }
            let source = try String(contentsOf: svg, encoding: .utf8)
            func attribute(_ name: String) -> Double {
                let r = source.range(of: " \(name)=\"")!
                return Double(source[r.upperBound...].prefix { $0 != "\"" })!
            }
            let image = try PNGFile.read(png.path)
            #expect(image.width == Int((attribute("width") * 1.5).rounded(.up)), "\(view)")
            #expect(image.height == Int((attribute("height") * 1.5).rounded(.up)), "\(view)")
        }
    }

    /// Every view in every format writes a file that reads back (SVG and HTML parse, PNG decodes, text has the pane).
    @Test func everyViewInEveryFormat() throws {
        let dir = try temporaryDirectory()
        var runs: [(model: String, view: String, text: String, title: String)] = [
            (tiny, "tokens", text, "Tokens (9)"), (tiny, "attention", "he said [MASK] was here", "Attention"),
            (tiny, "overview", text, "All heads"), (tiny, "rollout", text, "rollout"),
            (tiny, "predictions", "he said [MASK] was here", "Predictions"), (tiny, "probing", text, "Probing"),
        ]
        if let minilm = Fixtures.defaultModel() {
            runs.append((minilm.path, "explain", "The movie was absolutely terrible", "Classification"))
        }
        for run in runs {
            for format in ["svg", "png", "html", "txt", "ansi"] {
                let out = dir.appendingPathComponent("\(run.view).\(format)")
                let r = try runProcess([
                    try bertscopeBinary(), "render", "--model", run.model, "--view", run.view, "--format", format,
                    "--out", out.path, run.text,
                ])
                #expect(r.status == 0, "\(run.view) \(format): \(r.stderr)")
                switch format {
                case "png": #expect(try PNGFile.read(out.path).width > 100, "\(run.view)")
                case "svg", "html":
                    let source = try String(contentsOf: out, encoding: .utf8)
                    let svg =
                        format == "svg"
                        ? source
                        : String(source[source.range(of: "<svg")!.lowerBound..<source.range(of: "</svg>")!.upperBound])
                    #expect(XMLParser(data: Data(svg.utf8)).parse(), "\(run.view) \(format) parses")
                default:
                    let shown = try String(contentsOf: out, encoding: .utf8)
                    #expect(shown.contains(run.title), "\(run.view) \(format): \(shown.prefix(200))")
                }
            }
        }
    }

    /// A pane's figure is cropped to what it holds (no screen of blank rows under a few lines)
    /// and has no keys' hints, which mean nothing on paper.
    @Test func paneFiguresAreCroppedWithoutKeyHints() throws {
        var runs = [
            ("probing", tiny, text), ("predictions", tiny, "he said [MASK] was here"),
            ("predictions", tiny, "he [MASK] [MASK] was here"), ("predictions", tiny, "he said it was here"),
        ]
        if let minilm = Fixtures.defaultModel() { runs.append(("explain", minilm.path, "The movie was terrible")) }
        for (view, model, sentence) in runs {
            let r = try runProcess([
                try bertscopeBinary(), "render", "--model", model, "--view", view, "--format", "txt", "--height", "60",
                sentence,
            ])
            #expect(r.status == 0, "\(r.stderr)")
            let lines = r.stdout.split(separator: "\n").map(String.init)
            let inner = lines.dropFirst().dropLast().map { $0.dropFirst().dropLast() }
            #expect(lines.count < 30 && !(inner.last?.allSatisfy { $0 == " " } ?? true), "\(view): \(r.stdout)")
            for hint in ["e method", "←→", "r shows", "press ", "Esc closes", "r switches", "b: new seed"] {
                #expect(!r.stdout.contains(hint), "\(view): \(hint)")
            }
        }
    }

    @Test func htmlTextCSVAndErrors() throws {
        let html = try temporaryDirectory().appendingPathComponent("a.html")
        var r = try runProcess([
            try bertscopeBinary(), "render", "--model", tiny, "--view", "rollout", "--format", "html", "--out",
            html.path,
            text,
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let page = try String(contentsOf: html, encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>") && page.contains("rollout through layer 3"))
        for reference in ["src=", "href=", "url(", "@import", "<link", "https://"] {
            #expect(!page.contains(reference))
        }
        // Text formats go to stdout: the tokens pane as drawn.
        r = try runProcess([
            try bertscopeBinary(), "render", "--model", tiny, "--view", "tokens", "--format", "txt", text,
        ])
        #expect(
            r.status == 0 && r.stdout.contains("Tokens (9)")
                && r.stdout.contains("[CLS] he said that it was her·e [SEP]"))
        r = try runProcess([
            try bertscopeBinary(), "render", "--model", tiny, "--view", "tokens", "--format", "ansi", text,
        ])
        #expect(r.stdout.contains("\u{1B}[0;38;2;"))
        // CSV: the tokens as headers and dump's numbers.
        let (n, values) = try attention(0, 0)
        r = try runProcess([try bertscopeBinary(), "render", "--model", tiny, "--view", "attention", "--csv", text])
        let rows = r.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(
            rows.count == n + 1
                && rows[0].map(String.init) == [
                    "query \\ key", "[CLS]", "he", "said", "that", "it", "was", "her", "##e", "[SEP]",
                ])
        for i in 0..<n {
            for j in 0..<n { #expect(abs(Float(rows[i + 1][j + 1])! - values[i * n + j]) < 1e-5) }
        }
        for (args, message) in [
            (["--view", "tokens", "--csv"], "--csv is for one matrix"),
            (["--view", "attention", "--layer", "9"], "--layer 9: the model has layers 1…3"),
            (["--view", "attention", "--kind", "sideways"], "--kind is one of"),
        ] {
            let e = try runProcess([try bertscopeBinary(), "render", "--model", tiny] + args + [text])
            #expect(e.status != 0 && e.stderr.contains(message), "\(args): \(e.stderr)")
        }
    }

    /// The corpus views render from an index (`--corpus`), at its layer, for the chosen token; a
    /// corpus view without an index, or an index for another view, is a one-line error.
    @Test func corpusViewsRenderFromAnIndex() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("c.txt")
        try Data("he said that it was here\nit was said\nhere it is\n".utf8).write(to: file)
        let index = dir.appendingPathComponent("idx").path
        let built = try runProcess([
            try bertscopeBinary(), "corpus", "index", "--model", tiny, "--out", index, file.path,
        ])
        #expect(built.status == 0, "\(built.stderr)")
        let render = [try bertscopeBinary(), "render", "--model", tiny, "--format", "txt", "--width", "90"]
        let corpus = try runProcess(
            render + ["--view", "corpus", "--corpus", index, "--token", "2", "--layer", "0", text])
        #expect(corpus.status == 0, "\(corpus.stderr)")
        #expect(corpus.stdout.contains("corpus neighbours") && corpus.stdout.contains("\"said\" (2) at layer [emb]"))
        #expect(corpus.stdout.contains("1.000  he said that it was here"), "the token itself, at the embedding output")
        let projector = try runProcess(render + ["--view", "projector", "--corpus", index, "--sentences", text])
        #expect(projector.status == 0 && projector.stdout.contains("· sentences · ◆ typed"), "\(projector.stderr)")
        let svg = dir.appendingPathComponent("p.svg")
        let figure = try runProcess(
            [
                try bertscopeBinary(), "render", "--model", tiny, "--view", "projector", "--corpus", index, "--out",
                svg.path, text,
            ])
        #expect(figure.status == 0, "\(figure.stderr)")
        #expect(try String(contentsOf: svg, encoding: .utf8).contains("PC1"))
        let missing = try runProcess(render + ["--view", "projector", text])
        #expect(missing.status == 1 && missing.stderr.contains("needs --corpus DIR"))
        let stray = try runProcess(render + ["--view", "tokens", "--corpus", index, text])
        #expect(stray.status == 1 && stray.stderr.contains("--corpus is for --view corpus, projector or dataset"))
        let layer = try runProcess(render + ["--view", "corpus", "--corpus", index, "--layer", "2", text])
        #expect(layer.status == 1 && layer.stderr.contains("is not in the index"), "\(layer.stderr)")
    }
}
