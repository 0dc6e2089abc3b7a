import Foundation

/// Every `--json` output is an `Encodable` value written by one encoder:
/// snake_case keys from the Swift names, keys sorted so output is stable,
/// one line per object.
enum JSONOutput {
    static func string<T: Encodable>(_ value: T) -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.keyEncodingStrategy = .convertToSnakeCase
        // Encodable values of our own types: encoding cannot fail short of a NaN, which is written as null.
        e.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return (try? e.encode(value)).flatMap { String(data: $0, encoding: .utf8) } ?? "null"
    }

    static func print<T: Encodable>(_ value: T) { Swift.print(string(value)) }
}

/// `predict --json`.
struct PredictJSON: Encodable {
    struct Prediction: Encodable { let id: Int, token: String, probability: Float }
    struct Target: Encodable { let word: String, pieces: [String], probability: Float, pieceProbabilities: [Float] }
    struct Mask: Encodable { let position: Int, predictions: [Prediction], targets: [Target]? }
    let masks: [Mask]
}

/// `nsp --json`.
struct NextSentenceJSON: Encodable { let isNext: Float, notNext: Float }

/// `score --json`.
struct ScoreJSON: Encodable {
    struct Token: Encodable { let position: Int, token: String, logProbability: Double }
    let pll: Double
    let tokens: [Token]
}

/// `replaced --json`.
struct ReplacedJSON: Encodable { let tokens: [String], probabilities: [Float] }

/// `probe --json`: one per task.
struct ProbeJSON: Encodable {
    struct Layer: Encodable { let layer: Int, accuracy: Double, controlAccuracy: Double }
    struct Mix: Encodable { let accuracy: Double, centerOfGravity: Double, gamma: Float, weights: [Float] }
    let task: String, labels: Int, layers: [Layer], bestLayer: Int, expectedLayer: Double
    let mix: Mix?
}

/// `probe --sentence S --json`.
struct ProbeSentenceJSON: Encodable {
    struct Word: Encodable { let word: String, labels: [String] }
    let task: String, words: [Word]
}

/// `bench --json` and `bench --workbench N --json`.
struct BenchJSON: Encodable {
    let medianMs: Double, p90Ms: Double, tokens: Int, peakRssMb: Double
    /// ModernBERT: its local and global layers' times apart.
    var layers: BenchLayerTimes? = nil
}
struct WorkbenchBenchJSON: Encodable {
    let words: Int, tokens: Int, keys: Int, echoP50Ms: Double, echoP95Ms: Double, frameP50Ms: Double, frameP95Ms: Double
}

/// A `--jsonl` input line that could not be handled.
struct LineErrorJSON: Encodable { let line: Int, error: String }

/// A problem with the command line itself (not the model, the tokenizer or a file).
struct CommandError: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// `classify --json`: sequence classifiers give `labels`, token classifiers `tokens`.
struct ClassifyJSON: Encodable {
    /// `probability` for classifiers, `value` for a regression head.
    struct Label: Encodable { let id: Int, label: String, probability: Float?, value: Float?, logit: Float }
    struct Token: Encodable { let position: Int, token: String, label: String, probability: Float }
    let labels: [Label]?
    let tokens: [Token]?
}

/// `answer --json`: character offsets into the context.
struct AnswerJSON: Encodable {
    let answer: String, start: Int, end: Int, score: Float
    let startToken: Int, endToken: Int
}

/// `explain --json`: one attribution per token, specials included.
struct ExplainJSON: Encodable {
    struct Target: Encodable { let id: Int, label: String, position: Int? }
    let target: Target, method: String, tokens: [String], attributions: [Float]
    let logit: Float
    let completenessGap: Float?, baselineLogit: Float?, steps: Int?
    let note: String?
}

/// `patch --json`: effects (0 = clean, 1 = counterfactual), null where a layer cannot be resumed.
struct PatchJSON: Encodable {
    struct Answer: Encodable { let id: Int, label: String }
    struct Target: Encodable { let a: Answer, b: Answer, position: Int? }
    let layers: Int, positions: Int, effect: [[Float?]], heads: [[Float?]]
    let tokens: [String], counterfactualTokens: [String]
    /// Per clean position, the counterfactual position patched in (nil: unpaired); the identity for equal lengths.
    let counterfactualPositions: [Int?]
    let target: Target, clean: Float, counterfactual: Float
}

/// `compare --json`.
struct CompareJSON: Encodable {
    struct Word: Encodable { let word: String, a: [Int], b: [Int], cosine: [Float], toEmbedding: [Float] }
    let words: [Word]
    let attentionJs: [[Float]]?
    let alignment: String?
}
