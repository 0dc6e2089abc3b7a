import Testing
import TextCells

/// Text laid out in terminal cells: what the workbench draws and the
/// command line prints must take the columns it says it takes.
@Suite struct TextCellsTests {
    @Test func joinedEmojiTakeTheWidthOfTheirFirstScalar() {
        #expect(
            displayWidth("👩‍👩‍👧") == 2 && displayWidth("👍🏽") == 2 && displayWidth("e\u{301}") == 1 && displayWidth("東京") == 4
        )
        #expect(displayWidth("a\u{7}b") == 2, "a control character takes no column")
    }

    @Test func fittingPadsOrCutsWithoutHalfAGlyph() {
        #expect(fit("ab", 4) == "ab  " && fit("abc", 2) == "ab")
        #expect(fit("東京都", 5) == "東京 ", "a wide glyph that does not fit whole is left out and padded")
        #expect(fit("e\u{301}x", 3) == "e\u{301}x ", "a combining mark stays with its letter")
        for text in ["東京都", "cafe\u{301} au lait", "👩‍👩‍👧 x", "a\u{200D}b"] {
            for width in 0...8 { #expect(displayWidth(fit(text, width)) == width, "\(text) at \(width)") }
        }
    }

    @Test func cutTextEndsInAnEllipsis() {
        #expect(truncated("Attention · layer 1/6", to: 10) == "Attention…" && truncated("short", to: 10) == "short")
        #expect(truncated("東京都", to: 4) == "東…" && truncated("東京都", to: 5) == "東京…")
        #expect(truncated("cafe\u{301} au lait", to: 6) == "cafe\u{301} …")
        #expect(truncated("abc", to: 0) == "")
        for width in 1...8 { #expect(displayWidth(truncated("東京 café 東京", to: width)) <= width) }
    }

    @Test func wordWrapKeepsWordsWholeAndColumnsAligned() {
        #expect(wordWrap("the quick brown fox", 9) == ["the quick", "brown fox"])
        #expect(wordWrap("  a    b", 20) == ["  a    b"])
        #expect(wordWrap("abcdefghij", 4) == ["abcd", "efgh", "ij"])
        #expect(wordWrap("東京 東京", 4) == ["東京", "東京"])
    }

    @Test func controlCharactersAreShownEscaped() {
        #expect(visibleText("a\u{1B}[2J") == "a\\u{1b}[2J" && visibleText("a\u{200B}b") == "a\\u{200b}b")
        #expect(visibleText(" ") == "␠" && visibleText("e\u{301}") == "e\u{301}")
        #expect(terminalLine("a\nb\u{7}") == "a b\\u{7}")
        #expect(terminalText("a\n \n\u{1B}") == "a\n \n\\u{1b}")
    }

    @Test func theHeatRampIsTheSquareRootOfTheShareOfTheMaximum() {
        #expect(HeatRamp.level(1, of: 4) == 0.5 && HeatRamp.level(4, of: 4) == 1)
        #expect(HeatRamp.glyph(0) == " " && HeatRamp.glyph(0.5) == "▒" && HeatRamp.glyph(1) == "█")
        #expect(HeatRamp.glyph(2) == "█" && HeatRamp.glyph(-1) == " " && HeatRamp.glyph(.nan) == " ")
        #expect(HeatRamp.step(HeatRamp.level(1, of: 4)) == 2)
    }

    @Test func barsEndInEighths() {
        #expect(BarGlyphs.bar(0.5, width: 4) == "██" && BarGlyphs.bar(1.0 / 32, width: 4) == "▏")
        #expect(BarGlyphs.bar(0.3, width: 1) == "▎" && BarGlyphs.bar(2, width: 3) == "███")
        #expect(BarGlyphs.solid(3) == "███" && BarGlyphs.height(0) == "▁" && BarGlyphs.height(1) == "█")
    }
}
