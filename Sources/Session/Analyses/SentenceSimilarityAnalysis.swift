import Analysis
import Encoder

/// A typed pair compared as the model's authors intended: the cosine of the
/// two sentence vectors (sentence-transformers' pooling), and token by token.
public struct SentenceSimilarityOutcome: AnalysisOutcome, Equatable {
    public var similarity: SentenceSimilarity?
    public var error: String?
    public var approximateBytes: Int {
        256 + (similarity.map { $0.matrix.count * 4 + ($0.tokensA.count + $0.tokensB.count) * 32 } ?? 0)
    }
}

extension SessionAnalysis {
    /// Two passes of the published layers (A alone, B alone), after the pair's own answers.
    static let sentenceSimilarity = SessionAnalysis(
        kind: .sentenceSimilarity,
        wanted: { s, r in
            r.input.pair != nil && s.model.sentencePooling != nil && r.outcomes[.sentenceSimilarity] == nil
        },
        run: { s, r, ctx in
            guard let pooling = s.model.sentencePooling, let b = r.input.pair else { return true }
            var out = SentenceSimilarityOutcome()
            do {
                out.similarity = try SentenceEmbedder(
                    encoder: s.model.encoder, tokenizer: s.model.tokenizer, pooling: pooling
                )
                .compare(r.input.text, b)
            } catch {
                out.error = "\(error)"
            }
            if ctx.isCancelled() { return false }
            r.outcomes[.sentenceSimilarity] = out
            return true
        })
}

extension EncodeResult {
    public var sentenceSimilarity: SentenceSimilarityOutcome? {
        outcomes[.sentenceSimilarity] as? SentenceSimilarityOutcome
    }
}
