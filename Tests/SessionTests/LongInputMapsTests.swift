import Analysis
import Checkpoint
import Foundation
@testable import Session
import TestSupport
import Testing

/// A long input's attention maps are bounded in bytes before a pass allocates
/// them (#30): every layer's while they fit, else the layers the screen reads,
/// else none, with the sizes the attention pane explains.
@Suite struct LongInputMapsTests {
    static func config() throws -> ModelConfig {
        try ModelConfig(contentsOf: Fixtures.model("tiny-modernbert-mlm").appendingPathComponent("config.json"))
    }

    @Test func mapsAreKeptWhileTheyFitThenOnlyTheLayersRead() throws {
        let c = try Self.config(), n = 100
        let all = c.mapBytes(tokens: n), one = all / Double(c.numLayers)
        #expect(all == 4 * Double(c.numLayers * c.numHeads * n * n))
        var input = SessionInput(text: "x")
        input.readLayers = 2...2
        // Everything fits: every map, no limit (the layers read do not matter).
        let (keepAll, noLimit) = ModelSession.keptLayers(input, c, tokens: n, budget: all)
        #expect(keepAll == nil && noLimit == nil)
        // Too much for all, room for one layer: the layer read, and the sizes.
        let (keepRead, limit) = ModelSession.keptLayers(input, c, tokens: n, budget: all / 2)
        #expect(
            keepRead == 2..<3 && limit == EncodeResult.MapsLimit(allBytes: all, readBytes: one, budget: all / 2))
        // Not even one layer: none, and still the sizes.
        let (keepNone, stillLimited) = ModelSession.keptLayers(input, c, tokens: n, budget: one / 2)
        #expect(keepNone == 0..<0 && stillLimited != nil)
        // Lean mode's own layers are kept when they fit, and dropped when they do not.
        input.attentionLayers = 1...2
        #expect(ModelSession.keptLayers(input, c, tokens: n, budget: all).0 == 1..<3)
        #expect(ModelSession.keptLayers(input, c, tokens: n, budget: one).0 == 0..<0)
    }

    /// A heatmap read a band at a time asks a long input's pass for no maps at
    /// all (a layer change then encodes nothing); a short input keeps them all.
    @Test func aViewReadingBandsKeepsNoMapsOfALongInput() throws {
        let c = try Self.config(), n = 100, all = c.mapBytes(tokens: n)
        var input = SessionInput(text: "x")
        input.readLayers = 2...2
        input.readsBands = true
        let (none, limit) = ModelSession.keptLayers(input, c, tokens: n, budget: all / 2)
        // The sizes still name what the view would read whole (its layer), not 0 B.
        #expect(none == 0..<0 && limit == EncodeResult.MapsLimit(allBytes: all, readBytes: all / 5, budget: all / 2))
        #expect(ModelSession.keptLayers(input, c, tokens: n, budget: all).0 == nil)
        var other = input
        other.readsBands = false
        #expect(other == input, "not part of the input's identity")
    }

    /// The band and the pooled overview the records compute for a layer the
    /// trace does not keep (rebuilt from its input) equal the full pass's map.
    @Test(arguments: ["tiny-modernbert-mlm", "tiny-bert", "tiny-deberta-v3-mlm"])
    func bandsAndPoolsOfALayerNotKeptEqualTheFullMap(model name: String) throws {
        let model = try LoadedModel.load(Fixtures.model(name).path)
        let text = (0..<12).map { ["the cat", "sat on", "a mat", "and slept"][$0 % 4] }.joined(separator: " ")
        var input = SessionInput(text: text, attentionLayers: 0...0)
        input.requests[.attentionBand] = AnalysisRequest(AttentionBandRequest(layer: 1, head: 1, rows: 3..<9))
        input.requests[.attentionPool] = AnalysisRequest(AttentionPoolRequest(layer: 1, head: nil, rows: 4, columns: 5))
        let s = ModelSession(model: model, input: input, scheduler: ManualScheduler())
        s.waitUntilIdle()
        let r = try #require(s.snapshot.result)
        #expect(r.trace?.attentionLayers == 0..<1, "layer 2's maps are not kept")
        let full = try model.encoder.forward(ids: r.encoding.ids, typeIds: r.encoding.typeIds)
        let n = full.tokens, H = full.heads
        let band = try #require(r.attentionBand)
        #expect(band.error == nil && band.values.count == 6 * n)
        for i in 3..<9 {
            for j in 0..<n {
                #expect(
                    abs(band.value(row: i, column: j)! - full.attention(layer: 1, head: 1, row: i, column: j)) < 1e-5)
            }
        }
        let pooled = try #require(r.attentionPool?.pooled)
        let expected = try #require(
            PooledAttention.pool(tokens: n, rows: 4, columns: 5) { rows in
                rows.flatMap { i in
                    (0..<n).map { j in
                        (0..<H).map { full.attention(layer: 1, head: $0, row: i, column: j) }.reduce(0, +) / Float(H)
                    }
                }
            })
        #expect(zip(pooled.mean, expected.mean).allSatisfy { abs($0 - $1) < 1e-6 } && pooled.peakAt == expected.peakAt)
    }

    /// A key pressed while the whole map pools (the pooled cursor moved: another
    /// one-row band; or the very same input again) neither restarts the pool nor
    /// loses it: it runs once and the newer input finds it.
    @Test(arguments: [false, true])
    func aKeyWhileThePoolRunsDoesNotStartItOver(sameInput: Bool) throws {
        final class Box: @unchecked Sendable {
            let lock = NSLock()
            var starts = 0, pressed = false, versions = Set<Int>()
        }
        let model = try LoadedModel.load(Fixtures.model("tiny-modernbert-mlm").path)
        let text = (0..<150).map { ["the cat", "sat on", "a mat", "and slept"][$0 % 4] }.joined(separator: " ")
        var input = SessionInput(text: text, attentionLayers: 0...0)
        input.requests[.attentionBand] = AnalysisRequest(AttentionBandRequest(layer: 1, head: nil, rows: 0..<1))
        input.requests[.attentionPool] = AnalysisRequest(
            AttentionPoolRequest(layer: 1, head: nil, rows: 10, columns: 30))
        var moved = input
        moved.requests[.attentionBand] = AnalysisRequest(AttentionBandRequest(layer: 1, head: nil, rows: 7..<8))
        let next = sameInput ? input : moved
        let s = ModelSession(model: model, input: input, scheduler: ManualScheduler())
        let box = Box()
        s.onResult = { [unowned s] in
            let snap = s.snapshot
            guard let p = snap.progress(of: .attentionPool), snap.result?.attentionPool == nil else { return }
            let press: Bool = box.lock.withLock {
                if p.done == 1, box.versions.insert(snap.version).inserted { box.starts += 1 }
                defer { box.pressed = true }
                return !box.pressed
            }
            if press { s.submit(next) }
        }
        s.waitUntilIdle()
        let r = try #require(s.snapshot.result)
        #expect(box.lock.withLock { box.starts } == 1, "the pool started over")
        #expect(
            r.input == next && r.attentionPool?.pooled != nil
                && r.attentionBand?.request.rows == (sameInput ? 0..<1 : 7..<8))
    }

    /// What a pass would hold is counted before it allocates: maps only for the layers kept.
    @Test func aTracesBytesCountOnlyTheMapsKept() throws {
        let model = try LoadedModel.load(Fixtures.model("tiny-modernbert-mlm").path)
        let c = model.encoder.config, n = 122, d = Double(c.hiddenSize), L = Double(c.numLayers)
        let hidden = 4 * (L + 1) * Double(n) * d, perLayer = 4 * Double(c.numHeads * n * n) + 8 * Double(n) * d
        #expect(model.encoder.traceBytes(tokens: n, keep: 0..<0) == hidden)
        #expect(model.encoder.traceBytes(tokens: n, keep: 1..<3) == hidden + 2 * perLayer)
        #expect(model.encoder.traceBytes(tokens: n, keep: nil) == hidden + L * perLayer)
    }
}
