import Foundation

/// ModernBERT's settings (#30): which layers attend globally, the rotary
/// bases of global and local layers, the local window, and which linear
/// layers and norms carry biases. Read from either spelling: the hub
/// checkpoints' `global_attn_every_n_layers` / `global_rope_theta` /
/// `local_rope_theta`, or transformers 5's `layer_types` / `rope_parameters`.
public struct ModernBertSettings: Sendable, Equatable {
    /// `[layer]`: true for full (global) attention, false for the sliding window.
    public var globalLayers: [Bool]
    /// Rotary bases (rope_theta) of the global and the local layers.
    public var globalTheta: Double, localTheta: Double
    /// How far a local layer sees on each side: |i − j| ≤ window (local_attention / 2).
    public var window: Int
    public var attentionBias: Bool, mlpBias: Bool, normBias: Bool, classifierBias: Bool, decoderBias: Bool
    /// The sequence classifier pools the first token ("cls") or the mean of the real tokens ("mean").
    public var meanPooling: Bool
    /// The prediction head's activation (classifier_activation).
    public var headActivation: Activation

    public func isGlobal(_ layer: Int) -> Bool { globalLayers.indices.contains(layer) ? globalLayers[layer] : true }
    public func theta(_ layer: Int) -> Double { isGlobal(layer) ? globalTheta : localTheta }

    init(_ c: [String: Any], layers: Int, keys: ConfigKeys) throws {
        if let types = c["layer_types"] as? [String] {
            guard types.count == layers else {
                throw CheckpointError("\(keys.source): layer_types has \(types.count) entries for \(layers) layers")
            }
            globalLayers = try types.map {
                switch $0 {
                case "full_attention": return true
                case "sliding_attention": return false
                default:
                    throw CheckpointError(
                        "\(keys.source): layer type \"\($0)\" is not supported (full_attention, sliding_attention)")
                }
            }
        } else {
            let every = try keys.int("global_attn_every_n_layers", 3)
            guard (1...1024).contains(every) else {
                throw CheckpointError("\(keys.source): global_attn_every_n_layers = \(every) is out of range")
            }
            globalLayers = (0..<layers).map { $0 % every == 0 }
        }
        let rope = c["rope_parameters"] as? [String: Any]
        func theta(_ type: String, _ old: String, _ fallback: Double) throws -> Double {
            if let p = rope?[type] as? [String: Any] {
                if let kind = p["rope_type"] as? String, kind != "default" {
                    throw CheckpointError("\(keys.source): rope_type \"\(kind)\" is not supported (default)")
                }
                if let t = p["rope_theta"] as? Double { return t }
                if let t = p["rope_theta"] as? Int { return Double(t) }
            }
            if let t = c[old] as? Double { return t }
            if let t = c[old] as? Int { return Double(t) }
            return fallback
        }
        globalTheta = try theta("full_attention", "global_rope_theta", 160_000)
        localTheta = try theta("sliding_attention", "local_rope_theta", 10_000)
        guard globalTheta.isFinite, globalTheta > 1, localTheta.isFinite, localTheta > 1 else {
            throw CheckpointError("\(keys.source): rope_theta must be a number above 1")
        }
        let local = try keys.int("local_attention", 128)
        guard (2...(1 << 17)).contains(local) else {
            throw CheckpointError("\(keys.source): local_attention = \(local) is out of range (2…\(1 << 17))")
        }
        window = local / 2
        func flag(_ key: String, _ fallback: Bool) -> Bool { c[key] as? Bool ?? fallback }
        attentionBias = flag("attention_bias", false)
        mlpBias = flag("mlp_bias", false)
        normBias = flag("norm_bias", false)
        classifierBias = flag("classifier_bias", false)
        decoderBias = flag("decoder_bias", true)
        let pooling = c["classifier_pooling"] as? String ?? "cls"
        guard pooling == "cls" || pooling == "mean" else {
            throw CheckpointError("\(keys.source): classifier_pooling \"\(pooling)\" is not supported (cls, mean)")
        }
        meanPooling = pooling == "mean"
        headActivation = try keys.activation("classifier_activation")
    }
}

extension ModelConfig {
    /// ModernBERT: rotary positions, GeGLU, pre-LayerNorm, global and local layers.
    init(modernBert c: [String: Any], keys: ConfigKeys) throws {
        let layers = try keys.int("num_hidden_layers")
        guard (1...Self.maxLayers).contains(layers) else {
            throw CheckpointError("\(keys.source): num_hidden_layers = \(layers) is out of range (1…\(Self.maxLayers))")
        }
        self.init(
            family: .modernbert, vocabSize: try keys.int("vocab_size"), hiddenSize: try keys.int("hidden_size"),
            numLayers: layers, numHeads: try keys.int("num_attention_heads"),
            intermediateSize: try keys.int("intermediate_size"),
            activation: try keys.activation("hidden_activation"), layerNormEps: keys.float("norm_eps", 1e-5),
            maxPositions: try keys.int("max_position_embeddings", 8192), typeVocabSize: 0,
            padTokenId: try keys.int("pad_token_id", 50283), architectures: c["architectures"] as? [String] ?? [])
        positionBiasedInput = false
        modern = try ModernBertSettings(c, layers: layers, keys: keys)
    }
}
