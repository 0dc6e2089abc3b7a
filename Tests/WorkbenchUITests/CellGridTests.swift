import PropertyBased
import Testing
import TextCells
@testable import WorkbenchUI

/// The grid is what the terminal shows, so it must never hold half a wide
/// glyph, and a frame sent as a diff must look exactly like a full repaint.
@Suite struct CellGridTests {
    static let pieces = ["a", "東京", "👍🏽", "👩‍👩‍👧", "e\u{301}", "\u{200D}", "│", "ab 日本 c", "🇫🇷", "x\u{FE0F}", "     ", "ẞ"]

    @Test func joinedEmojiDrawAsTheirFirstScalar() {
        var g = CellGrid(width: 10, height: 1)
        g.put("|👩‍👩‍👧|", x: 0, y: 0)
        #expect(
            g.line(0) == "|👩|      ",
            "a family emoji draws as its first person, two cells, and the border after it stays")
        #expect(!g.line(0).unicodeScalars.contains("\u{200D}"))
    }

    @Test func cuttingAWideGlyphBlanksItsOtherHalf() {
        var g = CellGrid(width: 6, height: 1)
        g.put("東京", x: 0, y: 0)
        g.put("x", x: 1, y: 0)  // over the right half of 東
        #expect(g.line(0) == " x京  ")
        g.put("y", x: 2, y: 0)  // over the left half of 京
        #expect(g.line(0) == " xy   ")
    }

    @Test func cutTextEndsInAnEllipsisAndNumbersStayWhole() {
        var g = CellGrid(width: 12, height: 1)
        g.put("a long title here", x: 0, y: 0, clip: Rect(x: 0, y: 0, width: 8, height: 1), ellipsis: true)
        #expect(g.line(0) == "a long …    ")
        var c = Canvas(width: 20, height: 1, theme: .builtIn, colorMode: .xterm256)
        c.segments(
            ["H 2.27", " │ prev 5%", " self 12%"], x: 0, y: 0, Style(), clip: Rect(x: 0, y: 0, width: 20, height: 1))
        #expect(c.grid.line(0) == "H 2.27 │ prev 5% …  ", "self 12% does not fit whole, so it is left out, not cut")
    }

    /// A long text's per-window line: items whole, wrapped, the rest counted.
    @Test func windowSegmentsWrapWholeAndCountTheRest() {
        var c = Canvas(width: 30, height: 6, theme: .builtIn, colorMode: .xterm256)
        var w = PredictionsPane.Writer(area: Rect(x: 0, y: 0, width: 30, height: 6))
        let items = (1...12).map { "\($0) negative 9\($0 % 10)%" }
        w.segments(TaskPanel.Segments("by window:", items), Style(), &c)
        let lines = (0..<3).map { c.grid.line($0).trimmingCharacters(in: .whitespaces) }
        #expect(w.y == 3 && c.grid.line(3).trimmingCharacters(in: .whitespaces).isEmpty)
        #expect(lines[0] == "by window: 1 negative 91% ·" && lines[1] == "2 negative 92% ·")
        // Shown items and the count add up to every window; no item is cut.
        let shown = lines.joined(separator: " ").components(separatedBy: "negative").count - 1
        let rest = Int(lines[2].components(separatedBy: "… ").last?.components(separatedBy: " ").first ?? "") ?? 0
        #expect(lines[2].hasSuffix("more") && shown + rest == 12, "\(lines)")
    }

    @Test func everyWriteKeepsTheGridWhole() async {
        await propertyCheck(count: 500, input: Gen.int(in: 0...9_999).array(of: 1...40)) { ops in
            var g = CellGrid(width: 13, height: 3)
            var shown = Screen(width: 13, height: 3)
            var previous: CellGrid? = nil
            for op in ops {
                let text = Self.pieces[op % Self.pieces.count]
                g.put(
                    text, x: (op / 12) % 15 - 1, y: (op / 180) % 3,
                    clip: op % 7 == 0 ? Rect(x: 2, y: 0, width: 5, height: 3) : nil)
                Self.checkWhole(g)
                // The terminal gets only the changed cells; it must end up showing what a repaint shows.
                shown.apply(g, changes: g.changes(since: previous))
                previous = g
                #expect(shown == Screen(repainting: g), "diff output differs from a full repaint")
            }
        }
    }

    static func checkWhole(_ g: CellGrid) {
        for y in 0..<g.height {
            for x in 0..<g.width {
                let c = g[x, y]
                if c.isContinuation {
                    #expect(
                        x > 0 && displayWidth(g[x - 1, y].glyph) == 2, "continuation without its glyph at \(x),\(y)")
                }
                if displayWidth(c.glyph) == 2 {
                    #expect(x + 1 < g.width && g[x + 1, y].isContinuation, "wide glyph cut at \(x),\(y)")
                }
            }
        }
    }
}

/// A terminal as the diff writer drives it: glyphs at positions; a wide glyph
/// covers the next column; writing into half of a wide glyph erases the other half.
struct Screen: Equatable {
    var rows: [[String]]

    init(width: Int, height: Int) { rows = Array(repeating: Array(repeating: " ", count: width), count: height) }

    init(repainting g: CellGrid) {
        self.init(width: g.width, height: g.height)
        apply(g, changes: (0..<g.height).flatMap { y in (0..<g.width).map { (x: $0, y: y) } })
    }

    mutating func apply(_ g: CellGrid, changes: [(x: Int, y: Int)]) {
        for (x, y) in changes where !g[x, y].isContinuation { write(g[x, y].glyph, x, y) }
    }

    private mutating func write(_ glyph: String, _ x: Int, _ y: Int) {
        let w = max(1, displayWidth(glyph))
        if rows[y][x] == "" && x > 0 { rows[y][x - 1] = " " }  // into the right half of a wide glyph
        if x + 1 < rows[y].count && rows[y][x + 1] == "" { rows[y][x + 1] = " " }  // over a wide glyph's left half
        rows[y][x] = glyph
        if w == 2 && x + 1 < rows[y].count {
            if x + 2 < rows[y].count && rows[y][x + 2] == "" { rows[y][x + 2] = " " }
            rows[y][x + 1] = ""
        }
    }
}
