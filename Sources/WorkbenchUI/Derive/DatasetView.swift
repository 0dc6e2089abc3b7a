import CorpusText
import Foundation

/// The corpus view's dataset table: the stored classifier over the labelled corpus
/// (accuracy, macro F1, the confusion matrix) and its rows, filtered and sorted.
public struct DatasetView: Equatable, Sendable {
    public static func == (a: DatasetView, b: DatasetView) -> Bool {
        a.classifier == b.classifier && a.classes == b.classes && a.labelled == b.labelled && a.answered == b.answered
            && a.accuracy == b.accuracy && a.macroF1 == b.macroF1 && a.confusion == b.confusion && a.sort == b.sort
            && a.filter == b.filter && a.rows == b.rows && a.selected == b.selected && a.pushes == b.pushes
            && a.helpfulHeads.map(\.0) == b.helpfulHeads.map(\.0) && a.helpfulHeads.map(\.1) == b.helpfulHeads.map(\.1)
            && a.headRows == b.headRows
    }

    public struct Row: Equatable, Sendable {
        public var sentence: Int, text: String, gold: String?, predicted: String
        public var probability: Float, loss: Float?, tokens: Int
        public init(
            sentence: Int, text: String, gold: String?, predicted: String, probability: Float, loss: Float?, tokens: Int
        ) {
            self.sentence = sentence; self.text = text; self.gold = gold; self.predicted = predicted
            self.probability = probability; self.loss = loss; self.tokens = tokens
        }
    }

    public var classifier: String, classes: [String]
    /// Over every answered row with a gold label among the classes.
    public var labelled: Int, answered: Int, accuracy: Double, macroF1: Double
    public var confusion: [[Int]]
    public var sort: DatasetSort, filter: String
    /// The rows the filter keeps, in the sort's order, and the highlighted one.
    public var rows: [Row]
    public var selected: Int
    /// Per class, the tokens that pushed the classifier toward it most over the corpus.
    public var pushes: [[TokenPush]] = []
    /// The heads whose loss hurts the gold label most over the labelled rows ("L6·H10", mean
    /// Δ log p), when `corpus report --heads` measured them, and over how many rows.
    public var helpfulHeads: [(String, Float)] = []
    public var headRows = 0

    public init(
        classifier: String, classes: [String], labelled: Int, answered: Int, accuracy: Double, macroF1: Double,
        confusion: [[Int]], sort: DatasetSort, filter: String, rows: [Row], selected: Int
    ) {
        self.classifier = classifier; self.classes = classes; self.labelled = labelled; self.answered = answered
        self.accuracy = accuracy; self.macroF1 = macroF1; self.confusion = confusion; self.sort = sort
        self.filter = filter; self.rows = rows; self.selected = selected
    }
}

extension DatasetView {
    /// What filter `k` keeps: 0 every row, 1 the misclassified, 2 + c the rows of gold class c.
    static func filterName(_ k: Int, _ classes: [String]) -> String {
        switch k {
        case 0: return "every row"
        case 1: return "misclassified"
        default: return classes.indices.contains(k - 2) ? "gold \(classes[k - 2])" : "every row"
        }
    }

    init(_ d: CorpusDataset, sort: DatasetSort, filter: Int, word: String? = nil, selected: Int) {
        let index = Dictionary(d.classes.enumerated().map { ($1, $0) }) { a, _ in a }
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: d.classes.count), count: d.classes.count)
        for r in d.rows {
            if let g = r.gold.flatMap({ index[$0] }), let p = index[r.predicted] { confusion[g][p] += 1 }
        }
        let labelled = confusion.joined().reduce(0, +)
        let right = d.classes.indices.reduce(0) { $0 + confusion[$1][$1] }
        let f1s = d.classes.indices.map { k -> Double in
            let tp = Double(confusion[k][k]), said = Double(confusion.reduce(0) { $0 + $1[k] })
            let support = Double(confusion[k].reduce(0, +))
            let p = said > 0 ? tp / said : 0, r = support > 0 ? tp / support : 0
            return p + r > 0 ? 2 * p * r / (p + r) : 0
        }
        let kept = d.rows.filter { r in
            if let word, r.text.range(of: word, options: .caseInsensitive) == nil { return false }
            switch filter {
            case 0: return true
            case 1: return r.correct == false
            default: return d.classes.indices.contains(filter - 2) && r.gold == d.classes[filter - 2]
            }
        }
        let ordered: [DatasetRow]
        switch sort {
        case .loss: ordered = kept.sorted { ($0.loss ?? -1, $1.sentence) > ($1.loss ?? -1, $0.sentence) }
        case .confidence: ordered = kept.sorted { ($0.probability, $0.sentence) < ($1.probability, $1.sentence) }
        case .length: ordered = kept.sorted { ($0.tokens, $1.sentence) > ($1.tokens, $0.sentence) }
        case .corpus: ordered = kept
        }
        self.init(
            classifier: d.classifier, classes: d.classes, labelled: labelled, answered: d.rows.count,
            accuracy: labelled > 0 ? Double(right) / Double(labelled) : 0,
            macroF1: f1s.isEmpty ? 0 : f1s.reduce(0, +) / Double(f1s.count), confusion: confusion, sort: sort,
            filter: Self.filterName(filter, d.classes) + (word.map { " containing \"\($0)\"" } ?? ""),
            rows: ordered.map {
                Row(
                    sentence: $0.sentence, text: $0.text, gold: $0.gold, predicted: $0.predicted,
                    probability: $0.probability, loss: $0.loss, tokens: $0.tokens)
            },
            selected: max(0, min(ordered.count - 1, selected)))
        pushes = d.pushes
        if let h = d.heads {
            helpfulHeads = h.mostHelpful(6).map { ("L\($0.layer + 1)·H\($0.head + 1)", $0.mean) }
            headRows = h.rows
        }
    }
}
