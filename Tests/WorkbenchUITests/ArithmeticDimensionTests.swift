import Analysis
import Session
import Testing
@testable import WorkbenchUI

/// `}` past the last dimension keeps counting: `{` then seems to do nothing.
@Suite struct ArithmeticDimensionTests {
    @Test func previousDimensionAfterPressingPastTheLast() throws {
        let w = makeWorkbench("the cat sat on the mat")
        w.press(.escape)
        w.state.focus = .attention
        w.press(.char("x"))
        w.session.waitUntilIdle()
        let dh = try #require(w.snapshot.result?.arithmetic?.head?.headDim)
        for _ in 0..<(dh + 5) { w.press(.char("}")) }
        w.press(.char("{"))
        let v = ArithmeticPanel.derive(w.snapshot, w.selection, w.state.attention)
        #expect(v.dimension == dh - 2, "{ after running past the last dimension should step back from it")
    }
}
