import Analysis
import Checkpoint
import Encoder
import Foundation
import TestSupport
import Testing
import Tokenizers

/// Exact gradients and attributions against torch autograd and Captum
/// (attribution_goldens.json, make_attribution_goldens.py): sequence
/// classifiers of every family and masked-LMs.
@Suite struct AttributionParityTests {
    static let models = [
        "heads/bert-sequence", "heads/distilbert-sequence", "heads/roberta-sequence", "heads/xlm-roberta-sequence",
        "heads/albert-sequence", "heads/electra-sequence", "heads/deberta-v3-sequence", "heads/bert-sequence-multi",
        "heads/camembert-sequence", "heads/deberta-v2-sequence",
        "tiny-bert-mlm-f16", "tiny-distilbert-mlm", "tiny-roberta-mlm", "tiny-albert-pretraining",
        "tiny-deberta-v3-mlm", "tiny-electra-generator", "tiny-modernbert-cls", "tiny-modernbert-cls-mean",
        "tiny-modernbert-mlm",
    ]

    /// `floor`: the scale below which errors count as rounding (grad-input's sums cancel: see its call).
    private func close(_ got: [Float], _ want: [Double], _ what: String, _ name: String, floor: Double = 1e-6) {
        let scale = max(floor, want.map { abs($0) }.max() ?? 0)
        let diff = maxAbsDiff(got, want.map(Float.init))
        #expect(diff <= Float(2e-3 * scale), "\(name) \(what): differs by \(diff) (largest |value| \(scale))")
    }

    @Test(arguments: models)
    func attributionsMatchCaptum(name: String) throws {
        let dir = Fixtures.model(name)
        let goldens = try Fixtures.json(dir.appendingPathComponent("attribution_goldens.json"))
        let grads = try SafeTensorsFile(path: dir.appendingPathComponent("attribution_goldens.safetensors").path)
        let encoder = try BertEncoder(directory: dir), tokenizer = try Tokenizer.load(directory: dir)
        let explainer = Explainer(encoder: encoder, tokenizer: tokenizer)
        let steps = goldens["steps"] as! Int
        for (i, c) in (goldens["cases"] as! [[String: Any]]).enumerated() {
            let e = tokenizer.encode(c["text"] as! String, maxLength: encoder.config.maxTokens)
            #expect(e.ids == c["ids"] as! [Int], "\(name): tokenization differs")
            let target: GradientTarget =
                (c["position"] as? Int).map { .maskedLogit(position: $0, token: c["target"] as! Int) }
                ?? .taskLogit(label: c["target"] as! Int)
            // The gradient itself, within 1e-4 of the largest entry.
            let g = try encoder.embeddingGradients(
                words: try encoder.wordEmbeddings(e.ids), ids: e.ids, typeIds: e.typeIds, batch: 1, target: target)
            #expect(abs(g.values[0] - Float(c["logit"] as! Double)) <= 1e-4, "\(name): logit \(g.values[0])")
            let want = try grads.tensor("case\(i).grad").values
            let scale = want.map { abs($0) }.max() ?? 1
            let diff = maxAbsDiff(g.gradients, want)
            #expect(diff <= 1e-4 * max(scale, 1e-3), "\(name): gradient differs by \(diff) (largest \(scale))")

            let gi = try explainer.explain(e, target: target, method: .gradInput)
            if name.contains("deberta-v3") {
                #expect(gi.degenerate != nil && gi.scores.allSatisfy { $0 == 0 })
                #expect((c["grad_input"] as! [Double]).allSatisfy { abs($0) < 1e-4 }, "Captum's is ~0 too")
            } else {
                #expect(gi.degenerate == nil)
                // Σₖ gₖ·eₖ of small random embeddings can cancel to far below its terms: the terms' size
                // bounds its rounding (ModernBERT's tiny checkpoints: sums ~1e-3 of terms ~1e-2).
                let words = try encoder.wordEmbeddings(e.ids), width = encoder.config.embeddingSize
                let terms = (0..<e.count).map { i in
                    (0..<width).reduce(0.0) { $0 + Double(abs(want[i * width + $1] * words[i * width + $1])) }
                }
                close(gi.scores, c["grad_input"] as! [Double], "grad-input", name, floor: terms.max() ?? 0)
            }
            close(
                try explainer.explain(e, target: target, method: .gradientNorm).scores,
                c["gradient_norm"] as! [Double], "gradient-norm", name)
            let ig = try explainer.explain(e, target: target, method: .integratedGradients, steps: steps)
            close(ig.scores, c["integrated_gradients"] as! [Double], "integrated-gradients", name)
            #expect(abs((ig.baselineLogit ?? .nan) - Float(c["baseline_path_logit"] as! Double)) <= 1e-4)
            if !encoder.config.family.isRoberta {
                // Captum's delta runs the pad ids themselves; RoBERTa then moves positions (pads take padding_idx).
                #expect(abs((c["ig_delta"] as! Double) - (c["completeness_gap"] as! Double)) <= 1e-3)
            }
            let delta = c["completeness_gap"] as! Double
            #expect(abs(Double(ig.completenessGap ?? .nan) - delta) <= 2e-3 * max(1, abs(delta)), "\(name) gap")
            close(
                try explainer.explain(e, target: target, method: .occlusion).scores, c["occlusion"] as! [Double],
                "occlusion", name)
        }
    }

