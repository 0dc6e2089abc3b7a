import Tokenizers

extension CorpusParser {
    /// `{"text": …, "pair"?: …, "label"?: …}` a line; blank lines are skipped.
    mutating func jsonLine(_ line: String, line n: Int) {
        guard line.contains(where: { !$0.isWhitespace }) else { return }
        let value: JSONValue
        do { value = try JSONValue.parse(Array(line.utf8)) } catch {
            return problem(n, "not JSON (\(error))")
        }
        guard case .object(let members) = value else { return problem(n, "expected a JSON object") }
        let keys = members.map(\.key)
        func member(_ names: [String]) -> JSONValue? {
            columns.find(names, in: keys).map { members[$0].value }
        }
        guard let textValue = member(columns.text) else {
            return problem(n, "no \"\(columns.text[0])\" member")
        }
        guard let text = textValue.string else { return problem(n, "\"\(columns.text[0])\" is not a string") }
        var pair: String?
        if let p = member(columns.pair), !p.isNull {
            guard let s = p.string else { return problem(n, "\"\(columns.pair[0])\" is not a string") }
            pair = s
        }
        var label: String?
        if let l = member(columns.label), !l.isNull {
            guard let s = Self.labelText(l) else {
                return problem(n, "\"\(columns.label[0])\" is not a string, number or boolean")
            }
            label = s
        }
        rows.append(CorpusRow(text: text, pair: pair, label: label, line: n))
    }

    /// A label as text: integers without ".0" (1, not 1.0), booleans as true/false.
    static func labelText(_ v: JSONValue) -> String? {
        switch v {
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .number(let x):
            guard x.isFinite else { return nil }
            if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
            return String(x)
        default: return nil
        }
    }
}
