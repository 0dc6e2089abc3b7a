import Analysis
import CorpusText
import Foundation
import GRDB

/// A sequence classifier's answer for each row of a chunk: the predicted label, its
/// probability, every label's probability, and the loss against the row's gold label
/// (−ln p(gold), when the label names one of the head's classes, by name or id).
struct ChunkPredictions {
    struct Prediction {
        let label: String, probability: Float, probabilities: [Float], loss: Float?, correct: Bool?
    }

    let predictions: [Prediction?]
    /// Each row's grad × input toward the predicted class, a score per position (nil: no answer).
    let attributions: [[Float]?]

    init(_ rows: [IndexRow], classifier: TaskModel) throws {
        var attributions: [[Float]?] = []
        let explainer = Explainer(encoder: classifier.encoder, tokenizer: classifier.tokenizer)
        predictions = try rows.map { r in
            guard !r.row.text.isEmpty else {
                attributions.append(nil)
                return nil
            }
            let e = classifier.encode(r.row.text, pair: r.row.pair)
            let scores = try classifier.classify(e)
            guard let best = scores.max(by: { $0.score < $1.score }) else {
                attributions.append(nil)
                return nil
            }
            attributions.append(try explainer.explain(e, target: .taskLogit(label: best.id), method: .gradInput).scores)
            // The gold label by name first, then by class id (labels may themselves be numbers).
            let gold = r.row.label.flatMap { g in scores.first { $0.label == g } ?? scores.first { String($0.id) == g }
            }
            return Prediction(
                label: best.label, probability: best.score, probabilities: scores.map(\.score),
                loss: gold.map { -log(max($0.score, 1e-12)) }, correct: gold.map { $0.id == best.id })
        }
        self.attributions = attributions
    }

    func insert(into db: Database, rows: [IndexRow]) throws {
        let statement = try db.cachedStatement(sql: "INSERT INTO predictions VALUES (?, ?, ?, ?, ?, ?)")
        for (r, p) in zip(rows, predictions) {
            guard let p else { continue }
            let all = "[" + p.probabilities.map { String(format: "%.6g", Double($0)) }.joined(separator: ",") + "]"
            let loss: Double? = p.loss.map { Double($0) }
            try statement.execute(arguments: [
                r.id, p.label, Double(p.probability), loss, p.correct, all,
            ])
        }
    }
}
