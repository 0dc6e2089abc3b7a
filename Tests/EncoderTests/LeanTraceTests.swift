import Encoder
import Foundation
import TestSupport
import Testing

/// A lean pass keeps the maps, queries and keys of the layers asked for only
/// (a long input cannot hold every layer's), and computes the rest without
/// any (H, n, n) buffer: its hidden states, and what it keeps, are the full
/// pass's exactly.
@Suite struct LeanTraceTests {
    @Test(arguments: ["tiny-bert", "tiny-deberta-v3-mlm", "tiny-modernbert-mlm", "tiny-modernbert-cls-mean"])
    func aLeanPassKeepsWhatItIsAskedForAndChangesNothing(model: String) throws {
        let encoder = try BertEncoder(directory: Fixtures.model(model))
        let c = encoder.config, n = 37, d = c.hiddenSize, H = c.numHeads
        let ids = (0..<n).map { 5 + ($0 * 7) % 200 }
        let full = try encoder.forward(ids: ids)
        var lean = Trace()
        try encoder.forward(
            ids: ids, typeIds: nil, attentionMask: nil, workspace: encoder.makeWorkspace(), into: &lean,
            keepAttention: 1..<2)
        #expect(lean.hiddenStates == full.hiddenStates, "\(model): the hidden states")
        #expect(lean.attentions.count == H * n * n && lean.queries.count == n * d && lean.keys.count == n * d)
        let start = try #require(full.attentionStart(layer: 1, head: 0))
        #expect(lean.attentions == Array(full.attentions[start..<(start + H * n * n)]), "\(model): layer 2's maps")
        let q = try #require(full.queryStart(layer: 1))
        #expect(lean.queries == Array(full.queries[q..<(q + n * d)]) && lean.keys == Array(full.keys[q..<(q + n * d)]))
        #expect(lean.queryStart(layer: 0) == nil && lean.queryStart(layer: 1) == 0)
    }
}
