import Checkpoint
import Encoder
import Foundation
import Tokenizers

/// Token attribution methods `explain` offers.
public enum AttributionMethod: String, Sendable, CaseIterable {
    case gradInput = "grad-input"
    case integratedGradients = "integrated-gradients"
    case occlusion
    case gradientNorm = "gradient-norm"

    /// Whether scores have a sign (toward or against the target); the gradient's norm has none.
    public var isSigned: Bool { self != .gradientNorm }
}

/// One explanation: a number per token (specials included) for the target.
public struct Attribution: Sendable, Equatable {
    public let method: AttributionMethod
    public let target: GradientTarget
    /// The target's logit on the input.
    public let logit: Float
    public let scores: [Float]
    /// Integrated gradients: Σ scores − (logit(x) − logit(baseline)).
    public let completenessGap: Float?
    public let baselineLogit: Float?
    /// Set when the method says nothing for this model (and scores are all zero).
    public let degenerate: String?
}

extension Attribution {
    /// The typed (non-special) position of `e` with the largest |attribution|.
    public func strongest(in e: Encoding) -> Int? {
        e.tokens.indices.filter { !e.isSpecial($0) && $0 < scores.count }.max { abs(scores[$0]) < abs(scores[$1]) }
    }
}

/// Gradients-based and perturbation attributions of one target logit with
/// respect to the word-embedding lookup's output e.
public struct Explainer: Sendable {
    public let encoder: BertEncoder
    public let tokenizer: Tokenizer
    public var ablation = HeadSet()
    /// Asked between batches of passes; when it says yes the method throws CancellationError.
    public var isCancelled: (@Sendable () -> Bool)? = nil

    public init(encoder: BertEncoder, tokenizer: Tokenizer) {
        self.encoder = encoder
        self.tokenizer = tokenizer
    }

    /// Integrated gradients' quadrature points on the command line
    /// (`explain --steps`' default).
    public static let defaultSteps = 50
    /// Integrated gradients' quadrature points in the workbench: few enough
    /// to keep it interactive.
    public static let interactiveSteps = 16

    public func explain(_ e: Encoding, target: GradientTarget, method: AttributionMethod, steps: Int = defaultSteps)
        throws -> Attribution
    {
        switch method {
        case .gradInput, .gradientNorm: return try gradient(e, target: target, method: method)
        case .integratedGradients: return try integratedGradients(e, target: target, steps: steps)
        case .occlusion: return try occlusion(e, target: target)
        }
    }

    /// Why Σ grad·e says nothing: with no positions, token types or biased
    /// projection added before the embedding LayerNorm (DeBERTa-v3), the
    /// logit is invariant to scaling e, so grad·e sums to zero (Euler).
    public var gradInputIsDegenerate: String? {
        let c = encoder.config, emb = encoder.weights.embeddings
        guard c.family == .debertaV2, emb.position == nil, emb.tokenType == nil, emb.projection?.bias == nil else {
            return nil
        }
        return
            "grad-input is zero here: \(c.modelType) applies LayerNorm directly to the word embeddings (no positions added), so the logit does not change when e is scaled and Σ grad·e = 0; use integrated-gradients or occlusion"
    }

    private func gradient(_ e: Encoding, target: GradientTarget, method: AttributionMethod) throws -> Attribution {
        let words = try encoder.wordEmbeddings(e.ids), width = encoder.config.embeddingSize
        let g = try encoder.embeddingGradients(
            words: words, ids: e.ids, typeIds: e.typeIds, batch: 1, target: target, ablate: ablation,
            isCancelled: isCancelled)
        let degenerate = method == .gradInput ? gradInputIsDegenerate : nil
        let scores: [Float] = (0..<e.count).map { i in
            let row = (i * width)..<((i + 1) * width)
            if method == .gradientNorm {
                return Float(g.gradients[row].reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot())
            }
            if degenerate != nil { return 0 }
            return Float(zip(g.gradients[row], words[row]).reduce(0.0) { $0 + Double($1.0) * Double($1.1) })
        }
        return Attribution(
            method: method, target: target, logit: g.values[0], scores: scores, completenessGap: nil,
            baselineLogit: nil, degenerate: degenerate)
    }

