/// Reads a corpus file a line at a time (`feed`, then `finish`): the rows it
/// could read, and one problem per row it could not (file and line named, the
/// rest kept). Plain text keeps every line as a row, an empty or unreadable one
/// as an empty text, so row k is line k + 1 of the file.
public struct CorpusParser {
    /// Problems kept in full; later ones are only counted.
    public static let maxProblems = 1_000
    /// A CSV record's bytes (an unclosed quote would otherwise swallow the file).
    public static let maxRecord = 1 << 20

    public let format: CorpusFormat
    public let file: String
    public let columns: ColumnNames
    public internal(set) var rows: [CorpusRow] = []
    public internal(set) var problems: [RowProblem] = []
    public internal(set) var problemCount = 0

    var header: TableHeader?
    var headerSeen = false
    var record = CSVRecord()
    var conllu = CoNLLUSentence()

    public init(format: CorpusFormat, file: String, columns: ColumnNames = .standard) {
        self.format = format; self.file = file; self.columns = columns
    }

    /// One line of the file, without its "\n"; `line` counts from 1.
    public mutating func feed(_ bytes: [UInt8], line: Int) {
        var bytes = bytes
        if bytes.last == 0x0D { bytes.removeLast() }
        if line == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        let unreadable =
            bytes.count > Self.maxRecord
            ? "over 1 MiB on one line"
            : String(validating: bytes, as: UTF8.self) == nil
                ? "not UTF-8 text" : nil
        guard unreadable == nil, let text = String(validating: bytes, as: UTF8.self) else {
            problem(line, unreadable ?? "not UTF-8 text")
            if format == .text { rows.append(CorpusRow(text: "", line: line)) }
            if format == .conllu { conllu.spoil() }
            // Inside a quoted CSV field the line still counts for the quotes (ASCII survives a lossy
            // decode), so the record ends where it should and is then dropped whole.
            if format == .csv && record.isOpen {
                record.spoiled = true
                tableLine(String(decoding: bytes.prefix(Self.maxRecord), as: UTF8.self), line: line)
            }
            return
        }
        switch format {
        case .text: rows.append(CorpusRow(text: text, line: line))
        case .jsonl: jsonLine(text, line: line)
        case .csv, .tsv: tableLine(text, line: line)
        case .conllu: conlluLine(text, line: line)
        }
    }

    /// Ends the file: a sentence or record still open is finished or named.
    public mutating func finish(lastLine: Int) {
        switch format {
        case .csv where record.isOpen:
            problem(record.startLine, "a quoted field is never closed")
            record = CSVRecord()
        case .conllu: endSentence()
        default: break
        }
        if !headerSeen && (format == .csv || format == .tsv) && lastLine > 0 {
            problem(lastLine, "no header line naming a text column")
        }
    }

    /// Every line of `bytes` (split at "\n") fed, then finished: the fuzz target's entry.
    public static func parse(_ bytes: [UInt8], format: CorpusFormat, file: String = "input") -> CorpusParser {
        var p = CorpusParser(format: format, file: file)
        var pieces = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        if bytes.isEmpty || bytes.last == 0x0A { pieces.removeLast() }  // no line after the final "\n"
        for (i, piece) in pieces.enumerated() { p.feed(Array(piece), line: i + 1) }
        p.finish(lastLine: pieces.count)
        return p
    }

    mutating func problem(_ line: Int, _ message: String) {
        problemCount += 1
        if problems.count < Self.maxProblems { problems.append(RowProblem(file: file, line: line, message: message)) }
    }
}
