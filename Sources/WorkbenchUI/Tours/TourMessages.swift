import TextCells

/// What `bertscope tour` prints about a tour: the listing line and the lines
/// of `--check`. Tours are shared between teachers, so their text (title,
/// check lines, the values a check found) is escaped for the terminal here.
public enum TourMessages {
    /// `NAME — TITLE (N steps)`, or just the name of a tour that does not load.
    public static func listing(name: String, tour: Tour?) -> String {
        let title = tour.map { " — \($0.title) (\($0.steps.count) step\($0.steps.count == 1 ? "" : "s"))" } ?? ""
        return terminalLine(name + title)
    }

    /// `step K/N: ok (C checks)` or `step K/N: FAILED`.
    public static func stepResult(_ k: Int, of count: Int, checks: Int, problems: [String]) -> String {
        let outcome = problems.isEmpty ? "ok (\(checks) check\(checks == 1 ? "" : "s"))" : "FAILED"
        return "step \(k + 1)/\(count): " + outcome
    }

    /// One failed check or problem of a step, indented under it.
    public static func problem(_ text: String) -> String { "  " + terminalLine(text) }
}
