import Foundation
import SafeIO

/// The activation named by `hidden_act`.
public enum Activation: String, Sendable {
    case gelu  // exact: x·Φ(x) with erf
    case geluTanh  // gelu_new / gelu_pytorch_tanh / gelu_fast
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

/// The encoder families BertScope runs, chosen by `model_type`.
public enum ModelFamily: String, Sendable, CaseIterable {
    case bert, distilbert, electra, roberta, albert
    case xlmRoberta = "xlm-roberta"
    case camembert
    case debertaV2 = "deberta-v2"
    case modernbert

    /// RoBERTa, XLM-R and CamemBERT share one architecture (and the `roberta.` prefix).
    public var isRoberta: Bool { self == .roberta || self == .xlmRoberta || self == .camembert }
}

/// DeBERTa-v2's ConvLayer after the first layer (v2-xlarge / xxlarge).
public struct ConvolutionSettings: Sendable, Equatable {
    /// conv_kernel_size (odd; padded to keep the length).
    public var kernelSize: Int
    /// conv_act: tanh (transformers' default) or one of the FFN activations.
    public var activation: Activation?
}

/// DeBERTa-v2/v3's disentangled attention settings (transformers' names in comments).
public struct RelativeAttention: Sendable, Equatable {
    /// position_buckets (≤ 0: no log bucketing).
    public var buckets: Int
    /// max_relative_positions (−1 in the file means max_position_embeddings).
    public var maxRelative: Int
    /// pos_att_type contains "c2p" / "p2c".
    public var contentToPosition: Bool
    public var positionToContent: Bool
    /// share_att_key: positions go through the content query/key projections.
    public var shareKey: Bool
    /// norm_rel_ebd contains "layer_norm".
    public var normEmbeddings: Bool

    /// Half the number of relative embedding rows used (att_span).
    public var span: Int { buckets > 0 ? buckets : maxRelative }
    /// Scores are divided by sqrt(head_dim · scaleFactor).
    public var scaleFactor: Int { 1 + (contentToPosition ? 1 : 0) + (positionToContent ? 1 : 0) }

    /// transformers' make_log_bucket_position for one relative distance, in float32 as torch computes it.
    public func bucket(_ rel: Int) -> Int {
        guard buckets > 0 && maxRelative > 0 else { return rel }
        let mid = buckets / 2
        let absPos = (rel < mid && rel > -mid) ? mid - 1 : abs(rel)
        if absPos <= mid { return rel }
        let ratio = logf(Float(absPos) / Float(mid)) / logf(Float(maxRelative - 1) / Float(mid))
        let logPos = ceilf(ratio * Float(mid - 1)) + Float(mid)
        return Int(logPos) * (rel < 0 ? -1 : 1)
    }
}

/// `config.json`, decoded for the families BertScope runs. Everything the
/// encoder does is driven from here; nothing is assumed from a model's name.
public struct ModelConfig: Sendable, Equatable {
    public static let supportedModelTypes = ModelFamily.allCases.map(\.rawValue)

    /// The family `model_type` names (an unknown type is refused when the config is read).
    public var family: ModelFamily
    /// `model_type` as config.json spells it.
    public var modelType: String { family.rawValue }
    public var vocabSize: Int
    public var hiddenSize: Int
    /// Width of the embeddings; ELECTRA projects them up to hiddenSize when smaller.
    public var embeddingSize: Int
    public var numLayers: Int
    public var numHeads: Int
    public var intermediateSize: Int
    public var activation: Activation
    public var layerNormEps: Float
    public var maxPositions: Int
    /// 0 when the family has no token-type embeddings (DistilBERT).
    public var typeVocabSize: Int
    public var padTokenId: Int
    public var architectures: [String]
    /// The fine-tuned task head the architecture names (sequence / token
    /// classification, question answering), with its labels; nil for base models.
    public var task: TaskConfig? = nil
    /// ALBERT: how many layer groups the num_hidden_layers applications share,
    /// and how many layers each group holds (inner_group_num). `numLayers`
    /// counts every layer run: num_hidden_layers × inner_group_num.
    public var layerGroups: Int
    public var innerGroupLayers: Int = 1
    /// DeBERTa-v2/v3: relative-position attention; nil for the absolute-position families.
    public var relative: RelativeAttention?
    /// Whether absolute position embeddings are added (DeBERTa's position_biased_input).
    public var positionBiasedInput: Bool
    /// DeBERTa-v2's ConvLayer (nil when conv_kernel_size is 0).
    public var convolution: ConvolutionSettings?
    /// ModernBERT's layer pattern, rotary bases and window; nil for the other families.
    public var modern: ModernBertSettings? = nil

