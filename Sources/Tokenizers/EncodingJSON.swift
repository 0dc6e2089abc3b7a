import Foundation

/// The `tokenize --json` object, keys in the order of the CLI contract.
public enum EncodingJSON {
    public static func object(_ e: Encoding) -> String {
    var s = "{\"tokens\":["
    s += e.tokens.map(jsonString).joined(separator: ",")
    s += "],\"ids\":[" + e.ids.map(String.init).joined(separator: ",")
    s += "],\"offsets\":[" + e.offsets.map { "[\($0.start),\($0.end)]" }.joined(separator: ",")
    s += "],\"type_ids\":[" + e.typeIds.map(String.init).joined(separator: ",")
    s += "],\"word_ids\":[" + e.wordIds.map { $0.map(String.init) ?? "null" }.joined(separator: ",")
    s += "],\"special_tokens_mask\":[" + e.specialTokensMask.map(String.init).joined(separator: ",")
    return s + "]}"
}
}

/// A JSON string literal: quotes, backslashes and control characters escaped, the rest UTF-8.
public func jsonString(_ text: String) -> String {
    var out = "\""
    for u in text.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where u.value < 0x20 || u.value == 0x7F || (0x2028...0x2029).contains(u.value):
            out += String(format: "\\u%04x", u.value)
        default: out.unicodeScalars.append(u)
        }
    }
    return out + "\""
}
