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
    /// One token's FFN updates recomputed (a layer's values for every token each) and projected: ~one forward pass.
    static let ffnLens = SessionAnalysis(
        kind: .ffnLens,
        wanted: { _, r in r.awaits(.ffnLens) },
        run: { s, r, ctx in
            guard let token = r.input.request(.ffnLens, as: Int.self) else { return true }
            var out = FFNLensOutcome(token: token)
            if let t = r.trace {
                let enc = s.viewEncoder(r.input)
                do {
                    out.layers = try enc.ffnUpdates(t, token: token).map { u in
                        (enc.promotedTokens(u, k: 3) ?? []).map {
                            (s.model.tokenizer.token(for: $0.id) ?? "?", $0.score)
                        }
                    }
                } catch {
                    out.error = "\(error)"
                }
            } else {
                out.error = r.error ?? "the model did not run on this input"
            }
            if ctx.isCancelled() { return false }
            r.outcomes[.ffnLens] = out
            return true
        })
}

extension EncodeResult {
    public var ffnLens: FFNLensOutcome? { outcomes[.ffnLens] as? FFNLensOutcome }
}