    public var headDim: Int { hiddenSize / numHeads }
    /// RoBERTa numbers positions from padding_idx + 1 (transformers'
    /// create_position_ids_from_input_ids); the others from 0.
    public var positionOffset: Int { family.isRoberta ? padTokenId + 1 : 0 }
    /// How many tokens fit: the position table minus the offset.
    public var maxTokens: Int { maxPositions - positionOffset }

    /// Which stored layer the `l`-th layer run uses: itself, or for ALBERT the
    /// inner layer of its application's group, the group being
    /// int(application / (num_hidden_layers / groups)) as transformers computes it.
    public func weightLayer(_ l: Int) -> Int {
        guard family == .albert else { return l }
        let k = innerGroupLayers, applications = numLayers / k
        let group = min(layerGroups - 1, Int(Double(l / k) / (Double(applications) / Double(layerGroups))))
        return group * k + l % k
    }
    /// How many distinct layers the checkpoint stores.
    public var storedLayers: Int { family == .albert ? layerGroups * innerGroupLayers : numLayers }

    public init(
        family: ModelFamily = .bert, vocabSize: Int, hiddenSize: Int, embeddingSize: Int? = nil, numLayers: Int,
        numHeads: Int,
        intermediateSize: Int, activation: Activation = .gelu, layerNormEps: Float = 1e-12,
        maxPositions: Int = 512, typeVocabSize: Int = 2, padTokenId: Int = 0, architectures: [String] = [],
        layerGroups: Int = 1
    ) {
        self.family = family; self.vocabSize = vocabSize; self.hiddenSize = hiddenSize
        self.embeddingSize = embeddingSize ?? hiddenSize
        self.numLayers = numLayers; self.numHeads = numHeads; self.intermediateSize = intermediateSize
        self.activation = activation; self.layerNormEps = layerNormEps; self.maxPositions = maxPositions
        self.typeVocabSize = typeVocabSize; self.padTokenId = padTokenId; self.architectures = architectures
        self.layerGroups = layerGroups
        self.relative = nil
        self.positionBiasedInput = true
        self.convolution = nil
    }

    public init(contentsOf url: URL) throws {
        let bytes: [UInt8]
        do { bytes = try SafeFile.read(url, limit: Limits.smallJSON) } catch {
            throw CheckpointError("cannot read \(error)")
        }
        try self.init(json: Data(bytes), source: url.lastPathComponent)
    }

