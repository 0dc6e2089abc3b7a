import Checkpoint

extension BertWeights {
    /// Reads every tensor the encoder needs from `store`, checking each
    /// shape against `config`; names come from the family's table. Heads are
    /// loaded when the file has them.
    public init(store: WeightStore, config: ModelConfig) throws {
        if let settings = config.modern {
            self = try BertWeights(modernBert: store, config: config, settings: settings)
            return
        }
        let names = WeightNames.of(config)
        let loader = try WeightLoader(store: store, config: config, names: names)
        let d = config.hiddenSize, e = config.embeddingSize
        embeddings = try Embeddings(
            word: loader.tensor(names.word + ".weight", [config.vocabSize, e]),
            position: config.positionBiasedInput
                ? loader.tensor(names.position + ".weight", [config.maxPositions, e]) : nil,
            tokenType: config.typeVocabSize > 0
                ? loader.tensor(names.tokenType + ".weight", [config.typeVocabSize, e]) : nil,
            // DeBERTa normalizes after projecting up; the others before.
            norm: loader.norm(names.embeddingNorm, config.family == .debertaV2 ? d : e),
            // ALBERT always maps its embeddings in, even when the widths match.
            projection: e != d || config.family == .albert
                ? loader.linear(names.projection ?? "embeddings_project", out: d, in: e) : nil
        )
        // ALBERT applies its stored layer groups several times: one entry per application, shared tensors.
        let stored = try (0..<config.storedLayers).map { try loader.layer(names.layer($0)) }
        layers = (0..<config.numLayers).map { stored[config.weightLayer($0)] }
        convolution = try config.convolution.map { c in
            let w = try loader.tensor("encoder.conv.conv.weight", [d, d, c.kernelSize])
            return (
                BertWeights.Linear(weight: w, bias: try loader.tensor("encoder.conv.conv.bias", [d])),
                try loader.norm("encoder.conv.LayerNorm", d)
            )
        }
        relative = try config.relative.map { r in
            let rows = store.entry(loader.prefix + (names.relativeEmbeddings ?? "") + ".weight")?.shape.first ?? 0
            guard rows >= 2 * r.span else {
                throw CheckpointError(
                    "\(names.relativeEmbeddings ?? "relative embeddings") has \(rows) rows; position_buckets/max_relative_positions need \(2 * r.span)"
                )
            }
            return BertWeights.Relative(
                embeddings: try loader.tensor((names.relativeEmbeddings ?? "") + ".weight", [rows, d]),
                norm: r.normEmbeddings ? try loader.norm(names.relativeNorm ?? "", d) : nil)
        }
        prefix = loader.prefix
        pooler = try names.pooler.flatMap { loader.has($0 + ".weight") ? try loader.linear($0, out: d, in: d) : nil }
        maskedLM = try loader.maskedLMHead(word: embeddings.word)
        nextSentence = try names.nsp.flatMap {
            loader.hasHead($0 + ".weight") ? try loader.linear($0, out: 2, in: d, head: true) : nil
        }
        if config.family == .electra, loader.hasHead("discriminator_predictions.dense_prediction.weight") {
            replacedToken = (
                try loader.linear("discriminator_predictions.dense", out: d, in: d, head: true),
                try loader.linear("discriminator_predictions.dense_prediction", out: 1, in: d, head: true)
            )
        }
        task = try config.task.flatMap { try TaskHead.load(loader, task: $0) }
    }
}

/// Name resolution and shape checks: the base-model prefix is optional and
/// old `LayerNorm.gamma/beta` names are accepted.
struct WeightLoader {
    let store: WeightStore
    let config: ModelConfig
    let names: WeightNames
    let prefix: String

    init(store: WeightStore, config: ModelConfig, names: WeightNames) throws {
        self.store = store
        self.config = config
        self.names = names
        let word = names.word + ".weight"
        if store.contains(names.basePrefix + word) {
            prefix = names.basePrefix
        } else if store.contains(word) {
            prefix = ""
        } else {
            throw CheckpointError(
                "not a \(config.modelType) checkpoint: no \(word) (with or without the \(names.basePrefix) prefix)")
        }
    }

    func has(_ name: String) -> Bool { store.contains(prefix + name) }
    func hasHead(_ name: String) -> Bool { store.contains(name) }

