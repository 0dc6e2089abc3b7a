/// Overflow-checked arithmetic for numbers read from files: nil instead of
/// a trap, so the caller can name the bad value in its error.
public enum Checked {
    public static func sum(_ values: Int...) -> Int? {
        var total = 0
        for v in values {
            let (r, o) = total.addingReportingOverflow(v)
            if o { return nil }
            total = r
        }
        return total
    }

    public static func product(_ values: Int...) -> Int? {
        var total = 1
        for v in values {
            let (r, o) = total.multipliedReportingOverflow(by: v)
            if o { return nil }
            total = r
        }
        return total
    }
}
