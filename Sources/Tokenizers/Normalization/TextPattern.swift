import Foundation

/// A `Replace` / `Split` pattern from tokenizer.json: a literal string or a
/// regular expression (tokenizers uses Oniguruma; we run ICU with `\s`
/// spelled out as Oniguruma's Unicode White_Space set, the one place the
/// two differ for the patterns converters write).
public enum TextPattern: Sendable {
    case literal([Unicode.Scalar])
    case regex(String)

    static let onigSpace =
        "[\\t\\n\\x{0B}\\f\\r\\x{20}\\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}]"

    /// Non-overlapping matches, left to right, as scalar ranges (empty matches dropped).
    public func matches(in scalars: [Unicode.Scalar]) -> [Range<Int>] {
        switch self {
        case .literal(let p):
            guard !p.isEmpty, p.count <= scalars.count else { return [] }
            var out: [Range<Int>] = []
            var i = 0
            while i + p.count <= scalars.count {
                if scalars[i] == p[0] && scalars[i..<(i + p.count)].elementsEqual(p) {
                    out.append(i..<(i + p.count))
                    i += p.count
                } else {
                    i += 1
                }
            }
            return out
        case .regex(let source):
            guard let re = Self.compiled(source) else { return [] }
            return Self.regexMatches(re, scalars)
        }
    }

    static func compile(_ source: String) throws -> NSRegularExpression {
        let icu = source.replacingOccurrences(of: "\\s", with: onigSpace)
        do { return try NSRegularExpression(pattern: icu) } catch {
            throw TokenizerError("regular expression \(source.debugDescription) is not supported")
        }
    }

    private static let cache = RegexCache()
    private static func compiled(_ source: String) -> NSRegularExpression? { cache.get(source) }

    private static func regexMatches(_ re: NSRegularExpression, _ scalars: [Unicode.Scalar]) -> [Range<Int>] {
        var utf16ToScalar: [Int] = []  // scalar index at each UTF-16 offset (plus the end)
        utf16ToScalar.reserveCapacity(scalars.count + 1)
        for (i, c) in scalars.enumerated() {
            utf16ToScalar.append(i)
            if c.value > 0xFFFF { utf16ToScalar.append(i) }
        }
        utf16ToScalar.append(scalars.count)
        let text = String(String.UnicodeScalarView(scalars))
        let ns = text as NSString
        return re.matches(in: text, range: NSRange(location: 0, length: ns.length)).compactMap { m in
            let lo = utf16ToScalar[m.range.location], hi = utf16ToScalar[m.range.location + m.range.length]
            return lo < hi ? lo..<hi : nil
        }
    }
}

/// Compiled expressions by source (NSRegularExpression is immutable and thread-safe).
final class RegexCache: @unchecked Sendable {
    private var table: [String: NSRegularExpression] = [:]
    private let lock = NSLock()
    func get(_ source: String) -> NSRegularExpression? {
        lock.lock(); defer { lock.unlock() }
        if let re = table[source] { return re }
        guard let re = try? TextPattern.compile(source) else { return nil }
        table[source] = re
        return re
    }
}