    func tensor(_ name: String, _ shape: [Int], head: Bool = false) throws -> Tensor {
        let full = head ? name : prefix + name
        var candidates = [full]
        if full.hasSuffix("LayerNorm.weight") { candidates.append(String(full.dropLast(6)) + "gamma") }
        if full.hasSuffix("LayerNorm.bias") { candidates.append(String(full.dropLast(4)) + "beta") }
        guard let found = store.firstPresent(candidates) else {
            throw CheckpointError("checkpoint is missing tensor \(full)")
        }
        let t = try store.tensor(found)
        try t.expectShape(shape)
        return t
    }

    func linear(_ name: String, out: Int, in inFeatures: Int, head: Bool = false) throws -> BertWeights.Linear {
        let w = try tensor(name + ".weight", [out, inFeatures], head: head)
        let biasName = (head ? "" : prefix) + name + ".bias"
        let b = store.contains(biasName) ? try tensor(name + ".bias", [out], head: head) : nil
        return BertWeights.Linear(weight: w, bias: b)
    }

    func norm(_ name: String, _ d: Int, head: Bool = false) throws -> BertWeights.LayerNorm {
        BertWeights.LayerNorm(
            weight: try tensor(name + ".weight", [d], head: head), bias: try tensor(name + ".bias", [d], head: head))
    }

    func layer(_ n: WeightNames.LayerNames) throws -> BertWeights.Layer {
        let d = config.hiddenSize, ff = config.intermediateSize
        var layer = BertWeights.Layer(
            query: try linear(n.query, out: d, in: d), key: try linear(n.key, out: d, in: d),
            value: try linear(n.value, out: d, in: d),
            attentionOutput: try linear(n.attentionOutput, out: d, in: d), attentionNorm: try norm(n.attentionNorm, d),
            intermediate: try linear(n.intermediate, out: ff, in: d), output: try linear(n.output, out: d, in: ff),
            outputNorm: try norm(n.outputNorm, d)
        )
        if let r = config.relative, !r.shareKey {
            if r.contentToPosition, let k = n.positionKey { layer.positionKey = try linear(k, out: d, in: d) }
            if r.positionToContent, let q = n.positionQuery { layer.positionQuery = try linear(q, out: d, in: d) }
        }
        return layer
    }

    func maskedLMHead(word: Tensor) throws -> BertWeights.MaskedLMHead? {
        if !hasHead(names.mlmTransform + ".weight"), let alt = names.alternativeMLM, hasHead(alt.transform + ".weight")
        {
            // DeBERTa's lm_predictions.lm_head: hidden → hidden transform, decoder = word embeddings.
            let d = config.hiddenSize
            return BertWeights.MaskedLMHead(
                transform: try linear(alt.transform, out: d, in: d, head: true),
                norm: try norm(alt.norm, d, head: true),
                decoder: try word.expecting([config.vocabSize, d]),
                bias: try tensor(alt.bias, [config.vocabSize], head: true),
                decoderIsTied: true, activation: config.activation)
        }
        guard let transformShape = store.entry(names.mlmTransform + ".weight")?.shape, transformShape.count == 2 else {
            return nil
        }
        let d = config.hiddenSize, v = config.vocabSize, t = transformShape[0]
        let stored = hasHead(names.mlmDecoder + ".weight")
        guard let biasName = names.mlmBias.first(where: hasHead) else {
            throw CheckpointError(
                "checkpoint has \(names.mlmTransform) but no masked-LM bias (\(names.mlmBias.joined(separator: " or ")))"
            )
        }
        return BertWeights.MaskedLMHead(
            transform: try linear(names.mlmTransform, out: t, in: d, head: true),
            norm: try norm(names.mlmNorm, t, head: true),
            decoder: stored
                ? try tensor(names.mlmDecoder + ".weight", [v, t], head: true) : try word.expecting([v, t]),
            bias: try tensor(biasName, [v], head: true),
            decoderIsTied: !stored,
            // ELECTRA's generator and RoBERTa's lm_head apply GELU whatever hidden_act says.
            activation: config.family == .electra || config.family.isRoberta ? .gelu : config.activation
        )
    }
}

extension Tensor {
    /// Self when its shape is `shape`, else a clear error (tied decoders).
    func expecting(_ shape: [Int]) throws -> Tensor {
        try expectShape(shape, because: "the tied decoder")
        return self
    }
}
