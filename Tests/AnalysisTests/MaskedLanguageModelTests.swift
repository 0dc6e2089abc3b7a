import Analysis
import Encoder
import Testing
import TestSupport
import Tokenizers

@Suite struct MaskedLanguageModelTests {
    static let dir = Fixtures.model("tiny-bert-pretraining")
    static let mlm = try! MaskedLanguageModel(
        encoder: try! BertEncoder(directory: dir), tokenizer: try! Tokenizer.load(directory: dir))

    @Test func predictionsAreSortedDistributions() throws {
        let e = Self.mlm.tokenizer.encode("the [MASK] of [MASK]")
        let preds = try Self.mlm.predict(e, trace: try Self.mlm.forward(e.ids, e.typeIds), k: 5)
        #expect(preds.map(\.position) == [2, 4])
        for p in preds {
            #expect(p.predictions.count == 5)
            #expect(zip(p.predictions, p.predictions.dropFirst()).allSatisfy { $0.probability >= $1.probability })
        }
        let full = try Self.mlm.distributions(try Self.mlm.forward(e.ids, e.typeIds), positions: [2])[0]
        #expect(abs(full.reduce(0, +) - 1) < 1e-4)
    }

    @Test func multiPieceTargetsAreFilledLeftToRight() throws {
        let e = Self.mlm.tokenizer.encode("the [MASK] of")
        let word = "thes"  // the + ##s
        let s = try Self.mlm.score(word: word, at: 2, in: e)
        #expect(s.pieces.count >= 2 && s.pieceProbabilities.count == s.pieces.count)
        #expect(abs(s.probability - s.pieceProbabilities.reduce(1, *)) < 1e-9)
        // The first piece is scored with one [MASK] per piece in place.
        let wide = Self.mlm.tokenizer.encode("the " + String(repeating: "[MASK] ", count: s.pieces.count) + "of")
        let d = try Self.mlm.distributions(try Self.mlm.forward(wide.ids, wide.typeIds), positions: [2])[0]
        let firstId = try #require(Self.mlm.tokenizer.id(for: s.pieces[0]))
        #expect(abs(d[firstId] - s.pieceProbabilities[0]) < 1e-6)
    }

    @Test func pseudoLogLikelihoodMasksEachToken() throws {
        let e = Self.mlm.tokenizer.encode("the of a")
        let (total, per) = try Self.mlm.pseudoLogLikelihood(e)
        #expect(per.map(\.position) == [1, 2, 3])
        var ids = e.ids
        ids[2] = Self.mlm.maskId
        let p = try Self.mlm.distributions(try Self.mlm.forward(ids, e.typeIds), positions: [2])[0][e.ids[2]]
        #expect(abs(per[1].logProbability - Double(log(p))) < 1e-5)
        #expect(abs(total - per.reduce(0) { $0 + $1.logProbability }) < 1e-9)
    }

    @Test func logitLensEndsAtTheFinalAnswer() throws {
        let e = Self.mlm.tokenizer.encode("the [MASK] of")
        let rows = try Self.mlm.logitLens(try Self.mlm.forward(e.ids, e.typeIds), position: 2, k: 3)
        #expect(rows.count == 4)  // embeddings + 3 layers
        #expect(rows.last?.finalRank == 1)
        #expect(rows.allSatisfy { $0.top.count == 3 && $0.finalRank >= 1 })
    }

