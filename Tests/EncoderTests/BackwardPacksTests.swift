import Encoder
import Foundation
import Testing
import TestSupport

@testable import Encoder

/// The backward pass through the transposed packs (what models within the budget run) and
/// through the weights in place (what larger ones run) give the same gradients, on every
/// family the packs serve: BERT, ALBERT's shared layers, DeBERTa's position terms.
@Suite struct BackwardPacksTests {
    @Test(arguments: [
        "tiny-bert-pretraining", "tiny-albert-pretraining", "tiny-deberta-v2-mlm", "tiny-electra-generator",
    ])
    func packedAndInPlaceGradientsAgree(model: String) throws {
        let dir = Fixtures.model(model)
        let packed = try BertEncoder(directory: dir), inPlace = try BertEncoder(directory: dir)
        inPlace.backwardPacks.disable()
        let ids = [2, 17, 30, 4, 55, 19, 3], target = GradientTarget.maskedLogit(position: 3, token: 20)
        // Two sequences in one batch: the word rows of one and a scaled copy (IG's points).
        let one = try packed.wordEmbeddings(ids), words = one + one.map { $0 * 0.5 }
        let a = try packed.embeddingGradients(words: words, ids: ids, typeIds: nil, batch: 2, target: target)
        let b = try inPlace.embeddingGradients(words: words, ids: ids, typeIds: nil, batch: 2, target: target)
        #expect(packed.backwardPacks.layers(packed.weights, packed.config) != nil, "the packs are in use")
        #expect(inPlace.backwardPacks.layers(inPlace.weights, inPlace.config) == nil)
        let scale = max(1, b.gradients.map(abs).max() ?? 1)
        #expect(maxAbsDiff(a.gradients, b.gradients) <= 1e-5 * scale, "\(model)")
        #expect(maxAbsDiff(a.values, b.values) == 0, "the forward is the same")
        #expect(b.gradients.contains { $0 != 0 })
    }
}
