import Foundation
import Testing
import TestSupport

/// The computation view (`x`) and the layer anatomy (`A`), opened from the
/// attention pane of the real workbench on the default model, show the
/// numbers `bertscope anatomy --json` prints for the same cell and token.
@Suite(.serialized) struct ArithmeticTmuxTests {
    static let text = "The cat sat on the mat."

    /// `anatomy --json` for query 2 ("cat") → key 5 ("the"), layer 3, head 4.
    static func cli() throws -> [String: Any] {
        let r = try runProcess([
            try bertscopeBinary(), "anatomy", "--json", "--token", "2", "--key", "5", "--layer", "3", "--head", "4",
            text,
        ])
        #expect(r.status == 0, "\(r.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    }

    @Test func theScreenShowsWhatAnatomyJSONSays() throws {
        try #require(Fixtures.defaultModel() != nil)
        let json = try Self.cli()
        let cell = try #require(json["cell"] as? [String: Any])
        let layers = try #require(json["layers"] as? [[String: Any]])
        let scaled = try #require(cell["scaled"] as? Double),
            attention = try #require(layers[2]["attention"] as? Double)
        let state = try temporaryDirectory()
        let t = try Tmux.bertscope(width: 160, height: 48, state: state, "'\(Self.text)'")
        try t.waitFor(text: "head 1/12 · published layers")
        try t.send("Escape")
        try t.send("Tab")
        for key in ["]", "]", ".", ".", ".", "Down", "Right", "Right", "Right", "Right", "Right"] { try t.send(key) }
        try t.waitFor(text: "layer 3/6 · head 4/12")
        try t.send("x")
        let arithmetic = try t.waitFor("the arithmetic of cat → the") {
            $0.contains("query \"cat\" → key \"the\" · layer 3, head 4") && $0.contains("= score ")
        }
        // "Σ qᵢ⊙kⱼ = 12.207 × 0.177 (1/√32) = 2.158 + mask 0 = score 2.158"
        let line = try #require(arithmetic.split(separator: "\n").first { $0.contains("Σ qᵢ⊙kⱼ = ") })
        let shown = try #require(line.range(of: ") = ").map { line[$0.upperBound...].prefix { $0 != " " } })
        #expect(String(shown) == String(format: "%.3f", scaled), "screen \(shown), anatomy --json \(scaled)")
        try t.send("x")
        try t.send("A")
        let anatomy = try t.waitFor("the layer anatomy of cat") {
            $0.contains("token \"cat\" (#2) through the layers") && $0.contains("L6 ")
        }
        // "L3     12.17    2.93   0.954   13.78 …": the third number is ‖attn‖.
        let row = try #require(anatomy.split(separator: "\n").first { $0.contains("L3   ") })
        let fields = row.split(separator: "L3", maxSplits: 1)[1].split(separator: " ")
        #expect(fields.count > 2 && String(fields[1]) == String(format: "%.2f", attention), "\(row) vs \(attention)")
        try t.send("q")
    }
}