    public init(json data: Data, source: String = "config.json") throws {
        guard let obj = try? JSONSerialization.jsonObject(with: data), let c = obj as? [String: Any] else {
            throw CheckpointError("\(source) is not a JSON object")
        }
        guard let type = c["model_type"] as? String else { throw CheckpointError("\(source) has no model_type") }
        guard let family = ModelFamily(rawValue: type) else {
            throw CheckpointError(
                "model_type \"\(type)\" is not supported (supported: \(Self.supportedModelTypes.joined(separator: ", ")))"
            )
        }
        let keys = ConfigKeys(c, source: source)
        switch family {
        case .bert, .electra, .roberta, .xlmRoberta, .camembert:
            if let pet = c["position_embedding_type"] as? String, pet != "absolute" {
                throw CheckpointError("position_embedding_type \"\(pet)\" is not supported (supported: absolute)")
            }
            if let dec = c["is_decoder"] as? Bool, dec {
                throw CheckpointError("is_decoder=true is not supported: BertScope runs encoders")
            }
            let hidden = try keys.int("hidden_size")
            self.init(
                family: family, vocabSize: try keys.int("vocab_size"), hiddenSize: hidden,
                embeddingSize: try keys.int("embedding_size", hidden),
                numLayers: try keys.int("num_hidden_layers"), numHeads: try keys.int("num_attention_heads"),
                intermediateSize: try keys.int("intermediate_size"), activation: try keys.activation("hidden_act"),
                layerNormEps: keys.float("layer_norm_eps", family.isRoberta ? 1e-5 : 1e-12),
                maxPositions: try keys.int("max_position_embeddings", 512),
                typeVocabSize: try keys.int("type_vocab_size", 2),
                padTokenId: try keys.int("pad_token_id", family.isRoberta ? 1 : 0),
                architectures: c["architectures"] as? [String] ?? []
            )
        case .albert:
            try self.init(albert: c, keys: keys)
        case .debertaV2:
            try self.init(debertaV2: c, keys: keys)
        case .modernbert:
            try self.init(modernBert: c, keys: keys)
        case .distilbert:
            self.init(
                family: family, vocabSize: try keys.int("vocab_size"), hiddenSize: try keys.int("dim"),
                numLayers: try keys.int("n_layers"), numHeads: try keys.int("n_heads"),
                intermediateSize: try keys.int("hidden_dim"), activation: try keys.activation("activation"),
                layerNormEps: 1e-12, maxPositions: try keys.int("max_position_embeddings", 512),
                typeVocabSize: 0, padTokenId: try keys.int("pad_token_id", 0),
                architectures: c["architectures"] as? [String] ?? []
            )
        }
        task = try TaskConfig(config: c, source: source)
        try validate(source: source)
    }

    /// ALBERT: factorized embeddings and layer groups shared across applications.
    private init(albert c: [String: Any], keys: ConfigKeys) throws {
        if let pet = c["position_embedding_type"] as? String, pet != "absolute" {
            throw CheckpointError("position_embedding_type \"\(pet)\" is not supported (supported: absolute)")
        }
        let inner = try keys.int("inner_group_num", 1)
        guard inner >= 1, inner <= 64 else { throw CheckpointError("inner_group_num = \(inner) is out of range") }
        let layers = try keys.int("num_hidden_layers"), groups = try keys.int("num_hidden_groups", 1)
        guard layers >= 1, layers <= Self.maxLayers / inner else {
            throw CheckpointError(
                "num_hidden_layers = \(layers) is out of range (1…\(Self.maxLayers / inner) with inner_group_num \(inner))"
            )
        }
        guard groups >= 1, groups <= layers else {
            throw CheckpointError("num_hidden_groups = \(groups) must be between 1 and num_hidden_layers")
        }
        self.init(
            family: .albert, vocabSize: try keys.int("vocab_size"), hiddenSize: try keys.int("hidden_size"),
            embeddingSize: try keys.int("embedding_size", 128), numLayers: layers * inner,
            numHeads: try keys.int("num_attention_heads"),
            intermediateSize: try keys.int("intermediate_size"),
            activation: try keys.activation("hidden_act", default: "gelu_new"),  // AlbertConfig's default
            layerNormEps: keys.float("layer_norm_eps", 1e-12),
            maxPositions: try keys.int("max_position_embeddings", 512),
            typeVocabSize: try keys.int("type_vocab_size", 2), padTokenId: try keys.int("pad_token_id", 0),
            architectures: c["architectures"] as? [String] ?? [], layerGroups: groups)
        innerGroupLayers = inner
    }

