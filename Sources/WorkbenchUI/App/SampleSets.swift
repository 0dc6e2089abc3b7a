import Foundation

/// Reads Samples/*.txt: `## Set name` headings, one sentence per line,
/// `A || B` for a pair, `#` comment lines.
public enum SampleSets {
    public static func parse(_ text: String) -> [Sample] {
        var set = "samples"
        var out: [Sample] = []
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("## ") { set = String(line.dropFirst(3)); continue }
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.components(separatedBy: " || ")
            out.append(Sample(set: set, text: parts[0], pair: parts.count > 1 ? parts[1] : nil))
        }
        return out
    }
}
