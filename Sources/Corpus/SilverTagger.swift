import Analysis

/// Tags for corpora without gold ones, from the probing pipeline's trained
/// probes: each task's probe at its best layer reads the first piece of every
/// word. Silver, and said so wherever shown (the probes' own test accuracy is
/// in the build record).
public struct SilverTagger: Sendable {
    public struct Task: Sendable {
        public let name: String, layer: Int, accuracy: Double
        let probe: LogisticRegression
        let labels: [String]
    }
    public let tasks: [Task]

    /// The tag columns probes can fill (`head` needs a parser, not a probe).
    public static let names = ["upos", "xpos", "deprel", "ner"]

    /// One probe set per task (the first of each name), at the layer where it scored best; a set
    /// whose best layer is past the model's `layers` (a cache of another model, or damaged) is left out.
    public init(_ trained: [TrainedProbes], width: Int, layers: Int) {
        var seen: Set<String> = []
        tasks = trained.compactMap { p in
            guard Self.names.contains(p.task), !seen.contains(p.task), p.probes.indices.contains(p.report.bestLayer),
                (0...max(0, layers)).contains(p.report.bestLayer),
                p.report.accuracy.indices.contains(p.report.bestLayer)
            else { return nil }
            let probe = p.probes[p.report.bestLayer]
            guard probe.inputs == width, probe.classes == p.labels.count, probe.classes > 0 else { return nil }
            seen.insert(p.task)
            return Task(
                name: p.task, layer: p.report.bestLayer, accuracy: p.report.accuracy[p.report.bestLayer],
                probe: probe, labels: p.labels)
        }.sorted { $0.name < $1.name }
    }

    /// What the build record says of each task: "layer 4 probe, 95.1% on its test set".
    public var record: [String: String] {
        Dictionary(
            uniqueKeysWithValues: tasks.map {
                ($0.name, "layer \($0.layer) probe, \(String(format: "%.1f", $0.accuracy * 100))% on its test set")
            })
    }

    /// Every task's label for one word, from `vector(layer)` (its first piece's hidden state there).
    func tags(_ vector: (Int) -> UnsafePointer<Float>) -> [String: String] {
        var out: [String: String] = [:]
        for t in tasks {
            let z = t.probe.logits(vector(t.layer), rows: 1)
            if let best = z.indices.max(by: { z[$0] < z[$1] }) { out[t.name] = t.labels[best] }
        }
        return out
    }
}
