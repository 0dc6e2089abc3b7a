import Foundation

/// The activation named by `hidden_act`.
public enum Activation: String, Sendable {
    case gelu            // exact: x·Φ(x) with erf
    case geluTanh        // gelu_new / gelu_pytorch_tanh / gelu_fast
    case relu
    case silu

    init?(hfName: String) {
        switch hfName {
        case "gelu", "gelu_python": self = .gelu
        case "gelu_new", "gelu_pytorch_tanh", "gelu_fast": self = .geluTanh
        case "relu": self = .relu
        case "silu", "swish": self = .silu
        default: return nil
        }
    }
    static let supportedNames = "gelu, gelu_new, gelu_pytorch_tanh, gelu_fast, relu, silu"
}

/// `config.json`, decoded for the families BertScope runs. Everything the
/// encoder does is driven from here; nothing is assumed from a model's name.
public struct ModelConfig: Sendable, Equatable {
    public static let supportedModelTypes = ["bert"]

    public var modelType: String
    public var vocabSize: Int
    public var hiddenSize: Int
    public var numLayers: Int
    public var numHeads: Int
    public var intermediateSize: Int
    public var activation: Activation
    public var layerNormEps: Float
    public var maxPositions: Int
    public var typeVocabSize: Int
    public var padTokenId: Int
    public var architectures: [String]

    public var headDim: Int { hiddenSize / numHeads }

    public init(
        modelType: String = "bert", vocabSize: Int, hiddenSize: Int, numLayers: Int, numHeads: Int,
        intermediateSize: Int, activation: Activation = .gelu, layerNormEps: Float = 1e-12,
        maxPositions: Int = 512, typeVocabSize: Int = 2, padTokenId: Int = 0, architectures: [String] = []
    ) {
        self.modelType = modelType; self.vocabSize = vocabSize; self.hiddenSize = hiddenSize
        self.numLayers = numLayers; self.numHeads = numHeads; self.intermediateSize = intermediateSize
        self.activation = activation; self.layerNormEps = layerNormEps; self.maxPositions = maxPositions
        self.typeVocabSize = typeVocabSize; self.padTokenId = padTokenId; self.architectures = architectures
    }

    public init(contentsOf url: URL) throws {
        guard let data = try? Data(contentsOf: url) else { throw CheckpointError("cannot read \(url.path)") }
        try self.init(json: data, source: url.lastPathComponent)
    }

    public init(json data: Data, source: String = "config.json") throws {
        guard let obj = try? JSONSerialization.jsonObject(with: data), let c = obj as? [String: Any] else {
            throw CheckpointError("\(source) is not a JSON object")
        }
        func int(_ key: String, _ fallback: Int? = nil) throws -> Int {
            if let v = c[key] as? Int { return v }
            if let f = fallback { return f }
            throw CheckpointError("\(source) lacks required integer \"\(key)\"")
        }
        guard let type = c["model_type"] as? String else { throw CheckpointError("\(source) has no model_type") }
        guard Self.supportedModelTypes.contains(type) else {
            throw CheckpointError("model_type \"\(type)\" is not supported (supported: \(Self.supportedModelTypes.joined(separator: ", ")))")
        }
        if let pet = c["position_embedding_type"] as? String, pet != "absolute" {
            throw CheckpointError("position_embedding_type \"\(pet)\" is not supported (supported: absolute)")
        }
        if let dec = c["is_decoder"] as? Bool, dec { throw CheckpointError("is_decoder=true is not supported: BertScope runs encoders") }
        let actName = c["hidden_act"] as? String ?? "gelu"
        guard let act = Activation(hfName: actName) else {
            throw CheckpointError("hidden_act \"\(actName)\" is not supported (supported: \(Activation.supportedNames))")
        }
        let eps = (c["layer_norm_eps"] as? Double) ?? 1e-12
        self.init(
            modelType: type, vocabSize: try int("vocab_size"), hiddenSize: try int("hidden_size"),
            numLayers: try int("num_hidden_layers"), numHeads: try int("num_attention_heads"),
            intermediateSize: try int("intermediate_size"), activation: act, layerNormEps: Float(eps),
            maxPositions: try int("max_position_embeddings", 512), typeVocabSize: try int("type_vocab_size", 2),
            padTokenId: try int("pad_token_id", 0), architectures: c["architectures"] as? [String] ?? []
        )
        try validate(source: source)
    }

    func validate(source: String) throws {
        let sizes = [("vocab_size", vocabSize), ("hidden_size", hiddenSize), ("num_hidden_layers", numLayers),
                     ("num_attention_heads", numHeads), ("intermediate_size", intermediateSize),
                     ("max_position_embeddings", maxPositions), ("type_vocab_size", typeVocabSize)]
        for (k, v) in sizes where v <= 0 || v > 1 << 24 {
            throw CheckpointError("\(source): \(k) = \(v) is out of range")
        }
        guard hiddenSize % numHeads == 0 else {
            throw CheckpointError("\(source): hidden_size \(hiddenSize) is not divisible by num_attention_heads \(numHeads)")
        }
    }
}
