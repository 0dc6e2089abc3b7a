/// One labelled row as the stored classifier answered it (the dataset table's row).
public struct DatasetRow: Sendable, Equatable, Codable {
    public let sentence: Int
    public let text: String, pair: String?
    public let gold: String?, predicted: String
    public let probability: Float, loss: Float?
    /// The row's token count (special tokens left out).
    public let tokens: Int
    public var correct: Bool? { gold.map { $0 == predicted } }

    public init(
        sentence: Int, text: String, pair: String?, gold: String?, predicted: String, probability: Float, loss: Float?,
        tokens: Int
    ) {
        self.sentence = sentence; self.text = text; self.pair = pair; self.gold = gold; self.predicted = predicted
        self.probability = probability; self.loss = loss; self.tokens = tokens
    }
}

/// A token (piece) that pushed the classifier toward a class over the corpus: its grad × input
/// summed over the rows answered with that class, and how many times it occurred in them.
public struct TokenPush: Sendable, Equatable, Codable {
    public let token: String
    public let total: Float
    public let count: Int
    public init(token: String, total: Float, count: Int) { self.token = token; self.total = total; self.count = count }
}

/// The stored classifier's answers over a corpus: its name, classes, every answered row,
/// and per class the tokens that pushed toward it most.
public struct CorpusDataset: Sendable, Equatable {
    public let classifier: String
    public let classes: [String]
    public let rows: [DatasetRow]
    /// Per class (in `classes` order), the strongest pushes first.
    public let pushes: [[TokenPush]]
    /// Head importance over the labelled rows, once `corpus report --heads` has measured it.
    public var heads: DatasetHeadImportance?
    public init(
        classifier: String, classes: [String], rows: [DatasetRow], pushes: [[TokenPush]] = [],
        heads: DatasetHeadImportance? = nil
    ) {
        self.classifier = classifier; self.classes = classes; self.rows = rows; self.pushes = pushes
        self.heads = heads
    }
}

/// Head importance averaged over a labelled corpus (Michel et al. 2019, by ablation): for every
/// head, the mean change of log p(gold label) when that head alone is switched off. Negative: the
/// head helps the classifier on this data.
public struct DatasetHeadImportance: Sendable, Equatable, Codable {
    public let layers: Int, heads: Int
    /// Labelled rows averaged over.
    public let rows: Int
    /// mean[layer · heads + head] (layers from 0).
    public let mean: [Float]

    public init(layers: Int, heads: Int, rows: Int, mean: [Float]) {
        self.layers = layers; self.heads = heads; self.rows = rows; self.mean = mean
    }

    /// Well-formed: the table has a value per head (a stored record is checked before use).
    public var isValid: Bool {
        layers > 0 && heads > 0 && layers <= 4_096 && heads <= 4_096 && mean.count == layers * heads && rows > 0
    }

    /// The `k` heads whose loss hurts most (most negative mean first): (layer, head) from 0 and the mean.
    public func mostHelpful(_ k: Int) -> [(layer: Int, head: Int, mean: Float)] {
        mean.indices.sorted { (mean[$0], $0) < (mean[$1], $1) }.prefix(k).map { ($0 / heads, $0 % heads, mean[$0]) }
    }
}
