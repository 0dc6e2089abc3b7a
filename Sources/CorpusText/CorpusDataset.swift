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
    public init(classifier: String, classes: [String], rows: [DatasetRow], pushes: [[TokenPush]] = []) {
        self.classifier = classifier; self.classes = classes; self.rows = rows; self.pushes = pushes
    }
}
