import Analysis
import Encoder
import Tokenizers

extension SessionAnalysis {
    /// A typed pair's next-sentence verdict. From the trace when the
    /// checkpoint has the head; BertScope's overlay answers with its own top
    /// layers, a forward pass of its own, so it runs after the tokens and the
    /// attention are on screen instead of delaying them.
    static let nextSentence = SessionAnalysis(
        kind: .nextSentence,
        wanted: { s, r in r.input.pair != nil && r.trace != nil && r.nextSentence == nil && s.model.hasNextSentenceHead
        },
        run: { s, r, _ in
            if let trace = r.trace { r.nextSentence = s.nextSentence(r.encoding, r.input, trace: trace) }
            return true
        })
}

extension ModelSession {
    /// [is next, not next] for a pair, on the encoder that has the head.
    func nextSentence(_ e: Encoding, _ input: SessionInput, trace: Trace) -> (yes: Float, no: Float)? {
        guard let nsp = model.nextSentenceEncoder else { return nil }
        let state =
            nsp === viewEncoder(input)
            ? trace
            : try? nsp.forwardHidden(ids: e.ids, typeIds: e.typeIds, ablate: ablation(input, on: nsp))
        guard let state, let logits = try? nsp.nextSentenceLogits(state) else { return nil }
        let p = softmax(logits[...])
        return (p[0], p[1])
    }
}
