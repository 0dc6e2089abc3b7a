import Foundation

/// Inputs and models for long-text tests: a tiny checkpoint that takes 512
/// tokens, so figures, dumps and windows of a real length cost milliseconds.
extension Fixtures {
    /// A copy of the tiny model `name` with `positions` positions: its
    /// position embeddings tiled (weights and outputs are meaningless, shapes real).
    public static func longModel(_ name: String, positions: Int = 512) throws -> URL {
        let source = model(name), dir = try temporaryDirectory().appendingPathComponent(name)
        try FileManager.default.copyItem(at: source, to: dir)
        let weights = dir.appendingPathComponent("model.safetensors")
        try Data(tilingPositions(try Data(contentsOf: weights), to: positions)).write(to: weights)
        let configURL = dir.appendingPathComponent("config.json")
        var config = try json(configURL)
        config["max_position_embeddings"] = positions
        try JSONSerialization.data(withJSONObject: config).write(to: configURL)
        return dir
    }

    /// The safetensors file with every `…position_embeddings.weight` tiled to `positions` rows.
    static func tilingPositions(_ file: Data, to positions: Int) throws -> [UInt8] {
        let bytes = [UInt8](file)
        let n = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let header = try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + n)])) as? [String: Any] ?? [:]
        var entries: [(offset: Int, entry: SafeTensorsBuilder.Entry)] = []
        for (name, value) in header where name != "__metadata__" {
            guard let t = value as? [String: Any], let dtype = t["dtype"] as? String, var shape = t["shape"] as? [Int],
                let span = t["data_offsets"] as? [Int]
            else { continue }
            var data = Array(bytes[(8 + n + span[0])..<(8 + n + span[1])])
            if name.hasSuffix("position_embeddings.weight"), shape.count == 2 {
                let row = data.count / shape[0]
                data = (0..<positions).flatMap { data[($0 % shape[0]) * row..<($0 % shape[0] + 1) * row] }
                shape[0] = positions
            }
            entries.append((span[0], SafeTensorsBuilder.Entry(name: name, dtype: dtype, shape: shape, data: data)))
        }
        var builder = SafeTensorsBuilder()
        builder.entries = entries.sorted { $0.offset < $1.offset }.map(\.entry)
        return builder.bytes()
    }

    /// About `words` words of plain English (the teaching sentences, repeated), without masks.
    public static func longText(words: Int) -> String {
        let sentences = [
            "The trophy doesn't fit into the brown suitcase because it is too large.",
            "The animal didn't cross the street because it was too tired.",
            "The keys to the cabinet are on the table.",
            "While the man hunted the deer ran into the woods.",
            "The old man the boat, and the complex houses married and single soldiers.",
            "She said that the movie was wonderful, but he found it terrible.",
        ]
        var out: [Substring] = []
        var k = 0
        while out.count < words {
            out += sentences[k % sentences.count].split(separator: " ")
            k += 1
        }
        return out.prefix(words).joined(separator: " ")
    }
}
