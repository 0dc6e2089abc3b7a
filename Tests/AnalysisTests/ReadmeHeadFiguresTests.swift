import Checkpoint
import Foundation
import Testing
import TestSupport

/// The README's line on the default model's heads quotes each overlay's
/// held-out figures; those are the metadata that ClozeTests,
/// NextSentenceHeadTests and SentimentHeadTests measure again.
@Suite struct ReadmeHeadFiguresTests {
    static let samples = Fixtures.packageRoot.appendingPathComponent("Samples")

    static func metadata(_ path: String) throws -> [String: String] {
        try SafeTensorsFile(path: samples.appendingPathComponent(path).path).metadata
    }

    static func percent(_ value: String?) -> String {
        String(format: "%.1f%%", (Double(value ?? "") ?? .nan) * 100)
    }

    @Test func theReadmeQuotesTheOverlaysFigures() throws {
        let readme = try String(
            contentsOf: Fixtures.packageRoot.appendingPathComponent("README.md"), encoding: .utf8
        ).replacingOccurrences(of: "\n", with: " ")
        let mlm = try Self.metadata("mlm-head/minilm-mlm-overlay.safetensors")
        let nsp = try Self.metadata("nsp-head/minilm-nsp-overlay.safetensors")
        let sentiment = try Self.metadata("sentiment/minilm-sentiment-overlay.safetensors")
        let pairs = try #require(Int(nsp["heldout_pairs"] ?? "")).formatted(.number.grouping(.automatic))
        let quoted = [
            "masked LM cloze top-5 \(Self.percent(mlm["cloze_top5"])) and \(Self.percent(mlm["cloze_more_top5"]))"
                + " on two held-out sets, factual \(Self.percent(mlm["factual_top5"]))",
            "next sentence \(Self.percent(nsp["heldout_accuracy"])) accuracy on \(pairs) held-out pairs",
            "sentiment \(Self.percent(sentiment["heldout_accuracy"])) on polar held-out sentences,"
                + " \(Self.percent(sentiment["heldout_neutral_calm"])) of neutral ones answered below"
                + " \(sentiment["calm_below"] ?? "?")",
        ]
        for q in quoted { #expect(readme.contains(q), "README.md should say: \(q)") }
    }
}
