import Session
import Testing
@testable import WorkbenchUI

/// `--lean` keeps only the maps the screen reads: the layer anatomy (`A`)
/// reads every layer's attention, so it asks for them all while open.
@Suite struct LeanPanelTests {
    @Test func theLayerAnatomyWorksInLeanMode() throws {
        let w = makeWorkbench("the cat sat on the mat")
        w.lean = true
        w.session.waitUntilIdle()
        w.press(.escape)
        w.state.focus = .attention
        w.press(.char("A"))
        w.session.waitUntilIdle()
        let out = try #require(w.snapshot.result?.anatomy)
        #expect(out.error == nil && out.anatomy != nil, "\(out.error ?? "")")
        // The arithmetic reads one layer: lean mode keeps only that one.
        w.press(.char("A"), .char("x"))
        w.session.waitUntilIdle()
        #expect(w.snapshot.result?.arithmetic?.head != nil)
        #expect(w.snapshot.result?.input.attentionLayers != nil)
    }
}
