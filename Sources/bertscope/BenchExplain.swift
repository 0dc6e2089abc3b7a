import Analysis
import Encoder
import Foundation
import Session
import Tokenizers

/// `bench --explain METHOD`: attribution cost on the model's task head (the
/// default model's sentiment head) or, failing that, its masked-LM head:
/// the forward pass alone, one forward + backward (the gradient), and the
/// whole method, medians over the iterations.
enum BenchExplain {
    struct Report: Encodable {
        let method: String, steps: Int, tokens: Int
        let forwardMs: Double, gradientMs: Double, backwardForwardRatio: Double, explainMs: Double
        let peakRssMb: Double
    }

    static func run(_ model: LoadedModel, tokens: Int, method: AttributionMethod, steps: Int, iterations: Int) throws
        -> Report
    {
        let text = String(
            repeating: "The film was slow at first, but the acting was wonderful and the ending truly moved me. ",
            count: tokens / 8 + 2)
        let e = model.tokenizer.encode(text, maxLength: tokens)
        let ids = e.ids
        let (encoder, target) = try pick(model, ids: ids)
        let explainer = Explainer(encoder: encoder, tokenizer: model.tokenizer)
        let words = try encoder.wordEmbeddings(ids)
        let ws = encoder.makeWorkspace()
        var trace = Trace()
        let forward = try median(iterations) {
            try encoder.forward(ids: ids, typeIds: nil, attentionMask: nil, workspace: ws, into: &trace)
        }
        let gradient = try median(iterations) {
            _ = try encoder.embeddingGradients(words: words, ids: ids, typeIds: nil, batch: 1, target: target)
        }
        let explain = try median(max(1, iterations / 5)) {
            _ = try explainer.explain(e, target: target, method: method, steps: steps)
        }
        return Report(
            method: method.rawValue, steps: steps, tokens: ids.count, forwardMs: round3(forward),
            gradientMs: round3(gradient), backwardForwardRatio: round3((gradient - forward) / forward),
            explainMs: round3(explain), peakRssMb: peakResidentMegabytes())
    }

    private static func pick(_ model: LoadedModel, ids: [Int]) throws -> (BertEncoder, GradientTarget) {
        if let task = model.taskEncoder, task.taskHead?.task.kind == .sequenceClassification {
            return (task, .taskLogit(label: 0))
        }
        if let mlm = model.mlmEncoder { return (mlm, .maskedLogit(position: min(1, ids.count - 1), token: ids[0])) }
        throw CommandError("\(model.name) has neither a sequence-classification head nor a masked-LM head to explain")
    }

    static func median(_ n: Int, _ body: () throws -> Void) throws -> Double {
        try body()  // warm-up
        var times: [Double] = []
        for _ in 0..<n {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        times.sort()
        return times[times.count / 2]
    }

    static func round3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }
}
