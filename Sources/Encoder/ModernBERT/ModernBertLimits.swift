import Checkpoint

extension BertEncoder {
    /// Why an analysis that recomputes BERT's post-LN layer (its arithmetic,
    /// anatomy, context mixing, value zeroing, resumed passes, gradients,
    /// batches) cannot run on this model; nil when it can. ModernBERT's
    /// pre-LN, rotary, GeGLU layers run in the forward pass and the masked LM
    /// only, so far (#30).
    public var postLayerNormOnly: String? {
        config.modern == nil
            ? nil
            : "not available for ModernBERT yet: its forward pass, attention maps, hidden states and masked LM are"
    }

    func requirePostLayerNorm(_ what: String) throws {
        if let why = postLayerNormOnly { throw EncoderError("\(what) is \(why)") }
    }
}
