import Checkpoint

/// Where each family keeps each tensor, as HF's modeling files name them.
/// Layer names take the stored layer's index (ALBERT: the group); head
/// names are absolute (no prefix).
struct WeightNames {
    let basePrefix: String
    let word, position, tokenType, embeddingNorm: String
    let projection: String?
    let layer: (Int) -> LayerNames
    let pooler: String?
    let mlmTransform, mlmNorm, mlmDecoder: String
    let mlmBias: [String]
    let nsp: String?
    /// DeBERTa's relative position embeddings and their LayerNorm.
    var relativeEmbeddings: String? = nil
    var relativeNorm: String? = nil
    /// Another MLM head layout tried when the first is absent (DeBERTa's lm_predictions).
    var alternativeMLM: (transform: String, norm: String, bias: String)? = nil

    struct LayerNames {
        let query, key, value, attentionOutput, attentionNorm, intermediate, output, outputNorm: String
        /// DeBERTa's separate position projections (when share_att_key is false).
        var positionKey: String? = nil
        var positionQuery: String? = nil
    }

    static func of(_ config: ModelConfig) -> WeightNames {
        switch config.family {
        case .bert:
            return bertLike(
                prefix: "bert.", projection: nil,
                mlm: (
                    "cls.predictions.transform.dense", "cls.predictions.transform.LayerNorm", "cls.predictions.decoder"
                ),
                mlmBias: ["cls.predictions.bias", "cls.predictions.decoder.bias"], nsp: "cls.seq_relationship",
                pooler: "pooler.dense")
        case .roberta, .xlmRoberta, .camembert:
            return bertLike(
                prefix: "roberta.", projection: nil, mlm: ("lm_head.dense", "lm_head.layer_norm", "lm_head.decoder"),
                mlmBias: ["lm_head.bias", "lm_head.decoder.bias"], nsp: nil, pooler: "pooler.dense")
        case .electra:
            return bertLike(
                prefix: "electra.", projection: "embeddings_project",
                mlm: ("generator_predictions.dense", "generator_predictions.LayerNorm", "generator_lm_head"),
                mlmBias: ["generator_lm_head.bias"], nsp: nil, pooler: nil)
        case .albert:
            return WeightNames(
                basePrefix: "albert.", word: "embeddings.word_embeddings", position: "embeddings.position_embeddings",
                tokenType: "embeddings.token_type_embeddings", embeddingNorm: "embeddings.LayerNorm",
                projection: "encoder.embedding_hidden_mapping_in",
                layer: { [k = config.innerGroupLayers] stored in
                    let p = "encoder.albert_layer_groups.\(stored / k).albert_layers.\(stored % k)."
                    return LayerNames(
                        query: p + "attention.query", key: p + "attention.key", value: p + "attention.value",
                        attentionOutput: p + "attention.dense", attentionNorm: p + "attention.LayerNorm",
                        intermediate: p + "ffn", output: p + "ffn_output", outputNorm: p + "full_layer_layer_norm")
                },
                pooler: "pooler", mlmTransform: "predictions.dense", mlmNorm: "predictions.LayerNorm",
                mlmDecoder: "predictions.decoder",
                mlmBias: ["predictions.bias", "predictions.decoder.bias"], nsp: "sop_classifier.classifier")
        case .debertaV2:
            var names = WeightNames(
                basePrefix: "deberta.", word: "embeddings.word_embeddings", position: "embeddings.position_embeddings",
                tokenType: "embeddings.token_type_embeddings", embeddingNorm: "embeddings.LayerNorm",
                projection: "embeddings.embed_proj",
                layer: { i in
                    let p = "encoder.layer.\(i)."
                    return LayerNames(
                        query: p + "attention.self.query_proj", key: p + "attention.self.key_proj",
                        value: p + "attention.self.value_proj",
                        attentionOutput: p + "attention.output.dense", attentionNorm: p + "attention.output.LayerNorm",
                        intermediate: p + "intermediate.dense", output: p + "output.dense",
                        outputNorm: p + "output.LayerNorm",
                        positionKey: p + "attention.self.pos_key_proj",
                        positionQuery: p + "attention.self.pos_query_proj")
                },
                pooler: nil, mlmTransform: "cls.predictions.transform.dense",
                mlmNorm: "cls.predictions.transform.LayerNorm",
                mlmDecoder: "cls.predictions.decoder",
                mlmBias: ["cls.predictions.bias", "cls.predictions.decoder.bias"], nsp: nil)
            names.relativeEmbeddings = "encoder.rel_embeddings"
            names.relativeNorm = "encoder.LayerNorm"
            names.alternativeMLM = (
                "lm_predictions.lm_head.dense", "lm_predictions.lm_head.LayerNorm", "lm_predictions.lm_head.bias"
            )
            return names
        case .modernbert:
            // BertWeights(modernBert:) finds the prefix and the embeddings by this table; it reads the
            // layers itself (the fused Wqkv split in three, the pre-LN norms), so the layer names are the fused parts.
            return WeightNames(
                basePrefix: "model.", word: "embeddings.tok_embeddings", position: "", tokenType: "",
                embeddingNorm: "embeddings.norm", projection: nil,
                layer: { i in
                    let p = "layers.\(i)."
                    return LayerNames(
                        query: p + "attn.Wqkv", key: p + "attn.Wqkv", value: p + "attn.Wqkv",
                        attentionOutput: p + "attn.Wo", attentionNorm: p + "mlp_norm", intermediate: p + "mlp.Wi",
                        output: p + "mlp.Wo", outputNorm: p + "mlp_norm")
                },
                pooler: nil, mlmTransform: "head.dense", mlmNorm: "head.norm", mlmDecoder: "decoder",
                mlmBias: ["decoder.bias"], nsp: nil)
        case .distilbert:
            return WeightNames(
                basePrefix: "distilbert.", word: "embeddings.word_embeddings",
                position: "embeddings.position_embeddings",
                tokenType: "", embeddingNorm: "embeddings.LayerNorm", projection: nil,
                layer: { i in
                    let p = "transformer.layer.\(i)."
                    return LayerNames(
                        query: p + "attention.q_lin", key: p + "attention.k_lin", value: p + "attention.v_lin",
                        attentionOutput: p + "attention.out_lin", attentionNorm: p + "sa_layer_norm",
                        intermediate: p + "ffn.lin1", output: p + "ffn.lin2", outputNorm: p + "output_layer_norm")
                },
                pooler: nil, mlmTransform: "vocab_transform", mlmNorm: "vocab_layer_norm",
                mlmDecoder: "vocab_projector",
                mlmBias: ["vocab_projector.bias"], nsp: nil)
        }
    }

    private static func bertLike(
        prefix: String, projection: String?, mlm: (String, String, String), mlmBias: [String], nsp: String?,
        pooler: String?
    ) -> WeightNames {
        WeightNames(
            basePrefix: prefix, word: "embeddings.word_embeddings", position: "embeddings.position_embeddings",
            tokenType: "embeddings.token_type_embeddings", embeddingNorm: "embeddings.LayerNorm",
            projection: projection,
            layer: { i in
                let p = "encoder.layer.\(i)."
                return LayerNames(
                    query: p + "attention.self.query", key: p + "attention.self.key", value: p + "attention.self.value",
                    attentionOutput: p + "attention.output.dense", attentionNorm: p + "attention.output.LayerNorm",
                    intermediate: p + "intermediate.dense", output: p + "output.dense",
                    outputNorm: p + "output.LayerNorm")
            },
            pooler: pooler, mlmTransform: mlm.0, mlmNorm: mlm.1, mlmDecoder: mlm.2, mlmBias: mlmBias, nsp: nsp)
    }
}
