import Foundation
import SafeIO

/// A sentence with per-word labels for probing, read from CoNLL-U (UPOS,
/// XPOS, head, deprel, entity BIO from `NER=` in MISC or a column) or from
/// a two-column TSV (`word<TAB>label`, blank line between sentences).
public struct LabeledSentence: Sendable, Equatable {
    public var words: [String]
    public var spaceAfter: [Bool]
    /// task name → one label per word
    public var labels: [String: [String]]

    public init(words: [String], spaceAfter: [Bool], labels: [String: [String]]) {
        self.words = words; self.spaceAfter = spaceAfter; self.labels = labels
    }

    /// The sentence as text, and each word's scalar range in it.
    public var text: (String, [Range<Int>]) {
        var s = "", ranges: [Range<Int>] = []
        var at = 0
        for (i, w) in words.enumerated() {
            let n = w.unicodeScalars.count
            ranges.append(at..<(at + n))
            s += w
            at += n
            if spaceAfter[i] && i + 1 < words.count { s += " "; at += 1 }
        }
        return (s, ranges)
    }
}

public enum LabeledCorpus {
    public struct ParseError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads `.conllu` or `.tsv` by extension.
    public static func read(_ url: URL) throws -> [LabeledSentence] {
        let text: String
        do { text = try SafeFile.text(url, limit: Limits.corpus) } catch {
            throw ParseError(description: "cannot read \(error)")
        }
        return url.pathExtension == "tsv"
            ? try tsv(text, source: url.lastPathComponent) : try conllu(text, source: url.lastPathComponent)
    }

    public static func conllu(_ text: String, source: String = "input") throws -> [LabeledSentence] {
        var out: [LabeledSentence] = []
        var cur = LabeledSentence(words: [], spaceAfter: [], labels: [:])
        func flush() {
            if !cur.words.isEmpty { out.append(cur) }
            cur = LabeledSentence(words: [], spaceAfter: [], labels: [:])
        }
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.isEmpty { flush(); continue }
            if line.hasPrefix("#") { continue }
            let cols = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard cols.count >= 10 else {
                throw ParseError(
                    description: "\(source):\(n + 1): expected 10 tab-separated columns, found \(cols.count)")
            }
            // Multi-word token ranges (1-2) and empty nodes (1.1) are not words.
            if cols[0].contains("-") || cols[0].contains(".") { continue }
            let misc = cols[9].split(separator: "|").map(String.init)
            cur.words.append(cols[1])
            cur.spaceAfter.append(!misc.contains("SpaceAfter=No"))
            let ner =
                misc.first { $0.hasPrefix("NER=") }.map { String($0.dropFirst(4)) }
                ?? (cols.count > 10 ? cols[10] : "O")
            for (task, value) in [
                ("upos", cols[3]), ("xpos", cols[4]), ("head", cols[6]),
                ("deprel", cols[7].split(separator: ":").first.map(String.init) ?? cols[7]), ("ner", ner),
            ] {
                cur.labels[task, default: []].append(value)
            }
        }
        flush()
        return out
    }

    public static func tsv(_ text: String, source: String = "input") throws -> [LabeledSentence] {
        var out: [LabeledSentence] = []
        var cur = LabeledSentence(words: [], spaceAfter: [], labels: [:])
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .newlines)
            if line.isEmpty {
                if !cur.words.isEmpty { out.append(cur) }
                cur = LabeledSentence(words: [], spaceAfter: [], labels: [:])
                continue
            }
            let cols = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard cols.count == 2 else { throw ParseError(description: "\(source):\(n + 1): expected word<TAB>label") }
            cur.words.append(cols[0])
            cur.spaceAfter.append(true)
            cur.labels["label", default: []].append(cols[1])
        }
        if !cur.words.isEmpty { out.append(cur) }
        return out
    }

    /// Hewitt & Liang's control task: every word type gets a fixed random
    /// label drawn from `task`'s label distribution (seeded, deterministic).
    public static func addControl(to sentences: inout [[LabeledSentence]], task: String, seed: UInt64 = 1) {
        var counts: [String: Int] = [:]
        for s in sentences.joined() { for l in s.labels[task] ?? [] { counts[l, default: 0] += 1 } }
        let labels = counts.keys.sorted()
        let total = counts.values.reduce(0, +)
        var assigned: [String: String] = [:]
        var rng = SplitMix64(seed: seed)
        func draw() -> String {
            var r = Int(rng.next() % UInt64(max(total, 1)))
            for l in labels { r -= counts[l]!; if r < 0 { return l } }
            return labels.last ?? "_"
        }
        for i in sentences.indices {
            for j in sentences[i].indices {
                let control = sentences[i][j].words.map { w -> String in
                    let key = w.lowercased()
                    if let l = assigned[key] { return l }
                    let l = draw()
                    assigned[key] = l
                    return l
                }
                sentences[i][j].labels["control"] = control
            }
        }
    }
}
