import Checkpoint

/// ModernBERT's LayerNorms, which sit before each sublayer (pre-LN) rather
/// than after its residual, and the final norm after the last layer.
public struct ModernBertNorms: Sendable {
    /// `[layer]`: attn_norm before attention (nil for layer 0, which has none),
    /// and mlp_norm before the MLP.
    public let attention: [BertWeights.LayerNorm?]
    public let mlp: [BertWeights.LayerNorm]
    public let final: BertWeights.LayerNorm
}

extension BertWeights {
    /// A ModernBERT checkpoint (`model.` prefix in task files) in the BERT-shaped
    /// fields the kernels read: q, k and v are row slices of the fused Wqkv;
    /// `intermediate` is the GeGLU's Wi (2·ff rows: input, then gate) and
    /// `output` its Wo; `attentionNorm` and `outputNorm` hold mlp_norm (the
    /// pre-LN order lives in `modern`). Missing biases (attention_bias,
    /// mlp_bias, norm_bias false) are zeros where a kernel needs one.
    init(modernBert store: WeightStore, config: ModelConfig, settings m: ModernBertSettings) throws {
        let d = config.hiddenSize, ff = config.intermediateSize, v = config.vocabSize
        // The `model.` prefix of task files found, and each tensor read and shape-checked, as for every family.
        let loader = try WeightLoader(store: store, config: config, names: WeightNames.of(config))
        // Biases as the config declares them (a declared one that is missing is an error).
        func linear(_ name: String, out: Int, in k: Int, bias: Bool, head: Bool = false) throws -> Linear {
            Linear(
                weight: try loader.tensor(name + ".weight", [out, k], head: head),
                bias: bias ? try loader.tensor(name + ".bias", [out], head: head) : nil)
        }
        func norm(_ name: String, head: Bool = false) throws -> LayerNorm {
            LayerNorm(
                weight: try loader.tensor(name + ".weight", [d], head: head),
                bias: m.normBias
                    ? try loader.tensor(name + ".bias", [d], head: head) : .zeros(name: name + ".bias", count: d))
        }
        let word = try loader.tensor("embeddings.tok_embeddings.weight", [v, d])
        embeddings = Embeddings(
            word: word, position: nil, tokenType: nil, norm: try norm("embeddings.norm"), projection: nil)
        var attentionNorms: [LayerNorm?] = [], mlpNorms: [LayerNorm] = []
        layers = try (0..<config.numLayers).map { l in
            let p = "layers.\(l)."
            let qkv = try linear(p + "attn.Wqkv", out: 3 * d, in: d, bias: m.attentionBias)
            func part(_ k: Int, _ name: String) -> Linear {
                Linear(
                    weight: qkv.weight.rows((k * d)..<((k + 1) * d), name: p + "attn.Wqkv.\(name)"),
                    bias: qkv.bias?.rows((k * d)..<((k + 1) * d), name: p + "attn.Wqkv.\(name).bias"))
            }
            attentionNorms.append(l == 0 ? nil : try norm(p + "attn_norm"))
            let mlpNorm = try norm(p + "mlp_norm")
            mlpNorms.append(mlpNorm)
            return Layer(
                query: part(0, "query"), key: part(1, "key"), value: part(2, "value"),
                attentionOutput: try linear(p + "attn.Wo", out: d, in: d, bias: m.attentionBias),
                attentionNorm: mlpNorm, intermediate: try linear(p + "mlp.Wi", out: 2 * ff, in: d, bias: m.mlpBias),
                output: try linear(p + "mlp.Wo", out: d, in: ff, bias: m.mlpBias), outputNorm: mlpNorm)
        }
        modern = ModernBertNorms(attention: attentionNorms, mlp: mlpNorms, final: try norm("final_norm"))
        relative = nil
        convolution = nil
        pooler = nil
        nextSentence = nil
        self.prefix = loader.prefix
        // ModernBertForMaskedLM: head (dense → act → norm), then the decoder tied to the embeddings.
        if loader.hasHead("head.dense.weight"), !loader.hasHead("classifier.weight") {
            let stored = loader.hasHead("decoder.weight")
            maskedLM = MaskedLMHead(
                transform: try linear("head.dense", out: d, in: d, bias: m.classifierBias, head: true),
                norm: try norm("head.norm", head: true),
                decoder: stored
                    ? try loader.tensor("decoder.weight", [v, d], head: true) : try word.expecting([v, d]),
                bias: m.decoderBias
                    ? try loader.tensor("decoder.bias", [v], head: true) : .zeros(name: "decoder.bias", count: v),
                decoderIsTied: !stored, activation: m.headActivation)
        } else {
            maskedLM = nil
        }
        // ModernBertForSequenceClassification: pooled (first token or mean) → head → classifier;
        // …ForTokenClassification and …ForQuestionAnswering: head → classifier on every token
        // (question answering's classifier has two rows, start and end).
        if let t = config.task, loader.hasHead("classifier.weight"), loader.hasHead("head.dense.weight") {
            var head = TaskHead(
                task: t, dense: try linear("head.dense", out: d, in: d, bias: m.classifierBias, head: true),
                pooling: .activation(m.headActivation),
                out: try loader.labelled("classifier", labels: t.labels.count, in: d))
            head.norm = try norm("head.norm", head: true)
            head.meanPooling = t.kind == .sequenceClassification && m.meanPooling
            task = head
        } else {
            task = nil
        }
    }
}
