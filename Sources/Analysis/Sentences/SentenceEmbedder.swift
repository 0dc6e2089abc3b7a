import Checkpoint
import Encoder
import Tokenizers

/// Sentence vectors as the model's authors pool them (sentence-transformers'
/// Pooling and Normalize, `SentencePooling`), and two sentences compared:
/// the cosine of their vectors, and token by token (BERTScore's greedy
/// matching on the last layer's contextual vectors, special tokens left out).
public struct SentenceEmbedder: Sendable {
    public let encoder: BertEncoder
    public let tokenizer: Tokenizer
    public let pooling: SentencePooling

    public init(encoder: BertEncoder, tokenizer: Tokenizer, pooling: SentencePooling) {
        self.encoder = encoder; self.tokenizer = tokenizer; self.pooling = pooling
    }

    /// A text's tokens (cut at the authors' max_seq_length, as sentence-transformers
    /// does) and its last layer's hidden states (n, d).
    public func lastHidden(_ text: String) throws -> (encoding: Encoding, hidden: [Float]) {
        let limit = min(pooling.maxTokens ?? encoder.config.maxTokens, encoder.config.maxTokens)
        let e = tokenizer.encode(text, maxLength: limit)
        let trace = try encoder.forwardHidden(ids: e.ids, typeIds: e.typeIds)
        let n = e.count, d = encoder.config.hiddenSize, L = encoder.config.numLayers
        return (e, Array(trace.hiddenStates[(L * n * d)..<((L + 1) * n * d)]))
    }

    /// The sentence vector, and how many tokens were cut to fit.
    public func embed(_ text: String) throws -> (vector: [Float], truncated: Int) {
        let (e, h) = try lastHidden(text)
        return (pooling.pool(h, tokens: e.count, width: encoder.config.hiddenSize), e.truncated)
    }

    public func compare(_ a: String, _ b: String) throws -> SentenceSimilarity {
        let (ea, ha) = try lastHidden(a), (eb, hb) = try lastHidden(b)
        let d = encoder.config.hiddenSize
        let va = pooling.pool(ha, tokens: ea.count, width: d), vb = pooling.pool(hb, tokens: eb.count, width: d)
        let ra = ea.tokens.indices.filter { !ea.isSpecial($0) }, rb = eb.tokens.indices.filter { !eb.isSpecial($0) }
        func row(_ h: [Float], _ i: Int) -> ArraySlice<Float> { h[(i * d)..<((i + 1) * d)] }
        let matrix = ra.flatMap { i in rb.map { j in Self.cosine(row(ha, i), row(hb, j)) } }
        return SentenceSimilarity(
            cosine: Self.cosine(va[...], vb[...]), tokensA: ra.map { ea.tokens[$0] }, tokensB: rb.map { eb.tokens[$0] },
            matrix: matrix)
    }

    static func cosine(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Float {
        var dot: Double = 0, na: Double = 0, nb: Double = 0
        for (x, y) in zip(a, b) {
            dot += Double(x) * Double(y); na += Double(x) * Double(x); nb += Double(y) * Double(y)
        }
        return na > 0 && nb > 0 ? Float(dot / (na.squareRoot() * nb.squareRoot())) : 0
    }
}

/// Two sentences compared, whole and token by token.
public struct SentenceSimilarity: Sendable, Equatable {
    /// The cosine of the two sentence vectors (what the model was trained to make meaningful).
    public let cosine: Float
    /// The tokens compared (special tokens left out), and their cosines (A × B, row-major).
    public let tokensA: [String], tokensB: [String]
    public let matrix: [Float]

    public func similarity(_ i: Int, _ j: Int) -> Float { matrix[i * tokensB.count + j] }
    /// Each A token's most similar B token (greedy, as BERTScore matches), and the other way.
    public var bestForA: [Int] {
        tokensA.indices.map { i in tokensB.indices.max { similarity(i, $0) < similarity(i, $1) } ?? 0 }
    }
    public var bestForB: [Int] {
        tokensB.indices.map { j in tokensA.indices.max { similarity($0, j) < similarity($1, j) } ?? 0 }
    }
    /// BERTScore without idf weights or baseline rescaling, A the reference and
    /// B the candidate: recall = mean over A of its best match, precision over B.
    public var recall: Float { mean(tokensA.indices.map { similarity($0, bestForA[$0]) }) }
    public var precision: Float { mean(tokensB.indices.map { similarity(bestForB[$0], $0) }) }
    public var f1: Float { precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0 }

    private func mean(_ v: [Float]) -> Float { v.isEmpty ? 0 : v.reduce(0, +) / Float(v.count) }
}
