/// Which column holds what, from a CSV/TSV header line.
struct TableHeader {
    let text: Int, pair: Int?, label: Int?, count: Int
}

/// A CSV record being read (RFC 4180): quoted fields may hold commas, `""`
/// and line breaks, so one record can span lines.
struct CSVRecord {
    var fields: [String] = []
    var field = ""
    var quoted = false, inQuotes = false, afterQuote = false
    var startLine = 0, bytes = 0
    /// A line of it could not be read: the record is dropped when it ends.
    var spoiled = false
    var isOpen: Bool { inQuotes }

    /// Adds a line; the fields when the record is complete, nil while a quote is open.
    mutating func add(_ line: String, at n: Int) throws(RowProblemText) -> [String]? {
        if !inQuotes { self = CSVRecord(); startLine = n } else { field.append("\n") }
        bytes += line.utf8.count + 1
        guard bytes <= CorpusParser.maxRecord else {
            throw RowProblemText(line: startLine, "a record is over 1 MiB (an unclosed quote?)")
        }
        for c in line {
            if inQuotes {
                if c == "\"" { inQuotes = false; afterQuote = true } else { field.append(c) }
            } else if afterQuote && c == "\"" {
                field.append("\""); inQuotes = true; afterQuote = false  // "" inside quotes
            } else if c == "," {
                fields.append(field); field = ""; quoted = false; afterQuote = false
            } else if c == "\"" && field.isEmpty && !quoted {
                inQuotes = true; quoted = true
            } else {
                guard !afterQuote else { throw RowProblemText(line: n, "text after a closing quote") }
                field.append(c)
            }
        }
        if inQuotes { return nil }
        fields.append(field)
        return fields
    }
}

struct RowProblemText: Error {
    let line: Int, message: String
    init(line: Int, _ message: String) { self.line = line; self.message = message }
}

extension CorpusParser {
    /// A CSV or TSV line: the header first, then one row per record.
    mutating func tableLine(_ line: String, line n: Int) {
        let fields: [String]
        if format == .tsv {
            fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        } else {
            do {
                guard let done = try record.add(line, at: n) else { return }
                fields = done
            } catch {
                record = CSVRecord()
                return problem(error.line, error.message)
            }
        }
        let start = format == .tsv ? n : record.startLine
        if format == .csv && record.spoiled { return }  // its unreadable line was named already
        guard headerSeen else { return readHeader(fields, line: start) }
        guard let header else { return }  // the header named no text column (said once)
        if fields.count == 1 && fields[0].isEmpty { return }  // a blank line
        guard fields.count == header.count else {
            return problem(start, "\(fields.count) columns where the header has \(header.count)")
        }
        rows.append(
            CorpusRow(
                text: fields[header.text], pair: header.pair.map { fields[$0] }, label: header.label.map { fields[$0] },
                line: start))
    }

    private mutating func readHeader(_ fields: [String], line: Int) {
        headerSeen = true
        guard let text = columns.find(columns.text, in: fields) else {
            return problem(line, "the header names no text column (\(columns.text.joined(separator: ", ")))")
        }
        header = TableHeader(
            text: text, pair: columns.find(columns.pair, in: fields), label: columns.find(columns.label, in: fields),
            count: fields.count)
    }
}
