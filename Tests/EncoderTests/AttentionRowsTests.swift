import Encoder
import Foundation
import TestSupport
import Testing

/// A layer's map rebuilt a band of rows at a time from the layer's input in
/// the trace (what a long input's heatmap reads) equals the map the full
/// pass kept, for every family's way of scoring: plain q·k, ALBERT's shared
/// layers, DeBERTa's position terms, ModernBERT's rotation and local window.
@Suite struct AttentionRowsTests {
    static let models = [
        "tiny-bert", "tiny-albert-groups", "tiny-electra", "tiny-deberta-v3-mlm", "tiny-deberta-v2-conv",
        "tiny-modernbert-mlm", "tiny-modernbert-cls-mean",
    ]

    static func ids(_ n: Int) -> [Int] { (0..<n).map { 5 + ($0 * 7) % 200 } }

    /// The largest difference between the rebuilt rows and the trace's map of (layer, head).
    static func difference(_ p: LayerProjection, _ t: Trace, layer: Int, head: Int, rows: Range<Int>) throws -> Float {
        let n = t.tokens, band = p.rows(rows, head: head)
        try #require(band.count == rows.count * n)
        var worst: Float = 0
        for (i, row) in rows.enumerated() {
            for j in 0..<n {
                worst = max(worst, abs(band[i * n + j] - t.attention(layer: layer, head: head, row: row, column: j)))
            }
        }
        return worst
    }

    @Test(arguments: models)
    func everyBandOfEveryHeadEqualsTheKeptMap(model: String) throws {
        let encoder = try BertEncoder(directory: Fixtures.model(model))
        let c = encoder.config, n = 37
        let trace = try encoder.forward(ids: Self.ids(n))
        for l in 0..<c.numLayers {
            let p = try encoder.projection(trace, layer: l)
            for h in 0..<c.numHeads {
                #expect(try Self.difference(p, trace, layer: l, head: h, rows: 0..<n) < 1e-5, "\(model) \(l).\(h)")
                #expect(try Self.difference(p, trace, layer: l, head: h, rows: 11..<19) < 1e-5, "\(model) band")
            }
        }
    }

    @Test func aLocalLayerLeavesKeysOutsideItsWindowAtZero() throws {
        let encoder = try BertEncoder(directory: Fixtures.model("tiny-modernbert-mlm"))
        let m = try #require(encoder.config.modern), n = 37
        let local = try #require((0..<encoder.config.numLayers).first { !m.isGlobal($0) })
        let p = try encoder.projection(try encoder.forward(ids: Self.ids(n)), layer: local)
        #expect(p.window == m.window && m.window < n / 2)
        let row = p.rows(20..<21, head: 0)
        for j in 0..<n where abs(j - 20) > m.window { #expect(row[j] == 0) }
        #expect(abs(row.reduce(0, +) - 1) < 1e-5)
    }

    @Test func theMeanOverHeadsCountsAnAblatedHeadAsZeros() throws {
        let encoder = try BertEncoder(directory: Fixtures.model("tiny-bert"))
        let c = encoder.config, n = 23
        var ablate = HeadSet([HeadSet.Head(layer: 1, head: 0)])
        ablate.attentionScale = 0.5
        let trace = try encoder.forward(ids: Self.ids(n), ablate: ablate)
        let p = try encoder.projection(trace, layer: 1, ablate: ablate)
        #expect(p.rows(0..<n, head: 0).allSatisfy { $0 == 0 })
        #expect(try Self.difference(p, trace, layer: 1, head: 1, rows: 0..<n) < 1e-5, "the scale experiment")
        let mean = p.meanRows(3..<9)
        for (i, row) in (3..<9).enumerated() {
            for j in 0..<n {
                let expected =
                    (0..<c.numHeads).map { trace.attention(layer: 1, head: $0, row: row, column: j) }.reduce(0, +)
                    / Float(c.numHeads)
                #expect(abs(mean[i * n + j] - expected) < 1e-5)
            }
        }
    }

    @Test func aLayerOutsideTheModelIsRefusedInOneLine() throws {
        let encoder = try BertEncoder(directory: Fixtures.model("tiny-bert"))
        let trace = try encoder.forward(ids: Self.ids(9))
        #expect(throws: EncoderError.self) { try encoder.projection(trace, layer: encoder.config.numLayers) }
        #expect(throws: EncoderError.self) { try encoder.projection(Trace(), layer: 0) }
        #expect(try encoder.projection(trace, layer: 0).rows(5..<50, head: 0).count == 4 * 9, "rows clamped")
        #expect(try encoder.projection(trace, layer: 0).rows(0..<3, head: 99).isEmpty)
    }
}