    /// DeBERTa-v2/v3. Variants whose numbers we could not reproduce are refused by name.
    private init(debertaV2 c: [String: Any], keys: ConfigKeys) throws {
        if let z = c["z_steps"] as? Int, z > 1 { throw CheckpointError("z_steps = \(z) is not supported") }
        let hidden = try keys.int("hidden_size"), heads = try keys.int("num_attention_heads")
        if let a = c["attention_head_size"] as? Int, heads > 0, a != hidden / heads {
            throw CheckpointError(
                "attention_head_size = \(a) is not supported (supported: hidden_size / num_attention_heads)")
        }
        let types: [String]
        if let list = c["pos_att_type"] as? [String] {
            types = list.map { $0.lowercased() }
        } else if let s = c["pos_att_type"] as? String {
            types = s.lowercased().split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        } else {
            types = []
        }
        if let bad = types.first(where: { $0 != "c2p" && $0 != "p2c" }) {
            throw CheckpointError("pos_att_type \"\(bad)\" is not supported (supported: c2p, p2c)")
        }
        let maxPositions = try keys.int("max_position_embeddings", 512)
        self.init(
            family: .debertaV2, vocabSize: try keys.int("vocab_size"), hiddenSize: hidden,
            embeddingSize: try keys.int("embedding_size", hidden), numLayers: try keys.int("num_hidden_layers"),
            numHeads: heads,
            intermediateSize: try keys.int("intermediate_size"), activation: try keys.activation("hidden_act"),
            layerNormEps: keys.float("layer_norm_eps", 1e-7), maxPositions: maxPositions,
            typeVocabSize: try keys.int("type_vocab_size", 0), padTokenId: try keys.int("pad_token_id", 0),
            architectures: c["architectures"] as? [String] ?? [])
        positionBiasedInput = c["position_biased_input"] as? Bool ?? true
        if let k = c["conv_kernel_size"] as? Int, k > 0 {
            guard k % 2 == 1 else {
                throw CheckpointError("conv_kernel_size = \(k) is not supported (supported: odd sizes)")
            }
            let groups = try keys.int("conv_groups", 1)
            guard groups == 1 else { throw CheckpointError("conv_groups = \(groups) is not supported (supported: 1)") }
            let name = c["conv_act"] as? String ?? "tanh", activation = Activation(hfName: name)
            guard name == "tanh" || activation != nil else {
                throw CheckpointError(
                    "conv_act \"\(name)\" is not supported (supported: tanh, \(Activation.supportedNames))")
            }
            convolution = ConvolutionSettings(kernelSize: k, activation: name == "tanh" ? nil : activation)
        }
        if c["relative_attention"] as? Bool ?? false {
            let maxRelative = try keys.int("max_relative_positions", -1)
            let norm = (c["norm_rel_ebd"] as? String ?? "none").lowercased().split(separator: "|").map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            relative = RelativeAttention(
                buckets: try keys.int("position_buckets", -1),
                maxRelative: maxRelative < 1 ? maxPositions : maxRelative,
                contentToPosition: types.contains("c2p"), positionToContent: types.contains("p2c"),
                shareKey: c["share_att_key"] as? Bool ?? false, normEmbeddings: norm.contains("layer_norm"))
        }
    }

    /// Far beyond every published encoder (deberta-v2-xxlarge: 48 layers,
    /// 1536 wide; XLM-R: 250k pieces), far below what breaks arithmetic or memory.
    static let maxLayers = 1024
    static let limits: [String: Int] = [
        "vocab_size": 1 << 22, "hidden_size": 1 << 16, "embedding_size": 1 << 16, "num_hidden_layers": maxLayers,
        "num_attention_heads": 1024, "intermediate_size": 1 << 18, "max_position_embeddings": 1 << 17,
    ]

