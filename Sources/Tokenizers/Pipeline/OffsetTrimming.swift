/// RobertaProcessing's trim_offsets setting.
public struct OffsetTrimming: Sendable {
    public var addPrefixSpace: Bool
}

extension Tokenizer {
    /// The trimming a RobertaProcessing post-processor asks for (trim_offsets defaults to on).
    static func offsetTrimming(_ post: JSONValue?) -> OffsetTrimming? {
        guard let p = post, p["type"]?.string == "RobertaProcessing", p["trim_offsets"]?.bool ?? true else {
            return nil
        }
        return OffsetTrimming(addPrefixSpace: p["add_prefix_space"]?.bool ?? true)
    }

    /// tokenizers' process_offsets (RobertaProcessing with trim_offsets):
    /// leading and trailing spaces ("Ġ" or whitespace) of a token leave its
    /// span, except a single leading space on the first token when the
    /// processor added it (add_prefix_space).
    func trimmed(_ tokens: [RawToken]) -> [RawToken] {
        guard let trim = offsetTrimming else { return tokens }
        func isSpace(_ c: Unicode.Scalar) -> Bool { c == "Ġ" || c.properties.isWhitespace }
        return tokens.enumerated().map { i, t in
            var t = t
            let scalars = Array(t.token.unicodeScalars)
            var leading = scalars.prefix(while: isSpace).count
            let trailing = scalars.reversed().prefix(while: isSpace).count
            if leading > 0 {
                if (i == 0 || t.span.start == 0) && trim.addPrefixSpace && leading == 1 { leading = 0 }
                t.span.start = min(t.span.start + leading, t.span.end)
            }
            if trailing > 0 && t.span.end >= trailing { t.span.end = max(t.span.end - trailing, t.span.start) }
            return t
        }
    }
}
