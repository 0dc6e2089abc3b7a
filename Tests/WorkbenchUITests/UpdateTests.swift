import Analysis
import Session
import Testing
@testable import WorkbenchUI

/// `Update.update` is a pure function of the state, the event and the
/// frame's facts: it returns the next state and the effects, and touches
/// nothing else (no session, no file), so every key can be checked without
/// a workbench.
@Suite struct UpdateTests {
    let facts = FrameFacts(extent: Extent(tokens: 8, mapSize: 8, layers: 2, heads: 3))

    @Test func typingEditsTheLineAndAsksForAnEncoding() {
        let s = WorkbenchState(text: "the cat")
        var (next, effects) = Update.update(s, .char("s"), facts)
        #expect(next.editorA.text == "the cats" && effects == [.textEdited] && s.editorA.text == "the cat")
        (next, effects) = Update.update(next, .left, facts)
        #expect(effects.isEmpty && next.editorA.text == "the cats")
        (next, effects) = Update.update(next, .paste("\tand\na dog"), facts)
        #expect(next.editorA.text.contains(" and a dog") && effects == [.textEdited])
    }

    @Test func commandsAndOverlaysAreRecords() {
        var s = WorkbenchState(text: "the cat")
        s.focus = .tokens
        var effects: [Effect]
        (s, effects) = Update.update(s, .char(":"), facts)
        #expect(effects.isEmpty)
        for c in "layer 2" { (s, _) = Update.update(s, .char(c), facts) }
        (s, effects) = Update.update(s, .enter, facts)
        #expect(effects == [.runCommand("layer 2")] && s.overlay == .none)
        (s, _) = Update.update(s, .char("?"), facts)
        (s, _) = Update.update(s, .pageDown, facts)
        #expect(s.overlay == .help(scroll: 10))
        (s, effects) = Update.update(s, .ctrl("c"), facts)
        #expect(effects == [.quit])
    }

    @Test func aKeyThatCannotActChangesNothingButTheNotice() {
        var s = WorkbenchState(text: "the cat")
        s.focus = .tokens
        let (next, effects) = Update.update(s, .char(">"), facts)
        var expected = s
        expected.say("no other window: this text fits in one")
        #expect(next == expected && effects.isEmpty)
    }

    /// A click resolves against the last frame's hit areas; a cell moved in
    /// the attention pane selects its tokens through the map's groups.
    @Test func clicksAndSelectionsFollowTheFramesFacts() {
        var f = facts
        f.hits.add(Rect(x: 0, y: 5, width: 10, height: 1), .token(3))
        f.hits.add(Rect(x: 20, y: 5, width: 4, height: 1), .cell(row: 2, column: 1))
        f.map = AttentionMap(size: 3, values: [Float](repeating: 1 / 3, count: 9), groups: [[0], [1, 2], [3, 4]])
        var s = WorkbenchState(text: "the cat")
        (s, _) = Update.update(s, .mouse(x: 2, y: 5, button: .left), f)
        #expect(s.focus == .tokens && s.tokens.selected == 3 && s.attention.row == 2)
        (s, _) = Update.update(s, .mouse(x: 21, y: 5, button: .left), f)
        #expect(s.focus == .attention && s.tokens.selected == 3 && s.attention.keyToken == 1)
        (s, _) = Update.update(s, .up, f)
        #expect(s.attention.row == 1 && s.tokens.selected == 1)
    }
}