    @Test func iterativeFillRemovesEveryMask() throws {
        let e = Self.mlm.tokenizer.encode("[MASK] the [MASK] of [MASK]")
        for order in MaskedLanguageModel.FillOrder.allCases {
            let steps = try Self.mlm.iterativeFill(e, order: order)
            #expect(steps.count == 3 && Set(steps.map(\.position)) == [1, 3, 5])
            if order == .leftToRight { #expect(steps.map(\.position) == [1, 3, 5]) }
        }
    }

    @Test func maskingLabFollowsBertsRecipe() throws {
        let e = Self.mlm.tokenizer.encode(Array(repeating: "the of a", count: 20).joined(separator: " "))
        let lab = MaskingLab(e, seed: 7, maskId: Self.mlm.maskId, vocabSize: 1106)
        #expect(lab == MaskingLab(e, seed: 7, maskId: Self.mlm.maskId, vocabSize: 1106))  // reproducible
        #expect(lab.choices.allSatisfy { e.specialTokensMask[$0.position] == 0 })
        #expect(lab.choices.count > 0 && lab.choices.count < 20)
        for c in lab.choices {
            switch c.fate {
            case .masked: #expect(lab.corrupted[c.position] == Self.mlm.maskId)
            case .kept: #expect(lab.corrupted[c.position] == c.original)
            case .randomized: #expect(lab.corrupted[c.position] == c.input)
            }
        }
        // Over many seeds: ~15% chosen, ~80% of those masked.
        var chosen = 0, masked = 0, total = 0
        for seed in 0..<200 {
            let l = MaskingLab(e, seed: UInt64(seed), maskId: Self.mlm.maskId, vocabSize: 1106)
            chosen += l.choices.count
            masked += l.choices.filter { $0.fate == .masked }.count
            total += 60
        }
        #expect(abs(Double(chosen) / Double(total) - 0.15) < 0.02)
        #expect(abs(Double(masked) / Double(chosen) - 0.8) < 0.04)
        let evaluated = try lab.evaluated(with: Self.mlm, typeIds: e.typeIds)
        #expect(evaluated.choices.allSatisfy { $0.predicted >= 0 })
    }
}

import Foundation

@Suite struct BatchedScoringTests {
    /// Batched passes give the same last hidden states as one-at-a-time forwards,
    /// and the same pseudo-log-likelihood, in every family that batches.
    @Test(arguments: [
        "tiny-bert-pretraining", "tiny-distilbert-mlm", "tiny-electra-generator", "tiny-roberta-mlm",
        "tiny-albert-pretraining",
    ])
    func batchesMatchSinglePasses(model: String) throws {
        let dir = Fixtures.model(model)
        let encoder = try BertEncoder(directory: dir)
        let mlm = try MaskedLanguageModel(encoder: encoder, tokenizer: try Tokenizer.load(directory: dir))
        let e = mlm.tokenizer.encode("the cat sat on the mat and the dog ran")
        #expect(encoder.supportsBatches)
        let variants = (1..<4).map { i -> [Int] in
            var ids = e.ids; ids[i] = mlm.maskId; return ids
        }
        var batched: [Float] = []
        try encoder.lastHidden(batch: variants, typeIds: e.typeIds, workspace: encoder.makeWorkspace(), into: &batched)
        let d = encoder.config.hiddenSize, n = e.ids.count
        for (s, ids) in variants.enumerated() {
            let t = try encoder.forward(ids: ids, typeIds: e.typeIds)
            let single = Array(t.hiddenStates[(t.layers * n * d)..<((t.layers + 1) * n * d)])
            #expect(maxAbsDiff(batched[(s * n * d)..<((s + 1) * n * d)], single) <= 1e-5, "\(model) sequence \(s)")
        }
        // Every layer at once (probing's feature extraction): the single passes' hidden states, layer by layer.
        var all: [Float] = []
        try encoder.hiddenStates(batch: variants, typeIds: e.typeIds, workspace: encoder.makeWorkspace(), into: &all)
        let rows = variants.count * n
        #expect(all.count == (encoder.config.numLayers + 1) * rows * d)
        for (s, ids) in variants.enumerated() {
            let t = try encoder.forward(ids: ids, typeIds: e.typeIds)
            for l in 0...t.layers {
                let got = all[((l * rows + s * n) * d)..<((l * rows + (s + 1) * n) * d)]
                #expect(
                    maxAbsDiff(got, Array(t.hiddenStates[(l * n * d)..<((l + 1) * n * d)])) <= 1e-5,
                    "\(model) layer \(l)")
            }
        }
        // The PLL, against masking each token by hand.
        let (total, per) = try mlm.pseudoLogLikelihood(e)
        var reference = 0.0
        for i in e.ids.indices where e.specialTokensMask[i] == 0 {
            var ids = e.ids
            ids[i] = mlm.maskId
            reference += log(
                Double(max(try mlm.distributions(try mlm.forward(ids, e.typeIds), positions: [i])[0][e.ids[i]], 1e-30)))
        }
        #expect(
            per.count == e.ids.count - 2 && abs(total - reference) <= 1e-4 * max(1, abs(reference)),
            "\(model): \(total) vs \(reference)")
    }

    @Test func debertaScoresOneAtATime() throws {
        let dir = Fixtures.model("tiny-deberta-v3-mlm")
        let encoder = try BertEncoder(directory: dir)
        #expect(!encoder.supportsBatches)
        let mlm = try MaskedLanguageModel(encoder: encoder, tokenizer: try Tokenizer.load(directory: dir))
        let (total, _) = try mlm.pseudoLogLikelihood(mlm.tokenizer.encode("the cat sat"))
        #expect(total.isFinite && total < 0)
    }
}
