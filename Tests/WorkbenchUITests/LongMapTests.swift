import Analysis
import Foundation
import Session
import Testing
import TestSupport

@testable import WorkbenchUI

/// A map the pane does not hold whole (#30): exact rows read a band at a
/// time, or the whole map pooled to the pane with the cursor a block at a time.
@Suite struct LongMapTests {
    /// 300 tokens, a local band of ±6 around the diagonal and a column every row looks at (token 0).
    static let n = 300
    static func row(_ i: Int) -> [Float] {
        var r = (0..<n).map { j -> Float in j == 0 ? 4 : abs(i - j) <= 6 ? Float(7 - abs(i - j)) : 0 }
        let sum = r.reduce(0, +)
        r = r.map { $0 / sum }
        return r
    }
    static let labels = (0..<n).map { $0 == 0 ? "[CLS]" : ["the", "cat", "sat", "on", "a", "mat", "."][$0 % 7] }

    static func band(_ rows: Range<Int>, head: Int? = 0) -> AttentionBand {
        AttentionBand(
            request: AttentionBandRequest(layer: 1, head: head, rows: rows), tokens: n,
            values: rows.flatMap { Self.row($0) })
    }

    static func state(pooled: Bool, row: Int, column: Int) -> WorkbenchState {
        var s = ViewFixtures.state(.attention)
        s.attention.layer = 1
        s.attention.pooled = pooled
        s.attention.row = row; s.attention.column = column
        s.tokens.selected = row; s.attention.keyToken = column
        return s
    }

    /// The pooled grid the pane at `w` × `h` has room for.
    static func grid(_ s: WorkbenchState, _ w: Int, _ h: Int) throws -> (rows: Int, columns: Int) {
        let layout = FrameLayout.compute(width: w, height: h, s, predictions: false)
        let pane = try #require(layout.attention)
        let g = try #require(LongMapGrid.pooledSize(LongMapGrid.body(pane.inset(by: 1)), tokens: n))
        return (g.rows, g.columns)
    }

    static func pooled(_ g: (rows: Int, columns: Int)) throws -> PooledAttention {
        try #require(PooledAttention.pool(tokens: n, rows: g.rows, columns: g.columns) { $0.flatMap { Self.row($0) } })
    }

    /// The fixture frame with `long` in place of the attention map.
    static func view(_ long: LongMapView) -> FrameView {
        var v = ViewFixtures.view()
        v.attention = nil
        v.longMap = long
        return v
    }

    /// The cursor moved past the band in: the older rows stay drawn and the
    /// line where the row's summary goes says the new rows are being scored.
    @Test func anOlderBandSaysTheCursorsRowsAreComing() {
        let g = FrameGoldenTests()
        let v = Self.view(
            LongMapView(
                mode: .band, labels: Self.labels, band: Self.band(32..<96), waiting: "scoring the rows on screen…",
                source: "(300 tokens, maps not kept)"))
        var state = Self.state(pooled: false, row: 100, column: 37)
        state.attention.scrollRow = 80; state.attention.scrollColumn = 10
        let text = g.frame(v, state, 160, 48).text
        #expect(text.contains("scoring the rows on screen…") && !text.contains("row 101: H "), "\(text)")
        state.attention.row = 90
        let inBand = g.frame(v, state, 160, 48).text
        #expect(!inBand.contains("scoring the rows on screen…") && inBand.contains("row 91: H "), "\(inBand)")
    }

    @Test func theBandIsDrawnAtFullResolution() {
        let g = FrameGoldenTests()
        let v = Self.view(
            LongMapView(
                mode: .band, labels: Self.labels, band: Self.band(32..<96),
                source: "(300 tokens, maps not kept: head 1 scored from layer 2's input as rows show)"))
        var state = Self.state(pooled: false, row: 40, column: 37)
        state.attention.scrollRow = 30; state.attention.scrollColumn = 10
        let wide = g.frame(v, state, 160, 48)
        #expect(wide.text.contains("mat (41) → sat (38)  p = "), "\(wide.text)")
        #expect(wide.text.contains("row 41: H "), "the cursor row's summary")
        // Rows outside the band are not drawn as zeros: they wait, marked.
        #expect(wide.lines.contains { $0.contains("······") })
        g.expectGolden("long-map-band-160x48", wide)
        g.expectGolden("long-map-band-80x24", g.frame(v, state, 80, 24))
    }

    @Test func thePooledMapShowsEveryBlockAndTheCursorsPeak() throws {
        let g = FrameGoldenTests()
        let s = Self.state(pooled: true, row: 150, column: 146)
        var v = Self.view(
            LongMapView(
                mode: .pooled, labels: Self.labels, band: Self.band(150..<151),
                pooled: try Self.pooled(try Self.grid(s, 160, 48)),
                source: "(300 tokens, maps not kept: head 1 scored from layer 2's input)"))
        let wide = g.frame(v, s, 160, 48)
        #expect(wide.text.contains("Attention · layer 2/2 · head 1/3 · pooled"))
        #expect(wide.text.contains("cursor on (151) → . (147)  p = "), "\(wide.text)")
        #expect(wide.text.contains("· peak "), "the block's peak and where")
        g.expectGolden("long-map-pooled-160x48", wide)
        v.longMap?.pooled = try Self.pooled(try Self.grid(s, 80, 24))
        g.expectGolden("long-map-pooled-80x24", g.frame(v, s, 80, 24))
        v.longMap?.pooled = nil
        v.longMap?.waiting = "pooling layer 2's map: 2 of 5 row blocks…"
        g.expectGolden("long-map-pooled-waiting-80x24", g.frame(v, s, 80, 24))
    }

