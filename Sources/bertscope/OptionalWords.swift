/// `bench --workbench` with no WORDS after it (the end, or another option
/// next: `bench --workbench --view all --tokens 512`): ArgumentParser has no
/// options with an optional value, so the default is written in.
enum OptionalWords {
    static let defaultWords = 20

    static func fill(_ args: [String]) -> [String] {
        guard args.first == "bench" else { return args }
        var out: [String] = []
        for (i, a) in args.enumerated() {
            if a == "--" { return out + args[i...] }
            let next = i + 1 < args.count ? args[i + 1] : nil
            out.append(a == "--workbench" && (next == nil || next!.hasPrefix("-")) ? "--workbench=\(defaultWords)" : a)
        }
        return out
    }
}
