/// One sentence (or paragraph, or pair) of a corpus file, as read.
public struct CorpusRow: Sendable, Equatable {
    public var text: String
    /// The second text of a pair (JSONL `pair`, a CSV `pair`/`sentence2` column).
    public var pair: String?
    /// A gold sentence label (JSONL `label`, a label column, CoNLL-U `# label =`).
    public var label: String?
    /// CoNLL-U only: the words, their scalar ranges in `text`, and gold tags per word
    /// (`upos`, `xpos`, `head`, `deprel`, `ner`).
    public var words: [String]
    public var wordRanges: [Range<Int>]
    public var gold: [String: [String]]
    /// The file's line the row starts on (1-based).
    public var line: Int

    public init(
        text: String, pair: String? = nil, label: String? = nil, words: [String] = [], wordRanges: [Range<Int>] = [],
        gold: [String: [String]] = [:], line: Int
    ) {
        self.text = text; self.pair = pair; self.label = label
        self.words = words; self.wordRanges = wordRanges; self.gold = gold; self.line = line
    }
}

/// A row that could not be read: named by file and line, the rest of the file kept.
public struct RowProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let message: String
    public init(file: String, line: Int, message: String) { self.file = file; self.line = line; self.message = message }
    public var description: String { "\(file):\(line): \(message)" }
}

/// The formats `corpus index` reads, chosen by extension unless given.
public enum CorpusFormat: String, CaseIterable, Sendable {
    case text, jsonl, csv, tsv, conllu

    public static func guess(path: String) -> CorpusFormat {
        let ext = (path.split(separator: "/").last.map(String.init) ?? path).split(separator: ".").dropFirst().last
        switch ext?.lowercased() {
        case "jsonl", "ndjson": return .jsonl
        case "csv": return .csv
        case "tsv": return .tsv
        case "conllu", "conll": return .conllu
        default: return .text
        }
    }
}

/// Which columns (CSV/TSV header names, JSONL keys) hold the text, the pair and
/// the label; the first name present wins, compared without case.
public struct ColumnNames: Sendable, Equatable {
    public var text: [String], pair: [String], label: [String]
    public init(text: [String], pair: [String], label: [String]) {
        self.text = text; self.pair = pair; self.label = label
    }

    public static let standard = ColumnNames(
        text: ["text", "sentence", "sentence1", "text_a"], pair: ["pair", "sentence2", "text_b"], label: ["label"])

    /// `text=review,label=stars`: the named roles replaced, the others standard.
    public static func parse(_ spec: String) throws(RowProblem) -> ColumnNames {
        var names = standard
        for part in spec.split(separator: ",") {
            let kv = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2, !kv[1].isEmpty else {
                throw RowProblem(file: "--columns", line: 0, message: "expected ROLE=NAME, got \"\(part)\"")
            }
            switch kv[0] {
            case "text": names.text = [kv[1]]
            case "pair": names.pair = [kv[1]]
            case "label": names.label = [kv[1]]
            default:
                throw RowProblem(
                    file: "--columns", line: 0, message: "roles are text, pair and label, not \"\(kv[0])\"")
            }
        }
        return names
    }

    /// The index of the first of `names` among `header` (case-insensitive).
    func find(_ names: [String], in header: [String]) -> Int? {
        let lowered = header.map { $0.lowercased() }
        for n in names { if let i = lowered.firstIndex(of: n.lowercased()) { return i } }
        return nil
    }
}
