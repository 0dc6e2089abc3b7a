import Analysis

/// The terms a BERT course uses, each in two sentences of our own and a jump
/// to the view that shows it live on the sentence typed (`:glossary`, and
/// the command palette lists them). A jump changes only what is shown —
/// never the text, the pair or the masks the user typed.
struct GlossaryEntry: Sendable {
    let term: String
    let text: String
    /// Where the jump goes, said after the text ("the x-ray in the tokens pane").
    let shows: String
    let jump: @Sendable (inout WorkbenchState) -> Void
}

enum Glossary {
    static func named(_ query: String) -> GlossaryEntry? {
        let q = query.lowercased().trimmingCharacters(in: .whitespaces)
        guard !q.isEmpty else { return nil }
        return all.first { $0.term.lowercased() == q } ?? all.first { $0.term.lowercased().hasPrefix(q) }
            ?? all.max { (FuzzyMatch.score(q, in: $0.term) ?? 0) < (FuzzyMatch.score(q, in: $1.term) ?? 0) }
            .flatMap { (FuzzyMatch.score(q, in: $0.term) ?? 0) > 0 ? $0 : nil }
    }

    /// Applies `e`'s jump and says its text, so the words stay beside the view.
    static func open(_ e: GlossaryEntry, _ s: inout WorkbenchState) {
        s.overlay = .none
        e.jump(&s)
        s.say("\(e.term): \(e.text) (\(e.shows))")
    }

    static let all: [GlossaryEntry] = [
        entry(
            "WordPiece",
            "A word missing from the vocabulary is split into the longest known pieces from its start; later pieces carry ##. The x-ray shows every step for the selected word.",
            "the x-ray in the tokens pane", tokens),
        entry(
            "[UNK]",
            "The token for text no piece can spell. WordPiece gives it for a whole word when any of its characters is unknown, so one emoji can hide a word.",
            "the tokens pane ([UNK] in red, with the reason)", tokens),
        entry(
            "[CLS]",
            "A token put before the sentence; its last hidden state is what classification heads read. Many heads send idle attention to it.",
            "the attention pane, special tokens shown", specials),
        entry(
            "[SEP]",
            "The token that ends each sentence of the input, so a pair reads A [SEP] B [SEP]. In BERT idle heads often attend to it.",
            "the attention pane, special tokens shown", specials),
        entry(
            "segment (token type) embedding",
            "A learnt vector added to each token saying whether it belongs to sentence A or B. The tokens table lists the type of each token.",
            "the layer anatomy: word + position + token type", anatomy),
        entry(
            "position embedding",
            "A learnt vector per position (0 to 511) added to the token's embedding, since attention itself ignores order. DeBERTa uses relative positions instead.",
            "the layer anatomy: word + position + token type", anatomy),
        entry(
            "self-attention",
            "Each token builds a query and compares it with every token's key; the softmax of the scores weights their values. The heatmap is those weights, queries in rows.",
            "the attention pane: one head's map", head),
        entry(
            "query, key, value",
            "Three projections of each token's vector: the query asks, the keys are matched against it, the values are what is mixed. Each head has its own.",
            "the attention arithmetic of the cursor cell", arithmetic),
        entry(
            "scaled dot product",
            "A score is the query-key dot product divided by the square root of the head's width, so scores do not grow with dₕ. The arithmetic shows both steps.",
            "the attention arithmetic of the cursor cell", arithmetic),
        entry(
            "softmax",
            "Turns a row of scores into weights that are positive and sum to 1, computed with the row's maximum subtracted. A large score takes nearly all the weight.",
            "the attention arithmetic: the whole row", arithmetic),
        entry(
            "multi-head attention",
            "Several heads attend in parallel, each in its own small subspace, and their outputs are joined and projected. Heads specialise: previous token, [SEP], broad.",
            "the overview of all layers × heads", overview),
        entry(
            "residual connection",
            "Each sub-layer adds its output to its input instead of replacing it, so a token's vector is a running sum. The anatomy shows how much each addition moves it.",
            "the layer anatomy of the selected token", anatomy),
        entry(
            "layer normalization",
            "After each addition the vector is shifted to mean 0 and scaled to variance 1, then multiplied by γ and shifted by β. BERT normalizes after the addition (post-LN); newer encoders before it.",
            "the layer anatomy of the selected token", anatomy),
        entry(
            "feed-forward network",
            "Two linear layers with an activation between them, applied to each token on its own after attention. They hold about two thirds of a layer's weights.",
            "the layer anatomy of the selected token", anatomy),
        entry(
            "GELU",
            "The activation of BERT's feed-forward network: x times the probability that a standard normal is below x. It is a smooth ReLU that lets small negative values through.",
            "the layer anatomy of the selected token", anatomy),
        entry(
            "masked LM and 80/10/10",
            "BERT learnt by guessing hidden tokens: 15% are chosen, of those 80% become [MASK], 10% a random token and 10% stay. The masking lab does exactly that.",
            "the masking lab in the predictions pane", maskingLab),
        entry(
            "next-sentence prediction",
            "BERT's second pretraining task: does sentence B follow A, or come from another text. Type a second sentence on line B for the verdict.",
            "the predictions pane (a pair on line B)", predictions),
        entry(
            "pooler",
            "A dense layer with tanh applied to the [CLS] vector. BERT's next-sentence and classification heads read its output.",
            "the predictions pane: the task head's answer", predictions),
        entry(
            "fine-tuning and task heads",
            "A small head trained on top of the encoder for one task, usually with some top layers retrained too. L shows the layers the head actually used.",
            "the predictions pane; L switches the layers shown", predictions),
        entry(
            "attention visualisation",
            "Drawing attention weights as a heatmap; a map shows where a head looks, not why the model decides. Rollout and the norm views are corrections.",
            "the attention pane: one head's map", head),
        entry(
            "attention rollout",
            "Multiplies the layers' head-averaged maps, with the residual added, from the first layer up. It estimates how much each input token reaches a position through all the layers.",
            "the attention pane's rollout view", rollout),
        entry(
            "probing",
            "A small classifier trained on one layer's vectors to predict a property such as part of speech. Its accuracy says how readable the property is at that layer.",
            "the probing pane", probing),
        entry(
            "attribution",
            "A score per input token for how much it pushed a decision, e.g. integrated gradients along a path from a baseline. e cycles the methods.",
            "the explanation under the task head's answer", predictions),
        entry(
            "logit lens",
            "The masked-LM head applied to every layer's hidden state, showing when the final guess appears. The rank says how far the final answer is at each layer.",
            "the logit lens under a mask's guesses", predictions),
        entry(
            "sliding windows",
            "A text longer than the model's 512 positions is cut into overlapping windows, as Hugging Face tokenizers do with a stride. The keys < and > walk through them.",
            "the tokens pane's window strip (a long text)", tokens),
        entry(
            "head ablation",
            "Knocking a head out (its context set to zero) and watching what changes: a causal test of what the head does. a toggles the head shown.",
            "the attention pane: a ablates the head shown", head),
    ]

