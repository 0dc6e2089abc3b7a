/// Character classes exactly as HF `tokenizers` defines them for BERT
/// (normalizers/bert.rs and pre_tokenizers/bert.rs). Its general categories
/// come from the `unicode_categories` crate, whose tables are Unicode 8.0:
/// a code point assigned later is unassigned there (not punctuation, not a
/// control, not a mark), which golden tests confirm (U+2E42 from 8.0 splits,
/// U+2E43 from 9.0 does not). Whitespace and case mapping use current tables.
enum BertChar {
    /// Unicode version of the category tables `tokenizers` uses.
    static let categoryVersion = (major: 8, minor: 0)

    /// The general category as the Unicode 8.0 tables have it.
    static func category(_ c: Unicode.Scalar) -> Unicode.GeneralCategory {
        guard let age = c.properties.age else { return .unassigned }
        if age.major > categoryVersion.major
            || (age.major == categoryVersion.major && age.minor > categoryVersion.minor)
        {
            return .unassigned
        }
        return c.properties.generalCategory
    }

    /// `\t \n \r` or Unicode White_Space.
    static func isWhitespace(_ c: Unicode.Scalar) -> Bool {
        c == "\t" || c == "\n" || c == "\r" || c.properties.isWhitespace
    }

    /// Removed by clean_text: control, format and private-use characters
    /// (Cc, Cf, Co), except the whitespace controls. Unassigned code points
    /// (Cn) are kept, as tokenizers keeps them.
    static func isControl(_ c: Unicode.Scalar) -> Bool {
        if c == "\t" || c == "\n" || c == "\r" { return false }
        switch category(c) {
        case .control, .format, .privateUse, .surrogate: return true
        default: return false
        }
    }

    /// ASCII punctuation (which includes symbols like `$+<=>^`|~`) or any
    /// Unicode P* category.
    static func isPunctuation(_ c: Unicode.Scalar) -> Bool {
        if c.isASCII {
            let v = c.value
            return (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v) || (123...126).contains(v)
        }
        switch category(c) {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default: return false
        }
    }

    /// The CJK blocks BERT surrounds with spaces. tokenizers starts the
    /// Extension E range at 0x2B920 (Google's BERT has 0x2B820); we follow tokenizers.
    static func isChinese(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
            0x2B740...0x2B81F, 0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default: return false
        }
    }

    static func isNonspacingMark(_ c: Unicode.Scalar) -> Bool {
        category(c) == .nonspacingMark
    }
}
