import Encoder
import Foundation
import Testing
import TestSupport

/// The attention-scale experiment (`HeadSet.attentionScale`): the model's
/// own 1/√dₕ changes nothing, no scaling sharpens the heads, and the
/// backward pass follows the same scale (gradients equal finite differences).
@Suite struct AttentionScaleTests {
    static func entropy(_ t: Trace) -> Double {
        var h = 0.0
        for p in t.attentions where p > 0 { h -= Double(p) * log(Double(p)) }
        return h
    }

    @Test func theModelsOwnScaleChangesNothingAndNoScalingSharpens() throws {
        let enc = try BertEncoder(directory: Fixtures.model("tiny-bert-pretraining"))
        let ids = [2, 17, 30, 41, 55, 12, 3]
        let plain = try enc.forward(ids: ids)
        var own = HeadSet()
        own.attentionScale = 1 / Float(enc.config.headDim).squareRoot()
        #expect(try enc.forward(ids: ids, ablate: own) == plain)
        var none = HeadSet()
        none.attentionScale = 1
        let sharp = try enc.forward(ids: ids, ablate: none)
        #expect(Self.entropy(sharp) < Self.entropy(plain))
        #expect(sharp.hiddenState(layer: 1, token: 1) != plain.hiddenState(layer: 1, token: 1))
    }

    @Test func gradientsFollowTheScale() throws {
        let enc = try BertEncoder(directory: Fixtures.model("tiny-bert-pretraining"))
        let ids = [2, 17, 30, 4, 55, 3]
        var none = HeadSet()
        none.attentionScale = 1
        let words = try enc.wordEmbeddings(ids)
        let target = GradientTarget.maskedLogit(position: 3, token: 20)
        let g = try enc.embeddingGradients(words: words, ids: ids, typeIds: nil, batch: 1, target: target, ablate: none)
        // Central differences on a few coordinates, in doubles of float passes.
        for k in [0, 5, 2 * enc.config.embeddingSize + 3, 4 * enc.config.embeddingSize + 7] {
            let eps: Float = 1e-2
            var up = words, down = words
            up[k] += eps
            down[k] -= eps
            let f = { (w: [Float]) in
                try enc.targetValues(words: w, ids: ids, typeIds: nil, batch: 1, target: target, ablate: none)[0]
            }
            let numeric = (try f(up) - f(down)) / (2 * eps)
            #expect(
                abs(numeric - g.gradients[k]) < 2e-2 * max(1, abs(numeric)),
                "coordinate \(k): \(numeric) vs \(g.gradients[k])")
        }
    }
}