    /// On the pooled map the cursor moves a block at a time (to the next
    /// block's first token, whatever the blocks' sizes) and Enter zooms into its band.
    @Test func thePooledCursorMovesByBlocks() {
        var s = Self.state(pooled: true, row: 10, column: 10)
        var e = Extent(tokens: Self.n, mapSize: Self.n, layers: 6, heads: 12)
        e.tokenMap = true
        e.pooledRows = 40; e.pooledColumns = 100
        #expect(s.context == .pooledMap)
        func press(_ k: Key) { s = Update.update(s, k, FrameFacts(extent: e)).0 }
        press(.down)
        press(.right)
        // Blocks of 7 or 8 rows (row 10 is in 7..<15) and of 3 columns (column 10 in 9..<12).
        #expect(s.attention.row == 15 && s.attention.column == 12)
        #expect(s.tokens.selected == 15 && s.attention.keyToken == 12, "the tokens pane follows")
        // Every key reaches a new block: 40 steps down from the first cover all 40.
        var rows: Set<Int> = []
        for _ in 0..<40 {
            rows.insert(PooledAttention.blockIndex(of: s.attention.row, parts: 40, over: Self.n))
            press(.down)
        }
        #expect(rows.count == 38 && s.attention.row == PooledAttention.block(39, of: 40, over: Self.n).lowerBound)
        press(.pageUp)
        #expect(s.attention.row == PooledAttention.block(29, of: 40, over: Self.n).lowerBound)
        press(.char("]"))
        #expect(s.attention.layer == 2 && s.attention.pooled, "the attention pane's keys work on the pooled map")
        press(.enter)
        #expect(!s.attention.pooled && s.context == .attention)
        press(.char("O"))
        #expect(s.attention.pooled)
    }

    /// `O` pools only what a pool can show: in the words view it says why, and a
    /// pooled flag left on while another view shows changes neither keys nor title.
    @Test func thePooledMapIsOnlyForOneHeadOrTheMeanTokenByToken() {
        var s = Self.state(pooled: false, row: 3, column: 3)
        s.attention.words = true
        let e = Extent(tokens: Self.n, mapSize: Self.n, layers: 6, heads: 12)
        s = Update.update(s, .char("O"), FrameFacts(extent: e)).0
        #expect(!s.attention.pooled && s.notice?.text.contains("one head or the mean") == true)
        s.attention.words = false
        s = Update.update(s, .char("O"), FrameFacts(extent: e)).0
        s.attention.words = true
        #expect(s.attention.pooled && s.context == .attention)
        #expect(!AttentionPane.title(s.attention, layers: 6, heads: 12, specials: "x").contains("pooled"))
    }

    /// A real model's workbench at 160×48 with `O` pressed on the attention pane.
    static func pooledWorkbench() -> Workbench {
        let w = makeWorkbench("he said that it was here, and then he left the house")
        w.state.focus = .attention
        _ = w.render(width: 160, height: 48)
        w.press(.char("O"))
        _ = w.render(width: 160, height: 48)
        return w
    }

    /// `O` on a real model: the session pools the shown head's map to the
    /// pane's grid, equal to pooling the trace's map, and the exact row under the cursor comes with it.
    @Test func theWorkbenchPoolsTheMapOnScreen() throws {
        let w = Self.pooledWorkbench()
        w.session.waitUntilIdle()
        let r = try #require(w.snapshot.result), t = try #require(r.trace)
        let pool = try #require(r.attentionPool?.pooled), n = t.tokens
        #expect(pool.rows == min(n, w.pooledGrid.rows) && pool.columns == min(n, w.pooledGrid.columns))
        let start = try #require(t.attentionStart(layer: 0, head: 0))
        let expected = try #require(
            PooledAttention.pool(tokens: n, rows: w.pooledGrid.rows, columns: w.pooledGrid.columns) { rows in
                Array(t.attentions[(start + rows.lowerBound * n)..<(start + rows.upperBound * n)])
            })
        #expect(pool == expected)
        let band = try #require(r.attentionBand)
        #expect(band.request.rows == w.state.attention.row..<(w.state.attention.row + 1))
        let g = w.render(width: 160, height: 48)
        #expect(g.text.contains("· pooled") && g.text.contains("a cell: the mean of"), "\(g.text)")
    }

    /// A pool nobody sees is not computed: with the predictions pane zoomed
    /// the input asks for none, and showing the map again asks for it.
    @Test func noPoolIsAskedWhileTheMapIsOffScreen() throws {
        let w = Self.pooledWorkbench()
        #expect(w.session.snapshot.input.requests[.attentionPool] != nil)
        w.state.focus = .predictions
        w.state.zoomed = true
        _ = w.render(width: 160, height: 48)
        #expect(!w.longMapOnScreen && w.session.snapshot.input.requests[.attentionPool] == nil)
        w.state.zoomed = false
        _ = w.render(width: 160, height: 48)
        #expect(w.longMapOnScreen && w.session.snapshot.input.requests[.attentionPool] != nil)
    }
}
