import Checkpoint

/// BERT's parameters, one struct per HF module so each can be read beside
/// `modeling_bert.py`. Tensors point into the mmapped checkpoint.
public struct BertWeights: Sendable {
    public struct Linear: Sendable {
        public let weight: Tensor  // (out, in), used in place
        public let bias: Tensor?  // (out)
        public var outFeatures: Int { weight.shape[0] }
        public var inFeatures: Int { weight.shape[1] }
    }

    public struct LayerNorm: Sendable {
        public let weight: Tensor  // (d)
        public let bias: Tensor  // (d)
    }

    public struct Embeddings: Sendable {
        public let word: Tensor  // (vocab, e)
        public let position: Tensor?  // (max_positions, e); DeBERTa-v3 has none

        public let tokenType: Tensor?  // (type_vocab, e); DistilBERT has none
        public let norm: LayerNorm
        /// ELECTRA's `embeddings_project` / ALBERT's mapping / DeBERTa's `embed_proj` (e → d).
        public let projection: Linear?
    }

    public struct Layer: Sendable {
        public let query, key, value: Linear  // attention.self.*
        public let attentionOutput: Linear  // attention.output.dense
        public let attentionNorm: LayerNorm  // attention.output.LayerNorm
        public let intermediate: Linear  // intermediate.dense
        public let output: Linear  // output.dense
        public let outputNorm: LayerNorm  // output.LayerNorm
        /// DeBERTa's pos_key_proj / pos_query_proj (nil when share_att_key).
        public var positionKey: Linear? = nil
        public var positionQuery: Linear? = nil
    }

    /// DeBERTa's relative position embeddings (2·span rows used) and their LayerNorm.
    public struct Relative: Sendable {
        public let embeddings: Tensor  // (rows, d)
        public let norm: LayerNorm?
    }

    /// The MLM head (BERT `cls.predictions`, DistilBERT `vocab_*`, ELECTRA
    /// `generator_*`): transform (dense → act → LayerNorm) then a decoder that
    /// is the word embedding matrix when the file does not store it.
    public struct MaskedLMHead: Sendable {
        public let transform: Linear  // (t, d)
        public let norm: LayerNorm  // (t)
        public let decoder: Tensor  // (vocab, t)
        public let bias: Tensor  // (vocab)
        public let decoderIsTied: Bool
        /// The transform's activation (ELECTRA's generator always uses GELU).
        public let activation: Activation
    }

    public let embeddings: Embeddings
    public let layers: [Layer]
    public let relative: Relative?
    /// DeBERTa-v2's `encoder.conv`: Conv1d (d, d, k) with bias, then LayerNorm.
    public let convolution: (conv: Linear, norm: LayerNorm)?
    public let pooler: Linear?
    public let maskedLM: MaskedLMHead?
    /// `cls.seq_relationship`: (2, d), index 0 = is next.
    public let nextSentence: Linear?
    /// A fine-tuned task head (sequence / token classification, question answering).
    public let task: TaskHead?
    /// ELECTRA's discriminator head (`discriminator_predictions`): dense (d, d),
    /// the hidden activation, then dense_prediction (1, d) — one "replaced?" logit per token.
    public var replacedToken: (dense: Linear, prediction: Linear)? = nil
    /// "bert." / "distilbert." / "electra." for task-model files, "" for base-model files.
    public let prefix: String
    /// ModernBERT's pre-LayerNorms and final norm (nil for the post-LN families).
    public var modern: ModernBertNorms? = nil
}
