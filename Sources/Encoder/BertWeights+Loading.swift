import Checkpoint

extension BertWeights {
    /// Reads every tensor BERT needs from `store`, checking each shape
    /// against `config`. Heads are loaded when the file has them.
    public init(store: WeightStore, config: ModelConfig) throws {
        let loader = try Loader(store: store, config: config)
        let d = config.hiddenSize
        embeddings = try Embeddings(
            word: loader.tensor("embeddings.word_embeddings.weight", [config.vocabSize, d]),
            position: loader.tensor("embeddings.position_embeddings.weight", [config.maxPositions, d]),
            tokenType: loader.tensor("embeddings.token_type_embeddings.weight", [config.typeVocabSize, d]),
            norm: loader.norm("embeddings.LayerNorm", d)
        )
        layers = try (0..<config.numLayers).map { try loader.layer($0) }
        prefix = loader.prefix
        pooler = loader.has("pooler.dense.weight") ? try loader.linear("pooler.dense", out: d, in: d) : nil
        maskedLM = try loader.maskedLMHead(word: embeddings.word)
        nextSentence = loader.hasHead("cls.seq_relationship.weight")
            ? try loader.linear("cls.seq_relationship", out: 2, in: d, head: true) : nil
        if loader.hasHead("classifier.weight") {
            let labels = store.entry("classifier.weight")?.shape.first ?? 0
            classifier = try loader.linear("classifier", out: labels, in: d, head: true)
        } else {
            classifier = nil
        }
    }
}

/// Name resolution and shape checks for BertWeights: the `bert.` prefix and
/// old `LayerNorm.gamma/beta` names are accepted.
private struct Loader {
    let store: WeightStore
    let config: ModelConfig
    let prefix: String

    init(store: WeightStore, config: ModelConfig) throws {
        self.store = store
        self.config = config
        if store.contains("bert.embeddings.word_embeddings.weight") {
            prefix = "bert."
        } else if store.contains("embeddings.word_embeddings.weight") {
            prefix = ""
        } else {
            throw CheckpointError("not a BERT checkpoint: no embeddings.word_embeddings.weight (with or without the bert. prefix)")
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
        BertWeights.LayerNorm(weight: try tensor(name + ".weight", [d], head: head), bias: try tensor(name + ".bias", [d], head: head))
    }

    func layer(_ i: Int) throws -> BertWeights.Layer {
        let p = "encoder.layer.\(i)."
        let d = config.hiddenSize, ff = config.intermediateSize
        return BertWeights.Layer(
            query: try linear(p + "attention.self.query", out: d, in: d),
            key: try linear(p + "attention.self.key", out: d, in: d),
            value: try linear(p + "attention.self.value", out: d, in: d),
            attentionOutput: try linear(p + "attention.output.dense", out: d, in: d),
            attentionNorm: try norm(p + "attention.output.LayerNorm", d),
            intermediate: try linear(p + "intermediate.dense", out: ff, in: d),
            output: try linear(p + "output.dense", out: d, in: ff),
            outputNorm: try norm(p + "output.LayerNorm", d)
        )
    }

    func maskedLMHead(word: Tensor) throws -> BertWeights.MaskedLMHead? {
        guard hasHead("cls.predictions.transform.dense.weight") else { return nil }
        let d = config.hiddenSize, v = config.vocabSize
        let stored = hasHead("cls.predictions.decoder.weight")
        let biasName = hasHead("cls.predictions.bias") ? "cls.predictions.bias" : "cls.predictions.decoder.bias"
        return BertWeights.MaskedLMHead(
            transform: try linear("cls.predictions.transform.dense", out: d, in: d, head: true),
            norm: try norm("cls.predictions.transform.LayerNorm", d, head: true),
            decoder: stored ? try tensor("cls.predictions.decoder.weight", [v, d], head: true) : word,
            bias: try tensor(biasName, [v], head: true),
            decoderIsTied: !stored
        )
    }
}
