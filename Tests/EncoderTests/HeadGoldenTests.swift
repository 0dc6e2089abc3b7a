import Checkpoint
import Encoder
import Foundation
import Testing
import TestSupport

/// MLM and NSP heads against transformers: logits and probabilities within
/// 1e-4, top-5 ids identical.
@Suite struct HeadGoldenTests {
    @Test(arguments: Fixtures.tinyMaskedLMModels)
    func maskedLMMatchesTransformers(name: String) throws {
        let dir = Fixtures.model(name)
        let encoder = try BertEncoder(directory: dir)
        let goldens = try EncoderGolden.load(dir)
        let file = try SafeTensorsFile(path: dir.appendingPathComponent("golden.safetensors").path)
        var checked = 0, worstLogit: Float = 0, worstProb: Float = 0
        for (i, g) in goldens.enumerated() {
            guard file.entries["case\(i).mlm_logits"] != nil else { continue }
            let want = try file.tensor("case\(i).mlm_logits")
            let wantValues = want.values
            let trace = try encoder.forward(ids: g.ids, typeIds: g.typeIds)
            let n = g.ids.count, d = encoder.config.hiddenSize, v = want.shape[1]
            let last = Array(trace.hiddenStates[(encoder.config.numLayers * n * d)...])
            let got = try encoder.maskedLMLogits(hidden: last, rows: n)
            #expect(got.count == n * v)
            worstLogit = max(worstLogit, maxAbsDiff(got, wantValues))
            for row in 0..<n {
                let p = softmax(got[(row * v)..<((row + 1) * v)]), q = softmax(wantValues[(row * v)..<((row + 1) * v)])
                worstProb = max(worstProb, maxAbsDiff(p, q))
                let top = { (x: [Float]) in Array(x.indices.sorted { x[$0] > x[$1] }.prefix(5)) }
                #expect(top(p) == top(q), "\(name) case \(i) row \(row): top-5 ids differ")
            }
            checked += 1
        }
        print("\(name) MLM max |diff|: logits \(worstLogit), probabilities \(worstProb)")
        #expect(checked == 4)
        #expect(worstLogit <= 1e-4 && worstProb <= 1e-4)
    }

    @Test func nextSentenceMatchesTransformers() throws {
        let dir = Fixtures.model("tiny-bert-pretraining")
        let encoder = try BertEncoder(directory: dir)
        let file = try SafeTensorsFile(path: dir.appendingPathComponent("golden.safetensors").path)
        for (i, g) in try EncoderGolden.load(dir).enumerated() where file.entries["case\(i).nsp_logits"] != nil {
            let got = try encoder.nextSentenceLogits(try encoder.forward(ids: g.ids, typeIds: g.typeIds))
            #expect(maxAbsDiff(got, try file.tensor("case\(i).nsp_logits").values) <= 1e-5)
        }
    }

    /// ELECTRA's discriminator: one replaced-token logit per position, padded row included.
    @Test func replacedTokenDetectionMatchesTransformers() throws {
        let dir = Fixtures.model("tiny-electra-discriminator")
        let encoder = try BertEncoder(directory: dir)
        #expect(encoder.hasReplacedTokenHead && !encoder.hasMaskedLMHead)
        let file = try SafeTensorsFile(path: dir.appendingPathComponent("golden.safetensors").path)
        var checked = 0
        for (i, g) in try EncoderGolden.load(dir).enumerated() {
            let want = try file.tensor("case\(i).rtd_logits").values
            let got = try encoder.replacedTokenLogits(
                try encoder.forward(ids: g.ids, typeIds: g.typeIds, attentionMask: g.attentionMask))
            let real = g.attentionMask.map { m in m.indices.filter { m[$0] != 0 } } ?? Array(g.ids.indices)
            #expect(maxAbsDiff(real.map { got[$0] }, real.map { want[$0] }) <= 1e-5, "case \(i)")
            checked += 1
        }
        #expect(checked == 5)
        #expect(throws: EncoderError.self) {
            try BertEncoder(directory: Fixtures.model("tiny-electra")).replacedTokenLogits(
                try encoder.forward(ids: [2, 3]))
        }
    }

    @Test func modelsWithoutHeadsSaySo() throws {
        let e = try BertEncoder(directory: Fixtures.model("tiny-bert"))
        #expect(!e.hasMaskedLMHead && !e.hasNextSentenceHead)
        #expect(throws: EncoderError.self) { try e.maskedLMLogits(hidden: [Float](repeating: 0, count: 32), rows: 1) }
        #expect(throws: EncoderError.self) { try e.nextSentenceLogits(try e.forward(ids: [2, 3])) }
    }
}
