import TextCells

/// A tour being played: which step is on screen.
public struct TourPlayback: Equatable, Sendable {
    public var tour: Tour
    public var index = 0
    public init(tour: Tour, index: Int = 0) { self.tour = tour; self.index = index }
    public var step: Tour.Step { tour.steps[max(0, min(tour.steps.count - 1, index))] }
    public var isLast: Bool { index >= tour.steps.count - 1 }
}

/// A tour being recorded with `:record`: the steps so far.
public struct TourRecording: Equatable, Sendable {
    public var name: String
    public var tour: Tour
}

/// The caption banner over the bottom of the panes: the tour's title, the
/// step number, the caption wrapped to the width, and the keys.
enum TourBanner {
    /// Rows the banner takes: the wrapped caption, its border and the keys line, at most half the screen.
    static func height(_ p: TourPlayback, width: Int, screenHeight: Int) -> Int {
        guard width >= 20, screenHeight >= 12 else { return 0 }
        let lines = p.step.caption.flatMap { wrap($0, width - 4) }.count
        return min(lines + 3, screenHeight / 2)
    }

    static func render(_ p: TourPlayback, above status: Rect, _ c: inout Canvas) {
        let width = status.width
        let height = Self.height(p, width: width, screenHeight: c.grid.height)
        guard height > 0 else { return }
        let lines = p.step.caption.flatMap { wrap($0, width - 4) }
        let r = Rect(x: 0, y: status.y - height, width: width, height: height)
        c.grid.fill(r, style: c.theme.style(.foreground))
        c.grid.box(
            r, title: "Tour · \(p.tour.title) · step \(p.index + 1)/\(p.tour.steps.count)",
            style: c.theme.style(.focusBorder), titleStyle: c.theme.style(.accent, [.bold]))
        let inner = r.inset(by: 1)
        for (i, line) in lines.prefix(max(0, inner.height - 1)).enumerated() {
            c.put(line, x: inner.x + 1, y: inner.y + i, c.theme.style(.foreground), clip: inner)
        }
        let keys =
            p.isLast
            ? "end of the tour · ← back · Esc explore from here" : "→ Space next · ← back · Esc explore from here"
        c.put(keys, x: inner.x + 1, y: inner.maxY - 1, c.theme.style(.muted), clip: inner)
    }

    /// Words to lines of at most `width` columns (a longer word is cut with …).
    static func wrap(_ text: String, _ width: Int) -> [String] {
        guard width > 4 else { return [text] }
        var lines: [String] = [], line = ""
        for word in text.split(separator: " ").map(String.init) {
            if line.isEmpty {
                line = word
            } else if displayWidth(line) + 1 + displayWidth(word) <= width {
                line += " " + word
            } else {
                lines.append(line)
                line = word
            }
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines.map { fit($0, width).trimmingCharacters(in: .whitespaces) }
    }

    static let bindings: [Binding] = [
        Binding([.right, .char(" ")], .tour, "next step of the tour") { _, _ in .tourStep(1) },
        Binding([.left, .backspace], .tour, "previous step") { _, _ in .tourStep(-1) },
        Binding([.escape], .tour, "leave the tour; what is on screen stays, to explore") { _, _ in .leaveTour },
    ]
}
