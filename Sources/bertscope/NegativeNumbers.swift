/// `--width -1`: ArgumentParser reads "-1" as a short flag and said "Missing
/// value for '--width'". A negative number after a long option is joined to
/// it (`--width=-1`), so it is the option's value and the option's own check
/// says what it takes ("--width takes 40…1000 columns").
enum NegativeNumbers {
    static func attach(_ args: [String]) -> [String] {
        var out: [String] = [], i = 0
        while i < args.count {
            let a = args[i]
            if a == "--" { return out + args[i...] }  // TEXT arguments follow as they are
            if a.hasPrefix("--"), !a.contains("="), i + 1 < args.count, isNegativeNumber(args[i + 1]) {
                out.append(a + "=" + args[i + 1])
                i += 2
            } else {
                out.append(a)
                i += 1
            }
        }
        return out
    }

    private static func isNegativeNumber(_ s: String) -> Bool { s.hasPrefix("-") && Double(s) != nil }
}
