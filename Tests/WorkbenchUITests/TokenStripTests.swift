import Testing
@testable import WorkbenchUI

/// The tokens pane's strip of the text: lines break between words, a word's
/// pieces stay joined by `·`, and masked pieces are marked.
@Suite struct TokenStripTests {
    static let theme = try! shippedThemes.load("dark")

    /// "… cafe - go·ers ." at every width: no word is split across lines, no joiner dropped.
    @Test func wrapsBetweenWordsKeepingJoiners() {
        let pieces: [(String, Bool)] = [
            ("[CLS]", false), ("The", false), ("playwright", false), ("'", false), ("s", false), ("una", false),
            ("ffa", true), ("ble", true), ("protagonists", false), ("were", false), ("naive", false), ("cafe", false),
            ("-", false), ("go", false), ("ers", true), (".", false), ("[SEP]", false),
        ]
        let rows = pieces.enumerated().map { i, p in
            TokensView.Row(
                piece: p.0, spanText: p.0, id: i, word: i, typeId: 0, kind: .wordA, joinsPrevious: p.1)
        }
        for width in 32...70 {
            var c = Canvas(width: width, height: 17, theme: Self.theme, colorMode: .xterm256)
            TokensPane.render(
                TokensView(rows: rows), TokensState(), Rect(x: 0, y: 0, width: width, height: 17), focused: true,
                into: &c)
            let strip = (1...3).map { c.grid.line($0).dropFirst().dropLast() }
            for word in ["una·ffa·ble", "go·ers", "protagonists", "[SEP]"] {
                #expect(strip.contains { $0.contains(word) }, "width \(width): \(word) whole in \(strip)")
            }
            #expect(!strip.contains { $0.hasSuffix("·") || $0.trimmingCharacters(in: .whitespaces).hasSuffix("go") })
        }
    }

    /// `M` masks a whole word: each of its pieces is marked in the strip, not only the selected one.
    @Test func maskedPiecesAreMarked() throws {
        let w = makeWorkbench("thes of a")  // "thes" = the + ##s
        w.press(.escape, .char("M"))
        #expect(w.state.masked == [1, 2])
        let g = w.render(width: 120, height: 40)
        let y = try #require((0..<g.height).first { g.line($0).contains("[CLS] the·s of a [SEP]") })
        let x0 = try #require(g.line(y).range(of: "the·s")).lowerBound.utf16Offset(in: g.line(y))
        let mask = Self.theme.style(.specialToken, [.reverse])
        for x in [x0, x0 + 4] {
            #expect(g[x, y].style.fg == mask.fg && g[x, y].style.attributes.contains(.reverse), "column \(x)")
        }
    }
}