    /// A newer keystroke stops integrated gradients within a layer, not a batch:
    /// the question is asked before every layer, forward and backward, and the
    /// answer is the same as an uninterrupted run's.
    @Test func integratedGradientsStopBetweenLayers() throws {
        let dir = Fixtures.model("heads/bert-sequence")
        let encoder = try BertEncoder(directory: dir), tokenizer = try Tokenizer.load(directory: dir)
        let e = tokenizer.encode("the cat sat on the mat", maxLength: encoder.config.maxTokens)
        final class Counter: @unchecked Sendable { var calls = 0, stopAt = Int.max }
        let counter = Counter()
        var explainer = Explainer(encoder: encoder, tokenizer: tokenizer)
        explainer.isCancelled = {
            counter.calls += 1; return counter.calls >= counter.stopAt
        }
        let whole = try explainer.explain(e, target: .taskLogit(label: 0), method: .integratedGradients, steps: 16)
        // 16 points in batches of 2: 8 batches × (L forward + L backward) layer checks at least.
        #expect(counter.calls >= 8 * 2 * encoder.config.numLayers, "\(counter.calls) checks")
        var plain = Explainer(encoder: encoder, tokenizer: tokenizer)
        plain.ablation = explainer.ablation
        let reference = try plain.explain(e, target: .taskLogit(label: 0), method: .integratedGradients, steps: 16)
        #expect(zip(whole.scores, reference.scores).allSatisfy { abs($0 - $1) <= 1e-5 })
        counter.calls = 0
        counter.stopAt = 3  // inside the first batch's forward
        #expect(throws: CancellationError.self) {
            try explainer.explain(e, target: .taskLogit(label: 0), method: .integratedGradients, steps: 16)
        }
        #expect(counter.calls == 3)
    }

    @Test func gaussLegendreMatchesNumpy() {
        // numpy.polynomial.legendre.leggauss(3), mapped to [0, 1].
        let r = GaussLegendre.rule(3)
        let x = [-0.7745966692414834, 0.0, 0.7745966692414834], w = [5.0 / 9, 8.0 / 9, 5.0 / 9]
        for k in 0..<3 {
            #expect(abs(r.alphas[k] - (x[k] + 1) / 2) < 1e-14 && abs(r.weights[k] - w[k] / 2) < 1e-14)
        }
        for n in [1, 2, 16, 50, 200] {
            let rule = GaussLegendre.rule(n)
            #expect(abs(rule.weights.reduce(0, +) - 1) < 1e-12, "weights of \(n) points sum to 1")
            // Exact for polynomials of degree 2n − 1: ∫₀¹ α^(2n−1) dα = 1/(2n).
            let m = Double(2 * n - 1)
            let integral = zip(rule.alphas, rule.weights).reduce(0.0) { $0 + pow($1.0, m) * $1.1 }
            #expect(abs(integral - 1 / (m + 1)) < 1e-10)
        }
    }
}