    /// The baseline: every non-special token replaced by the pad token.
    public func baselineIds(_ e: Encoding) -> [Int] {
        let pad = tokenizer.id(for: "[PAD]") ?? tokenizer.id(for: "<pad>") ?? encoder.config.padTokenId
        return e.ids.indices.map { e.isSpecial($0) ? e.ids[$0] : pad }
    }

    private func integratedGradients(_ e: Encoding, target: GradientTarget, steps: Int) throws -> Attribution {
        guard steps >= 1, steps <= 1000 else { throw EncoderError("--steps must be between 1 and 1000") }
        let x = try encoder.wordEmbeddings(e.ids), base = try encoder.wordEmbeddings(baselineIds(e))
        let width = encoder.config.embeddingSize, n = e.count, rule = GaussLegendre.rule(steps)
        var summed = [Double](repeating: 0, count: n * width)
        let chunk = chunkSize(tokens: n)
        for start in stride(from: 0, to: steps, by: chunk) {
            if isCancelled?() == true { throw CancellationError() }
            let alphas = Array(rule.alphas[start..<min(steps, start + chunk)])
            var words = [Float](repeating: 0, count: alphas.count * n * width)
            for (b, a) in alphas.enumerated() {
                for k in 0..<(n * width) { words[b * n * width + k] = base[k] + Float(a) * (x[k] - base[k]) }
            }
            let g = try encoder.embeddingGradients(
                words: words, ids: e.ids, typeIds: e.typeIds, batch: alphas.count, target: target, ablate: ablation,
                isCancelled: isCancelled)
            for b in alphas.indices {
                let w = rule.weights[start + b]
                for k in 0..<(n * width) { summed[k] += w * Double(g.gradients[b * n * width + k]) }
            }
        }
        let scores: [Float] = (0..<n).map { i in
            var s = 0.0
            for k in (i * width)..<((i + 1) * width) { s += summed[k] * Double(x[k] - base[k]) }
            return Float(s)
        }
        let values = try encoder.targetValues(
            words: x + base, ids: e.ids, typeIds: e.typeIds, batch: 2, target: target, ablate: ablation,
            isCancelled: isCancelled)
        let gap = Double(scores.reduce(0, +)) - Double(values[0] - values[1])
        return Attribution(
            method: .integratedGradients, target: target, logit: values[0], scores: scores,
            completenessGap: Float(gap), baselineLogit: values[1], degenerate: nil)
    }

    /// Passes per batch: at most 32, or 2 when a newer input can stop the
    /// work (it is asked per layer of a batch: a keystroke waits at most one
    /// layer of two passes; with 8 the default model's keystroke-to-answer
    /// p95 was 22 ms), and about 64 MB of saved activations.
    private func chunkSize(tokens n: Int) -> Int {
        let perSequence = max(1, Int(encoder.tapeBytes(tokens: n)))
        return max(1, min(isCancelled == nil ? 32 : 2, (64 << 20) / perSequence))
    }

    private func occlusion(_ e: Encoding, target: GradientTarget) throws -> Attribution {
        guard let mask = tokenizer.maskId else {
            throw EncoderError("occlusion needs a mask token; the tokenizer has none")
        }
        let groups = e.wordGroups(of: e.typedPositions)
        var variants: [[Int]] = [e.ids]
        for g in groups {
            var ids = e.ids
            for p in g { ids[p] = mask }
            variants.append(ids)
        }
        var values: [Float] = []
        let width = encoder.config.embeddingSize, chunk = chunkSize(tokens: e.count)
        for start in stride(from: 0, to: variants.count, by: chunk) {
            if isCancelled?() == true { throw CancellationError() }
            let part = variants[start..<min(variants.count, start + chunk)]
            var words: [Float] = []
            words.reserveCapacity(part.count * e.count * width)
            for ids in part { words += try encoder.wordEmbeddings(ids) }
            values += try encoder.targetValues(
                words: words, ids: e.ids, typeIds: e.typeIds, batch: part.count, target: target, ablate: ablation,
                isCancelled: isCancelled)
        }
        var scores = [Float](repeating: 0, count: e.count)
        for (k, g) in groups.enumerated() { for p in g { scores[p] = values[0] - values[k + 1] } }
        return Attribution(
            method: .occlusion, target: target, logit: values[0], scores: scores, completenessGap: nil,
            baselineLogit: nil, degenerate: nil)
    }
}
