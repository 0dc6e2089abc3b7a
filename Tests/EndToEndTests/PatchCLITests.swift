import Foundation
import Testing
import TestSupport

/// `patch --json` against PyTorch hooks (patching_goldens.json, make_patching_goldens.py):
/// every hidden state × position and every head, masked-LMs and classifiers.
@Suite struct PatchCLITests {
    @Test(arguments: [
        "tiny-bert-pretraining", "tiny-distilbert-mlm", "tiny-roberta-mlm", "heads/bert-sequence",
        "heads/electra-sequence",
    ])
    func patchingMatchesPyTorchHooks(model: String) throws {
        let dir = Fixtures.model(model)
        let g = try Fixtures.json(dir.appendingPathComponent("patching_goldens.json"))
        let r = try runProcess([
            try bertscopeBinary(), "patch", "--model", dir.path, "--counterfactual", g["counterfactual"] as! String,
            "--json", g["text"] as! String,
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let target = try #require(o["target"] as? [String: Any])
        #expect((target["a"] as? [String: Any])?["id"] as? Int == g["a"] as? Int)
        #expect((target["b"] as? [String: Any])?["id"] as? Int == g["b"] as? Int)
        let base = g["clean"] as! Double, top = g["counterfactual_value"] as! Double
        #expect(abs((o["clean"] as! Double) - base) <= 1e-4 && abs((o["counterfactual"] as! Double) - top) <= 1e-4)
        let effect = o["effect"] as! [[Double]], want = g["effect"] as! [[Double]]
        #expect(o["layers"] as? Int == want.count && o["positions"] as? Int == want[0].count)
        // Compared as logit differences (effects are scaled by 1 / (counterfactual − clean)).
        let scale = abs(top - base)
        for (gr, wr) in zip(effect, want) {
            #expect(zip(gr, wr).allSatisfy { abs($0 - $1) * scale <= 2e-4 }, "\(model): \(gr) vs \(wr)")
        }
        let heads = o["heads"] as! [[Double]], wantHeads = g["heads"] as! [[Double]]
        #expect(heads.count == wantHeads.count)
        for (gr, wr) in zip(heads, wantHeads) {
            #expect(zip(gr, wr).allSatisfy { abs($0 - $1) * scale <= 2e-4 }, "\(model) heads: \(gr) vs \(wr)")
        }
        // Patching the whole last layer at the readout position gives the counterfactual's value.
        let readout = (target["position"] as? Int) ?? 0
        #expect(abs(effect[effect.count - 1][readout] - 1) < 1e-3)
    }

    @Test func differentLengthsAreOneLineErrors() throws {
        let r = try runProcess([
            try bertscopeBinary(), "patch", "--model", Fixtures.model("heads/bert-sequence").path, "--counterfactual",
            "he was not at the one at all", "he was not at the one",
        ])
        #expect(r.status == 1 && r.stderr.contains("patching needs the same number"))
    }
}
