import Analysis
import Session
import Testing
import TestSupport
@testable import WorkbenchUI

/// Context mixing runs in the session's background phase (it took 0.24–13.9 s
/// per frame on the key and render path at 254 tokens): a frame never computes
/// it, says it is waiting, and then shows exactly what the analysis computes.
@Suite struct MixingInSessionTests {
    @Test(arguments: [AttentionViewKind.norm, .normSum, .normResidual, .valueZeroing, .valueZeroingRollout])
    func aMixingViewWaitsThenShowsTheSessionsMaps(kind: AttentionViewKind) throws {
        let (w, scheduler) = manualWorkbench("he said it was here")
        w.state.focus = .attention
        w.press(.char("]"))  // layer 2
        while w.state.attention.view != kind { w.handle(.char("v")) }
        // Asked, not computed: the frame says so and draws no map.
        #expect(w.session.snapshot.input.mixingLayers != nil)
        let waiting = w.render(width: 120, height: 40)
        #expect(waiting.contains("computing context mixing (\(kind.rawValue))"))
        scheduler.waitUntilIdle()
        let r = try #require(w.snapshot.result)
        let t = try #require(r.trace)
        let mixing = try #require(r.mixing)
        let layers = try #require(AttentionViews.mixingLayersRead(w.state.attention.spec))
        for l in layers {
            let direct = ContextMixing.compute(tinyModel.encoder, t, layer: l, valueZeroing: kind.needsValueZeroing)
            #expect(mixing.layers[l] == direct, "layer \(l + 1)")
        }
        let shown = w.render(width: 120, height: 40)
        #expect(!shown.contains("computing context mixing"))
        let map = try #require(w.currentMap(for: r))
        let expected = AttentionViews.map(t, r.encoding, w.state.attention.spec) { mixing.layers[$0] }
        #expect(map == expected)
    }
}

extension MixingInSessionTests {
    /// The second model's pane says it is computing too (it was an empty box).
    @Test func theSecondModelsPaneSaysItIsComputing() throws {
        let (w, scheduler) = manualWorkbench("he said it", beside: SecondModelWindowTests.roberta)
        w.state.focus = .attention
        while w.state.attention.view != .normSum { w.handle(.char("v")) }
        #expect(w.render(width: 160, height: 48).contains("computing context mixing for this model…"))
        scheduler.waitUntilIdle()
        let g = w.render(width: 160, height: 48)
        #expect(!g.contains("computing context mixing") && g.contains("B: tiny-roberta-mlm · Attention"))
        #expect(w.second?.session.snapshot.result?.mixing?.layers[0] != nil)
    }
}
