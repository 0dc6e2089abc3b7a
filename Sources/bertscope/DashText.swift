/// TEXT arguments that start with a dash ("- a bulleted line") read as
/// options to ArgumentParser. One that contains whitespace cannot be an
/// option: when only positional arguments follow it, `--` is put before it.
enum DashText {
    static func protect(_ args: [String]) -> [String] {
        guard !args.contains("--"),
            let i = args.firstIndex(where: isText),
            !args[(i + 1)...].contains(where: { $0.hasPrefix("-") && !isText($0) })
        else { return args }
        return Array(args[..<i]) + ["--"] + Array(args[i...])
    }

    /// A dash text with options after it cannot be moved (ArgumentParser would
    /// read "- the cat" as -h and more): the error to give instead, if any.
    static func unprotected(_ args: [String]) -> String? {
        guard !args.contains("--"), let text = args.first(where: isText) else { return nil }
        return "\"\(text)\" starts with \"-\": put TEXT arguments that do after \"--\", at the end (… -- \"\(text)\")"
    }

    /// A hint for a parse error caused by a lone "-" or a dash word.
    static func hint(_ args: [String]) -> String {
        args.contains("-") && !args.contains("--") ? "; a TEXT that starts with \"-\" goes after \"--\"" : ""
    }

    private static func isText(_ a: String) -> Bool { a.hasPrefix("-") && a.contains(where: \.isWhitespace) }
}
