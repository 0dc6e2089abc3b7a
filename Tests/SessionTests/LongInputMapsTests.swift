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