    func validate(source: String) throws {
        let sizes = [
            ("vocab_size", vocabSize), ("hidden_size", hiddenSize), ("embedding_size", embeddingSize),
            ("num_hidden_layers", numLayers), ("num_attention_heads", numHeads),
            ("intermediate_size", intermediateSize),
            ("max_position_embeddings", maxPositions),
        ]
        for (k, v) in sizes where v <= 0 || v > Self.limits[k]! {
            throw CheckpointError("\(source): \(k) = \(v) is out of range (1…\(Self.limits[k]!))")
        }
        guard typeVocabSize >= 0 && typeVocabSize < 1 << 16 else {
            throw CheckpointError("\(source): type_vocab_size = \(typeVocabSize) is out of range")
        }
        guard positionOffset < maxPositions else {
            throw CheckpointError("\(source): pad_token_id \(padTokenId) leaves no positions")
        }
        guard hiddenSize % numHeads == 0 else {
            throw CheckpointError(
                "\(source): hidden_size \(hiddenSize) is not divisible by num_attention_heads \(numHeads)")
        }
        guard layerNormEps.isFinite, layerNormEps > 0, layerNormEps < 1 else {
            throw CheckpointError(
                "\(source): layer_norm_eps = \(layerNormEps) must be a small positive number (a negative or NaN epsilon makes every output NaN)"
            )
        }
        if let r = relative {
            guard r.span <= 1 << 17, r.buckets <= 1 << 17, r.maxRelative >= 1 else {
                throw CheckpointError(
                    "\(source): position_buckets / max_relative_positions = \(r.span) is out of range (1…\(1 << 17))")
            }
            // The log-bucket formula divides by log((max_relative − 1) / (buckets / 2)).
            guard r.buckets <= 0 || (r.buckets >= 2 && r.maxRelative - 1 > r.buckets / 2) else {
                throw CheckpointError(
                    "\(source): position_buckets = \(r.buckets) needs 2 or more and max_relative_positions (\(r.maxRelative)) above half of it plus one"
                )
            }
        }
        let need = estimatedBytes(tokens: maxTokens), budget = MemoryBudget.bytes
        guard need <= budget else {
            throw CheckpointError(
                "\(source): \(numLayers) layers × \(numHeads) heads × \(hiddenSize) wide at \(maxTokens) tokens needs about \(ByteCount(need)), more than the \(ByteCount(budget)) this process can use"
            )
        }
    }

    /// Weights (mapped, plus the packed copy the encoder makes) and the
    /// leanest trace at `n` tokens, in bytes: every hidden state, and maps,
    /// queries and keys of one layer where they fit (a long ModernBERT pass
    /// keeps only those its screen reads, if any fit the session's budget); every
    /// term is bounded by `limits`, so this Double cannot overflow.
    public func estimatedBytes(tokens n: Int) -> Double {
        let h = Double(hiddenSize), e = Double(embeddingSize), i = Double(intermediateSize), t = Double(n)
        // ModernBERT's Wi holds input and gate: 2·ff rows.
        let layer = 4 * h * h + (modern == nil ? 2 : 3) * h * i + 10 * h
        let params = Double(vocabSize + maxPositions + typeVocabSize) * e + e * h + Double(storedLayers) * layer
        let oneLayer = 2 * t * h + Double(numHeads) * t * t
        let trace = Double(numLayers + 1) * t * h + (modern == nil ? oneLayer : 0)
        // Scratch: qkv, context, the FFN (ModernBERT's GeGLU is twice as wide), DeBERTa's position scores.
        let workspace = t * (5 * h + 2 * i) + (relative == nil ? 0 : Double(numHeads) * t * t)
        return 4 * (2 * params + trace + workspace)
    }

    /// The bytes of every layer's attention maps at `n` tokens (what a full trace holds).
    public func mapBytes(tokens n: Int) -> Double { 4 * Double(numLayers * numHeads) * Double(n) * Double(n) }
}

/// Typed reads of config.json values, with errors naming the key.
struct ConfigKeys {
    let c: [String: Any]
    let source: String
    init(_ c: [String: Any], source: String) { self.c = c; self.source = source }

    func int(_ key: String, _ fallback: Int? = nil) throws -> Int {
        if let v = c[key] as? Int { return v }
        if let f = fallback, c[key] == nil || c[key] is NSNull { return f }
        throw CheckpointError("\(source) lacks required integer \"\(key)\"")
    }

    func float(_ key: String, _ fallback: Float) -> Float {
        if let d = c[key] as? Double { return Float(d) }
        if let i = c[key] as? Int { return Float(i) }
        return c[key] == nil || c[key] is NSNull ? fallback : .nan  // a string or list is refused by validate
    }

    func activation(_ key: String, default fallback: String = "gelu") throws -> Activation {
        let name = c[key] as? String ?? fallback
        guard let act = Activation(hfName: name) else {
            throw CheckpointError("\(key) \"\(name)\" is not supported (supported: \(Activation.supportedNames))")
        }
        return act
    }
}
