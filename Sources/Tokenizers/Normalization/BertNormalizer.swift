import Foundation

/// HF `tokenizers`' BertNormalizer: clean_text, handle_chinese_chars,
/// strip_accents (NFD, then drop Mn), lowercase — in that order.
public struct BertNormalizer: Sendable, Equatable {
    public var cleanText: Bool
    public var handleChineseChars: Bool
    /// nil means: strip accents exactly when lowercasing.
    public var stripAccents: Bool?
    public var lowercase: Bool

    public init(
        cleanText: Bool = true, handleChineseChars: Bool = true, stripAccents: Bool? = nil, lowercase: Bool = true
    ) {
        self.cleanText = cleanText
        self.handleChineseChars = handleChineseChars
        self.stripAccents = stripAccents
        self.lowercase = lowercase
    }

    /// Every step off: text passes through untouched.
    public static let off = BertNormalizer(
        cleanText: false, handleChineseChars: false, stripAccents: false, lowercase: false)

    /// From a tokenizer.json "BertNormalizer" object, with tokenizers' defaults.
    init(json n: JSONValue) {
        self.init(
            cleanText: n["clean_text"]?.bool ?? true, handleChineseChars: n["handle_chinese_chars"]?.bool ?? true,
            stripAccents: n["strip_accents"]?.bool, lowercase: n["lowercase"]?.bool ?? true)
    }

    public var stripsAccents: Bool { stripAccents ?? lowercase }

    /// Runs the steps that are on; `trace` (the x-ray) sees the text after each.
    public func normalize(_ text: NormalizedText, trace: ((_ step: String, _ text: NormalizedText) -> Void)? = nil)
        -> NormalizedText
    {
        var t = text
        if cleanText { t = t.flatMap(Self.clean); trace?("clean text", t) }
        if handleChineseChars {
            t = t.flatMap { BertChar.isChinese($0) ? [" ", $0, " "] : [$0] }; trace?("space CJK", t)
        }
        if stripsAccents { t = t.flatMap(Self.stripAccents); trace?("strip accents", t) }
        if lowercase { t = t.flatMap(Self.lower); trace?("lowercase", t) }
        return t
    }

    static func clean(_ c: Unicode.Scalar) -> [Unicode.Scalar] {
        if c.value == 0 || c.value == 0xFFFD || BertChar.isControl(c) { return [] }
        return BertChar.isWhitespace(c) ? [" "] : [c]
    }

    static func stripAccents(_ c: Unicode.Scalar) -> [Unicode.Scalar] {
        decompose(c).filter { !BertChar.isNonspacingMark($0) }
    }

    /// Canonical decomposition (NFD) of one scalar.
    static func decompose(_ c: Unicode.Scalar) -> [Unicode.Scalar] {
        if c.value < 0xC0 { return [c] }  // nothing below À decomposes
        return Array(String(c).decomposedStringWithCanonicalMapping.unicodeScalars)
    }

    /// Full (not context-sensitive) lowercase mapping, as Rust's char::to_lowercase.
    static func lower(_ c: Unicode.Scalar) -> [Unicode.Scalar] {
        if c.isASCII {
            return (c.value >= 65 && c.value <= 90) ? [Unicode.Scalar(c.value + 32)!] : [c]
        }
        return Array(c.properties.lowercaseMapping.unicodeScalars)
    }
}