    private static func entry(
        _ term: String, _ text: String, _ shows: String, _ jump: @escaping @Sendable (inout WorkbenchState) -> Void
    ) -> GlossaryEntry {
        GlossaryEntry(term: term, text: text, shows: shows, jump: jump)
    }

    // The jumps: what is shown, never what was typed.
    private static let tokens: @Sendable (inout WorkbenchState) -> Void = { s in
        s.focus = .tokens; s.zoomed = false
    }
    private static let head: @Sendable (inout WorkbenchState) -> Void = { s in attention(&s, view: .head) }
    private static let rollout: @Sendable (inout WorkbenchState) -> Void = { s in attention(&s, view: .rollout) }
    private static let specials: @Sendable (inout WorkbenchState) -> Void = { s in
        attention(&s, view: .head)
        s.attention.hideSpecial = false
    }
    private static let overview: @Sendable (inout WorkbenchState) -> Void = { s in
        attention(&s, view: .head)
        s.attention.overview = true
    }
    private static let arithmetic: @Sendable (inout WorkbenchState) -> Void = { s in panel(&s, .arithmetic) }
    private static let anatomy: @Sendable (inout WorkbenchState) -> Void = { s in panel(&s, .anatomy) }
    private static let predictions: @Sendable (inout WorkbenchState) -> Void = { s in
        s.focus = .predictions; s.zoomed = false
    }
    private static let maskingLab: @Sendable (inout WorkbenchState) -> Void = { s in
        s.focus = .predictions; s.zoomed = false
        if s.labSeed == nil { s.labSeed = 1 }
    }
    private static let probing: @Sendable (inout WorkbenchState) -> Void = { s in
        s.focus = .probing; s.zoomed = false
    }

    private static func attention(_ s: inout WorkbenchState, view: AttentionViewKind) {
        s.focus = .attention
        s.zoomed = false
        s.attention.view = view
        s.attention.overview = false; s.attention.finder = nil; s.attention.panel = nil
        s.attention.importance = false; s.attention.patching = false; s.attention.comparing = false
    }

    private static func panel(_ s: inout WorkbenchState, _ p: Context) {
        attention(&s, view: .head)
        s.attention.panel = p
        s.attention.panelCursor = 0
    }
}
