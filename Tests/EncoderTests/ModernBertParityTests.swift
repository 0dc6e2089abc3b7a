import Checkpoint
import Encoder
import Foundation
import TestSupport
import Testing

/// ModernBERT (#30) against transformers' eager ModernBertModel on tiny
/// random checkpoints (make_modernbert_fixtures.py): both config spellings,
/// global and local layers with a window smaller than the input, biases on
/// and off, padding; hidden states (the last after the final norm) and
/// attentions within 1e-4, and the masked-LM head's logits.
@Suite struct ModernBertParityTests {
    static let models = [
        "tiny-modernbert-mlm", "tiny-modernbert-cls-mean", "tiny-modernbert-cls", "tiny-modernbert-ner",
        "tiny-modernbert-qa",
    ]

    @Test(arguments: models)
    func hiddenStatesAndAttentionsMatchTransformers(model: String) throws {
        let dir = Fixtures.model(model)
        let spec = try Fixtures.json(dir.appendingPathComponent("golden.json"))
        let goldens = try SafeTensorsFile(path: dir.appendingPathComponent("golden.safetensors").path)
        let encoder = try BertEncoder(directory: dir)
        let m = try #require(encoder.config.modern)
        let types = spec["layer_types"] as! [String]
        #expect(m.globalLayers == types.map { $0 == "full_attention" }, "\(model): the layer pattern")
        #expect(m.window == 4 && m.globalLayers.filter { $0 }.count >= 2)
        #expect(
            (encoder.taskHead != nil) == (encoder.weights.maskedLM == nil) && m.meanPooling == model.hasSuffix("-mean"))
        for (i, c) in (spec["cases"] as! [[String: Any]]).enumerated() {
            let ids = c["ids"] as! [Int], mask = c["attention_mask"] as? [Int]
            let trace = try encoder.forward(ids: ids, attentionMask: mask)
            let hidden = try goldens.tensor("case\(i).hidden_states").values
            let attentions = try goldens.tensor("case\(i).attentions").values
            let scale = max(1, hidden.map(abs).max() ?? 1)
            let hd = maxAbsDiff(trace.hiddenStates, hidden), ad = maxAbsDiff(trace.attentions, attentions)
            #expect(trace.hiddenStates.count == hidden.count && hd <= 1e-4 * scale, "\(model) case \(i): hidden \(hd)")
            #expect(trace.attentions.count == attentions.count && ad <= 1e-4, "\(model) case \(i): attentions \(ad)")
            if encoder.taskHead != nil, mask == nil {
                // ModernBertForSequenceClassification: first token or mean, head (dense → act → norm), classifier;
                // token classification and question answering: the head on every token, then the classifier.
                let logits: [Float]
                switch try encoder.taskLogits(trace) {
                case .sequence(let l): logits = l
                case .tokens(let l, _): logits = l
                case .span(let start, let end): logits = zip(start, end).flatMap { [$0, $1] }
                }
                let want = try goldens.tensor("case\(i).logits").values
                #expect(
                    maxAbsDiff(logits, want) <= 1e-4 * max(1, want.map(abs).max() ?? 1),
                    "\(model) case \(i): \(logits) vs \(want)")
            }
            if encoder.weights.maskedLM != nil {
                let n = ids.count, d = encoder.config.hiddenSize, L = encoder.config.numLayers
                let last = Array(trace.hiddenStates[(L * n * d)..<((L + 1) * n * d)])
                let logits = try encoder.maskedLMLogits(hidden: last, rows: n)
                let want = try goldens.tensor("case\(i).logits").values
                let ld = maxAbsDiff(logits, want)
                #expect(ld <= 1e-4 * max(1, want.map(abs).max() ?? 1), "\(model) case \(i): MLM logits \(ld)")
            }
        }
    }

    /// A local layer's row is zero outside the window: |i − j| > 4 never attended.
    @Test func localLayersSeeOnlyTheirWindow() throws {
        let encoder = try BertEncoder(directory: Fixtures.model("tiny-modernbert-mlm"))
        let ids = Array(repeating: 10, count: 30)
        let trace = try encoder.forward(ids: ids)
        let m = try #require(encoder.config.modern)
        for l in 0..<encoder.config.numLayers where !m.isGlobal(l) {
            for i in 0..<30 {
                for j in 0..<30 where abs(i - j) > m.window {
                    #expect(trace.attention(layer: l, head: 1, row: i, column: j) == 0)
                }
            }
        }
    }

    /// A pass resumed at any layer from the trace's state there (patching, head importance) ends
    /// where the whole pass did, final norm included; at L it is the last state itself.
    @Test(arguments: ["tiny-modernbert-mlm", "tiny-modernbert-cls"])
    func resumingAtAnyLayerGivesTheWholePass(model: String) throws {
        let encoder = try BertEncoder(directory: Fixtures.model(model))
        let ids = [696] + Array(repeating: 47, count: 12) + [370, 271, 697]
        let trace = try encoder.forward(ids: ids)
        let n = ids.count, d = encoder.config.hiddenSize, L = encoder.config.numLayers
        let last = Array(trace.hiddenStates[(L * n * d)...])
        #expect(encoder.canResume(at: 0) && encoder.canResume(at: 1))
        for layer in 0...L {
            var out = [Float]()
            try encoder.lastHidden(
                from: Array(trace.hiddenStates[(layer * n * d)..<((layer + 1) * n * d)]), atLayer: layer, tokens: n,
                ablate: HeadSet(), workspace: encoder.makeWorkspace(), into: &out)
            #expect(maxAbsDiff(out, last) <= 1e-5, "\(model): resumed at \(layer)")
        }
    }
}
