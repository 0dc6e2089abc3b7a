import Analysis
import Encoder

extension AnalysisKind {
    /// The tokens each layer's FFN update points to, for one token (asked for with its position).
    public static let ffnLens = AnalysisKind("ffnLens")
}

/// For one token, each layer's FFN update projected on the word embeddings
/// (the masked-LM decoder's tied weights): the words it pushes toward.
public struct FFNLensOutcome: AnalysisOutcome, Equatable {
    public var token: Int
    /// `[layer]`: the top words and their dot products, strongest first.
    public var layers: [[(token: String, score: Float)]] = []
    public var error: String?
    public var approximateBytes: Int { 256 + layers.count * 5 * 48 }

    public static func == (a: FFNLensOutcome, b: FFNLensOutcome) -> Bool {
        a.token == b.token && a.error == b.error && a.layers.count == b.layers.count
            && zip(a.layers, b.layers).allSatisfy { x, y in
                x.map(\.token) == y.map(\.token) && x.map(\.score) == y.map(\.score)
            }
    }
}

extension SessionAnalysis {
    /// One token's FFN updates, as the layer anatomy (run just before, for
    /// every token) computed them, projected on the vocabulary: a GEMV a layer.
    static let ffnLens = SessionAnalysis(
        kind: .ffnLens,
        wanted: { _, r in r.awaits(.ffnLens) && r.anatomy != nil },
        run: { s, r, ctx in
            guard let token = r.input.request(.ffnLens, as: Int.self) else { return true }
            var out = FFNLensOutcome(token: token)
            if let a = r.anatomy?.anatomy {
                let updates = (0..<a.layers).compactMap { a.ffnUpdate(layer: $0, token: token) }
                let words = s.viewEncoder(r.input).promotedTokens(updates, k: 3) ?? []
                out.layers = words.map { layer in layer.map { (s.model.tokenizer.token(for: $0.id) ?? "?", $0.score) } }
                if !(0..<a.tokens).contains(token) { out.error = "no token \(token) in this input" }
            } else {
                out.error = r.anatomy?.error ?? "the layer anatomy did not run on this input"
            }
            if ctx.isCancelled() { return false }
            r.outcomes[.ffnLens] = out
            return true
        })
}

extension EncodeResult {
    public var ffnLens: FFNLensOutcome? { outcomes[.ffnLens] as? FFNLensOutcome }
}
