import Figures
import Foundation
import Testing
import TestSupport

/// `render` at a model's full 512 tokens: figures are pooled past a readable
/// size (and say so), written in bounded memory, and a PNG too large for its
/// limits is a one-line error naming a scale that fits.
@Suite struct LongFigureTests {
    /// 1 GB of address space: the tiny model needs far less, the unbounded figures far more.
    let limit = 1 << 20

    func render(_ model: URL, _ args: [String]) throws -> ProcessOutput {
        try runBertscope(
            limitKB: limit, ["render", "--model", model.path] + args + [Fixtures.longText(words: 700)])
    }

    func count(_ needle: String, in url: URL) throws -> Int {
        try String(contentsOf: url, encoding: .utf8).components(separatedBy: needle).count - 1
    }

    @Test func theOverviewOf512TokensIsPooledAndSaysSo() throws {
        let model = try Fixtures.longModel("tiny-bert-pretraining"), dir = try temporaryDirectory()
        let svg = dir.appendingPathComponent("o.svg")
        let r = try render(model, ["--view", "overview", "--format", "svg", "--out", svg.path])
        #expect(r.status == 0 && r.endedCleanly, "\(r.stderr.prefix(300))")
        // 3 layers × 4 heads: 96 rows a panel at most, so 6×6 blocks.
        #expect(try count("pooled 6×6: 512 tokens shown as 86 rows", in: svg) == 1)
        #expect(try count("<title>", in: svg) == 12 * 86 * 86)
        #expect(try count("<title>layer 1 head 1 [0–5, 6–11] mean = ", in: svg) == 1)
        let png = dir.appendingPathComponent("o.png")
        let p = try render(model, ["--view", "overview", "--format", "png", "--out", png.path])
        #expect(p.status == 0 && p.endedCleanly, "\(p.stderr.prefix(300))")
    }

    @Test func theHeatmapOf512TokensIsPooledAndItsPNGWritten() throws {
        let model = try Fixtures.longModel("tiny-bert-pretraining"), dir = try temporaryDirectory()
        let svg = dir.appendingPathComponent("h.svg"), png = dir.appendingPathComponent("h.png")
        for (format, url) in [("svg", svg), ("png", png)] {
            let r = try render(model, ["--view", "attention", "--format", format, "--scale", "1", "--out", url.path])
            #expect(r.status == 0 && r.endedCleanly, "\(format): \(r.stderr.prefix(300))")
        }
        #expect(try count("pooled 2×2: 512 tokens shown as 256 rows", in: svg) == 1)
        #expect(try count("<title>", in: svg) == 256 * 256)
        // The subtitle quotes the start of the text, not all of it: the figure stays a page wide.
        let source = try String(contentsOf: svg, encoding: .utf8)
        let width = try #require(source.range(of: " width=\"")).upperBound
        #expect(try #require(Double(source[width...].prefix { $0 != "\"" })) < 6000)
        #expect(try PNGFile.read(png.path).width > 1000)
    }

    @Test func aPNGOverItsLimitIsOneLineNamingAScaleThatFits() throws {
        let model = try Fixtures.longModel("tiny-bert-pretraining")
        let out = try temporaryDirectory().appendingPathComponent("h.png")
        let r = try render(model, ["--view", "attention", "--format", "png", "--scale", "8", "--out", out.path])
        #expect(r.status == 1 && r.endedCleanly, "\(r.stderr.prefix(300))")
        #expect(r.stderr.contains("too large") && r.stderr.contains("or less fits (--scale)"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }
}
