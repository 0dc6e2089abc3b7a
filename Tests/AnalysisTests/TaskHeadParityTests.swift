import Analysis
import Checkpoint
import Encoder
import Foundation
import TestSupport
import Testing
import Tokenizers

/// Every family's sequence-classification, token-classification and
/// question-answering head against transformers (task_goldens.json).
@Suite struct TaskHeadParityTests {
    @Test func everyFamilyAndHeadTypeIsCovered() {
        let names = Set(Fixtures.taskHeadModels)
        for family in [
            "bert", "distilbert", "roberta", "xlm-roberta", "camembert", "albert", "electra", "deberta-v2",
            "deberta-v3",
        ] {
            for task in ["sequence", "token", "qa"] { #expect(names.contains("heads/\(family)-\(task)")) }
        }
        #expect(names.contains("heads/bert-sequence-multi") && names.contains("heads/bert-sequence-regression"))
    }

    @Test(arguments: Fixtures.taskHeadModels)
    func headMatchesTransformers(name: String) throws {
        let dir = Fixtures.model(name)
        let goldens = try Fixtures.json(dir.appendingPathComponent("task_goldens.json"))
        let model = try TaskModel(encoder: BertEncoder(directory: dir), tokenizer: Tokenizer.load(directory: dir))
        #expect(model.encoder.config.architectures.first == goldens["architecture"] as? String)
        if let cases = goldens["sequence"] as? [[String: Any]] {
            #expect(model.task.kind == .sequenceClassification)
            for c in cases {
                let e = model.encode(c["text"] as! String, pair: c["pair"] as? String)
                let got = try model.classify(e)
                let want = c["labels"] as! [[String: Any]]
                #expect(got.map(\.label) == want.map { $0["label"] as! String }, "\(name)")
                let diff = maxAbsDiff(got.map(\.score), want.map { Float($0["probability"] as! Double) })
                #expect(diff <= 1e-4, "\(name) \(c["text"]!): probabilities differ by \(diff)")
                let logits = maxAbsDiff(got.map(\.logit), (c["logits"] as! [Double]).map(Float.init))
                #expect(logits <= 1e-4, "\(name): logits differ by \(logits)")
            }
        }
        if let cases = goldens["token"] as? [[String: Any]] {
            #expect(model.task.kind == .tokenClassification)
            for c in cases {
                let got = try model.labelTokens(model.encode(c["text"] as! String))
                let want = c["tokens"] as! [[String: Any]]
                #expect(got.map(\.position) == want.map { $0["position"] as! Int }, "\(name)")
                #expect(got.map(\.token) == want.map { $0["token"] as! String }, "\(name)")
                #expect(got.map(\.label) == want.map { $0["label"] as! String }, "\(name) \(c["text"]!)")
                let diff = maxAbsDiff(got.map(\.probability), want.map { Float($0["probability"] as! Double) })
                #expect(diff <= 1e-4, "\(name): probabilities differ by \(diff)")
            }
        }
        if let cases = goldens["qa"] as? [[String: Any]] {
            #expect(model.task.kind == .questionAnswering)
            for c in cases {
                let (_, span) = try model.answer(question: c["question"] as! String, context: c["context"] as! String)
                let s = try #require(span)
                #expect(s.text == c["answer"] as! String, "\(name)")
                #expect(s.start == c["start"] as! Int && s.end == c["end"] as! Int, "\(name)")
                #expect(s.startToken == c["start_token"] as! Int && s.endToken == c["end_token"] as! Int, "\(name)")
                #expect(abs(s.score - Float(c["score"] as! Double)) <= 1e-4, "\(name): score \(s.score)")
            }
        }
    }
}
