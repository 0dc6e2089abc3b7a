import Analysis

/// The CoNLL-U sentence being read; one bad line spoils it (named once), the
/// next blank line starts afresh.
struct CoNLLUSentence {
    var sentence = LabeledSentence(words: [], spaceAfter: [], labels: [:])
    var label: String?
    var startLine = 0
    var spoiled = false
    var isEmpty: Bool { sentence.words.isEmpty && !spoiled }
    mutating func spoil() { spoiled = true }
}

extension CorpusParser {
    /// The gold tags a CoNLL-U row keeps for each word.
    public static let goldTasks = ["upos", "xpos", "head", "deprel", "ner"]

    mutating func conlluLine(_ line: String, line n: Int) {
        if line.allSatisfy(\.isWhitespace) { return endSentence() }
        if conllu.startLine == 0 { conllu.startLine = n }
        if conllu.spoiled { return }
        if line.hasPrefix("#") {
            if let value = Self.comment(line, key: "label") { conllu.label = value }
            return
        }
        let cols = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard cols.count >= 10 else {
            conllu.spoil()
            return problem(n, "expected 10 tab-separated columns, found \(cols.count) (the sentence is skipped)")
        }
        // Multi-word token ranges (1-2) and empty nodes (1.1) are not words.
        if cols[0].contains("-") || cols[0].contains(".") { return }
        guard Int(cols[0]) == conllu.sentence.words.count + 1 else {
            conllu.spoil()
            return problem(
                n, "word id \"\(cols[0])\" where \(conllu.sentence.words.count + 1) was due (the sentence is skipped)")
        }
        let misc = cols[9].split(separator: "|")
        let ner =
            misc.first { $0.hasPrefix("NER=") }.map { String($0.dropFirst(4)) } ?? (cols.count > 10 ? cols[10] : "O")
        conllu.sentence.words.append(cols[1])
        conllu.sentence.spaceAfter.append(!misc.contains("SpaceAfter=No"))
        let deprel = cols[7].split(separator: ":").first.map(String.init) ?? cols[7]
        for (task, value) in zip(Self.goldTasks, [cols[3], cols[4], cols[6], deprel, ner]) {
            conllu.sentence.labels[task, default: []].append(value)
        }
    }

    mutating func endSentence() {
        defer { conllu = CoNLLUSentence() }
        guard !conllu.spoiled, !conllu.sentence.words.isEmpty else { return }
        let (text, ranges) = conllu.sentence.text
        rows.append(
            CorpusRow(
                text: text, label: conllu.label, words: conllu.sentence.words, wordRanges: ranges,
                gold: conllu.sentence.labels, line: conllu.startLine))
    }

    /// `# key = value` → value.
    static func comment(_ line: String, key: String) -> String? {
        let body = line.dropFirst().drop { $0 == " " }
        guard body.hasPrefix(key) else { return nil }
        let rest = body.dropFirst(key.count).drop { $0 == " " }
        guard rest.first == "=" else { return nil }
        return String(rest.dropFirst().drop { $0 == " " })
    }
}
