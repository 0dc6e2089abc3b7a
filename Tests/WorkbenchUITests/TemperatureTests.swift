import Analysis
import Foundation
import Session
import Testing
@testable import WorkbenchUI

/// The softmax-temperature experiment on the masked LM's guesses (display
/// only): each shown probability is softmax(logits / T) over the whole
/// vocabulary, computed here from the logits.
@Suite struct TemperatureTests {
    @Test func temperatureRenormalizesTheWholeVocabulary() throws {
        let w = makeWorkbench("the cat sat on the [MASK] .")
        w.press(.escape, .tab, .tab)
        #expect(w.state.focus == .predictions)
        let r = try #require(w.snapshot.result), mask = try #require(r.mlm?.predictions.first)
        let lm = try MaskedLanguageModel(encoder: tinyModel.encoder, tokenizer: tinyModel.tokenizer)
        let t = try #require(r.trace)
        let logits = try lm.encoder.maskedLMLogits(
            hidden: Array(t.hiddenState(layer: t.layers, token: mask.position)), rows: 1)
        for (key, temperature) in [("T", Float(2)), ("T", Float(0.5))] {
            w.press(.char(Character(key)))
            #expect(w.state.predictions.temperature == temperature)
            // softmax(z / T) in doubles, max subtracted.
            let z = logits.map { Double($0 / temperature) }, top = z.max() ?? 0
            let total = z.reduce(0) { $0 + exp($1 - top) }
            let want = z.map { Float(exp($0 - top) / total) }
            let v = w.deriver.predictionsView(r, temperature: temperature)
            guard case .masks(let masks, _, _, _, _) = v.content else { Issue.record("no masks"); return }
            for g in masks[0].guesses {
                #expect(abs(g.probability - want[g.id]) < 1e-5, "\(g.token) at T=\(temperature)")
            }
            let screen = w.render(width: 120, height: 40)
            #expect(screen.contains("experiment: softmax temperature \(temperature == 2 ? "2" : "0.5")"))
        }
        w.press(.char("T"))
        #expect(w.state.predictions.temperature == 1 && !w.render(width: 120, height: 40).contains("experiment:"))
        w.run(command: "temperature 100")
        #expect(w.state.notice?.isError == true && w.state.predictions.temperature == 1)
    }
}

/// docs/workbench.md's example: on the default model, "paris" is the top
/// guess for "Paris is the capital of [MASK]." at 76.8%, and 2.92% at
/// temperature 2 (flatter over 30,522 tokens).
@Suite struct TemperatureDocsExampleTests {
    @Test func theDocumentedFigures() throws {
        let model = try ShownLayersPaneTests.defaultWithHeads()
        let w = makeWorkbench("Paris is the capital of [MASK].", model: model)
        let r = try #require(w.snapshot.result)
        let top = try #require(r.mlm?.predictions.first?.predictions.first)
        let atOne = String(format: "%.1f%%", top.probability * 100)
        #expect(top.token == "paris" && atOne == "76.8%", "\(top.token) \(atOne)")
        let v = w.deriver.predictionsView(r, temperature: 2)
        guard case .masks(let masks, _, _, _, _) = v.content else { Issue.record("no masks"); return }
        let atTwo = String(format: "%.2f%%", masks[0].guesses[0].probability * 100)
        #expect(masks[0].guesses[0].token == "paris" && atTwo == "2.92%", "\(atTwo)")
    }
}
