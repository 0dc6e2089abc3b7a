import CorpusText
import GRDB

/// A classifier over a labelled corpus: accuracy, per-class precision, recall and
/// F1, the confusion matrix (gold rows × predicted columns), and the rows it gets
/// most wrong (highest loss), from the answers `corpus index --classify` stored.
public struct CorpusReport: Sendable, Codable {
    public struct ClassScore: Sendable, Codable {
        public let label: String, precision: Double, recall: Double, f1: Double, support: Int
    }
    public struct Row: Sendable, Codable {
        public let sentence: Int, text: String, gold: String, predicted: String, probability: Double, loss: Double
    }

    public let classifier: String
    public let classes: [String]
    /// Rows with a gold label among the classes, and of those the ones predicted right.
    public let labelled: Int, correct: Int
    public var accuracy: Double { labelled > 0 ? Double(correct) / Double(labelled) : 0 }
    public let macroF1: Double
    public let perClass: [ClassScore]
    public let confusion: [[Int]]
    public let worst: [Row]
    /// Per class, the tokens that pushed the classifier toward it most over the corpus.
    public let pushes: [[TokenPush]]
    /// Head importance over the labelled rows, when measured (`corpus report --heads`).
    public let heads: DatasetHeadImportance?

    public init(_ index: CorpusIndex, worst count: Int = 10) throws {
        guard let name = index.meta.classifier, let classes = index.meta.classes, !classes.isEmpty else {
            throw CorpusError("the index holds no classifier answers: corpus index --classify stores them")
        }
        let position = Dictionary(classes.enumerated().map { ($1, $0) }) { a, _ in a }
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: classes.count), count: classes.count)
        var worst: [Row] = []
        try index.db.queue.read { d in
            let rows = try GRDB.Row.fetchCursor(
                d,
                sql: """
                    SELECT p.sentence, p.label AS predicted, p.probability, p.loss, s.label AS gold, s.text
                    FROM predictions p JOIN sentences s ON s.id = p.sentence WHERE p.loss IS NOT NULL
                    """)
            while let r = try rows.next() {
                let gold: String = try r.need("gold"), predicted: String = try r.need("predicted")
                // The gold label by name, or by class id as the head numbers them.
                let g = position[gold] ?? Int(gold).flatMap { classes.indices.contains($0) ? $0 : nil }
                guard let g, let p = position[predicted] else { continue }
                confusion[g][p] += 1
                worst.append(
                    Row(
                        sentence: try r.need("sentence"), text: try r.need("text"), gold: classes[g],
                        predicted: predicted, probability: try r.need("probability"), loss: try r.need("loss")))
            }
        }
        self.classifier = name
        self.classes = classes
        self.confusion = confusion
        labelled = confusion.joined().reduce(0, +)
        correct = classes.indices.reduce(0) { $0 + confusion[$1][$1] }
        perClass = classes.indices.map { k in
            let tp = Double(confusion[k][k]), predicted = Double(confusion.reduce(0) { $0 + $1[k] })
            let support = confusion[k].reduce(0, +)
            let p = predicted > 0 ? tp / predicted : 0, r = support > 0 ? tp / Double(support) : 0
            return ClassScore(
                label: classes[k], precision: p, recall: r, f1: p + r > 0 ? 2 * p * r / (p + r) : 0, support: support)
        }
        macroF1 = perClass.isEmpty ? 0 : perClass.reduce(0) { $0 + $1.f1 } / Double(perClass.count)
        self.worst = Array(worst.sorted { ($0.loss, $1.sentence) > ($1.loss, $0.sentence) }.prefix(max(0, count)))
        pushes = try index.tokenPushes(classes: classes)
        heads = try index.storedHeadImportance()
    }
}

extension CorpusIndex {
    /// Every row the stored classifier answered, with its gold label (the label as the
    /// classifier names it, where it names one of its classes) and token count.
    public func dataset() throws -> CorpusDataset? {
        guard let name = meta.classifier, let classes = meta.classes else { return nil }
        if let kept = cachedDataset() { return kept }
        let rows = try db.queue.read { d in
            try GRDB.Row.fetchAll(
                d,
                sql: """
                    SELECT p.sentence, p.label AS predicted, p.probability, p.loss, s.label AS gold, s.text, s.pair,
                           s.rows AS tokens
                    FROM predictions p JOIN sentences s ON s.id = p.sentence ORDER BY p.sentence
                    """
            ).map { r -> DatasetRow in
                let raw = try r.decode(String?.self, forColumn: "gold")
                let gold = raw.flatMap { g in
                    classes.contains(g) ? g : Int(g).flatMap { classes.indices.contains($0) ? classes[$0] : nil }
                }
                let loss = try r.decode(Double?.self, forColumn: "loss")
                return DatasetRow(
                    sentence: try r.need("sentence"), text: try r.need("text"),
                    pair: try r.decode(String?.self, forColumn: "pair"), gold: gold, predicted: try r.need("predicted"),
                    probability: Float(try r.need("probability") as Double), loss: loss.map(Float.init),
                    tokens: try r.need("tokens"))
            }
        }
        let dataset = CorpusDataset(
            classifier: name, classes: classes, rows: rows, pushes: try tokenPushes(classes: classes),
            heads: try storedHeadImportance())
        keepDataset(dataset)
        return dataset
    }
}

extension CorpusIndex {
    /// Per class, the `top` tokens whose grad × input toward it (summed over the rows the
    /// classifier answered with it) is largest, with their counts; pieces compared lowercased.
    func tokenPushes(classes: [String], top: Int = 12) throws -> [[TokenPush]] {
        try db.queue.read { d in
            let rows = try GRDB.Row.fetchAll(
                d,
                sql: """
                    SELECT p.label AS class, lower(t.token) AS token, SUM(t.attribution) AS total, COUNT(*) AS n
                    FROM tokens t JOIN predictions p ON p.sentence = t.sentence
                    WHERE t.attribution IS NOT NULL GROUP BY p.label, lower(t.token)
                    """)
            var by = [[TokenPush]](repeating: [], count: classes.count)
            let index = Dictionary(classes.enumerated().map { ($1, $0) }) { a, _ in a }
            for r in rows {
                guard let k = index[try r.need("class") as String] else { continue }
                by[k].append(
                    TokenPush(
                        token: try r.need("token"), total: Float(try r.need("total") as Double), count: try r.need("n"))
                )
            }
            return by.map { Array($0.sorted { ($0.total, $1.token) > ($1.total, $0.token) }.prefix(top)) }
        }
    }
}
