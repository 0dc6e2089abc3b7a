import Analysis
import Checkpoint
import Encoder
import Foundation
import TestSupport
import Testing
import Tokenizers

/// Norm-based attention (Kobayashi et al. 2020) and its residual + LayerNorm
/// version (2021) against float64 PyTorch (mixing_goldens, make_mixing_goldens.py).
@Suite struct ContextMixingTests {
    @Test(arguments: [
        "tiny-bert-pretraining", "tiny-distilbert-mlm", "tiny-roberta-mlm", "tiny-albert-pretraining",
        "tiny-deberta-v3-mlm", "tiny-electra-generator", "tiny-modernbert-mlm", "tiny-modernbert-cls-mean",
    ])
    func mixingMatchesPyTorch(model: String) throws {
        let dir = Fixtures.model(model)
        let spec = try Fixtures.json(dir.appendingPathComponent("mixing_goldens.json"))
        let goldens = try SafeTensorsFile(path: dir.appendingPathComponent("mixing_goldens.safetensors").path)
        let encoder = try BertEncoder(directory: dir), tokenizer = try Tokenizer.load(directory: dir)
        let e = tokenizer.encode(spec["text"] as! String)
        #expect(e.ids == spec["ids"] as! [Int])
        let trace = try encoder.forward(ids: e.ids, typeIds: e.typeIds)
        let maps = (0..<encoder.config.numLayers).map { ContextMixing.compute(encoder, trace, layer: $0) }
        for (key, got) in [
            ("norm_heads", maps.flatMap(\.normPerHead)), ("norm", maps.flatMap(\.norm)),
            ("norm_res_ln", maps.flatMap(\.normResidualLN)),
        ] {
            let want = try goldens.tensor(key).values
            let scale = want.map(abs).max() ?? 1
            let diff = maxAbsDiff(got, want)
            #expect(diff <= 1e-4 * max(1, scale), "\(model) \(key): differs by \(diff) (largest \(scale))")
        }
        // Value zeroing, layer by layer, against PyTorch with the value vectors zeroed by a hook.
        let zeroing = try (0..<encoder.config.numLayers).flatMap { try encoder.valueZeroing(trace, layer: $0) }
        let want = try goldens.tensor("value_zeroing").values
        let zdiff = maxAbsDiff(zeroing, want)
        #expect(zdiff <= 2e-4, "\(model) value zeroing differs by \(zdiff)")
        // Attention flow through each layer, against networkx's maximum flow on the same graph.
        let flow = (0..<encoder.config.numLayers).flatMap { AttentionFlow.map(trace, throughLayer: $0).values }
        let fdiff = maxAbsDiff(flow, try goldens.tensor("attention_flow").values)
        #expect(fdiff <= 1e-4, "\(model) attention flow differs by \(fdiff)")
        // Rollout of ½A + ½I, and the plain product of the value-zeroing maps (Mohebbi et al.'s rollout).
        let L = encoder.config.numLayers, n0 = e.count
        let rollout = (0..<L).flatMap { AttentionViews.rollout(trace, throughLayer: $0).values }
        let rdiff = maxAbsDiff(rollout, try goldens.tensor("rollout").values)
        #expect(rdiff <= 1e-5, "\(model) rollout differs by \(rdiff)")
        let perLayer = (0..<L).map { Array(zeroing[($0 * n0 * n0)..<(($0 + 1) * n0 * n0)]) }
        let zr = (0..<L).flatMap { AttentionViews.rollout(Array(perLayer[0...$0]), n0).values }
        let zrdiff = maxAbsDiff(zr, try goldens.tensor("value_zeroing_rollout").values)
        #expect(zrdiff <= 2e-4, "\(model) value-zeroing rollout differs by \(zrdiff)")
        // The attention pane's views are these maps.
        let mix = { (l: Int) -> ContextMixing? in maps[l] }
        let head = AttentionViews.map(trace, e, AttentionViewSpec(layer: 1, head: 2, kind: .norm), mixing: mix)
        #expect(head.values == Array(maps[1].normPerHead[(2 * e.count * e.count)..<(3 * e.count * e.count)]))
        #expect(
            AttentionViews.map(trace, e, AttentionViewSpec(layer: 2, head: 0, kind: .normSum), mixing: mix).values
                == maps[2].norm)
        #expect(
            AttentionViews.map(trace, e, AttentionViewSpec(layer: 0, head: 0, kind: .normResidual), mixing: mix).values
                == maps[0].normResidualLN)
        // Sanity: with the residual, a token's own column carries its residual stream.
        let n = e.count
        #expect((0..<n).allSatisfy { i in maps[0].normResidualLN[i * n + i] > 0 })
    }
}
