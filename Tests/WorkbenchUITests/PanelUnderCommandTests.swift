import Session
import Testing
@testable import WorkbenchUI

/// A command that opens another of the attention pane's views (`:compare`,
/// `:patch`) closes a teaching panel, as the keys that open them do.
@Suite struct PanelUnderCommandTests {
    @Test func compareClosesTheArithmeticPanel() {
        let w = makeWorkbench("the cat sat on the mat")
        w.press(.escape)
        w.state.focus = .attention
        w.press(.char("x"))
        #expect(w.state.attention.panel == .arithmetic)
        w.press(.char(":"))
        for c in "compare the dog sat on the rug" { w.press(.char(c)) }
        w.press(.enter)
        w.session.waitUntilIdle()
        #expect(w.state.attention.comparing)
        #expect(w.state.attention.panel == nil, "the comparison is hidden under the arithmetic panel")
        #expect(w.state.context == .comparison)
    }
}
