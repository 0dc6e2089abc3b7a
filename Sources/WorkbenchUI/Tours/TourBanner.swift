import TextCells

/// A tour being played: which step is on screen.
public struct TourPlayback: Equatable, Sendable {
    public var tour: Tour
    public var index = 0 {
        didSet { if index != oldValue { guess = ""; revealed = false } }
    }
    /// What the learner typed as the answer to the step's question, and whether it is answered.
    public var guess = ""
    public var revealed = false
    public init(tour: Tour, index: Int = 0) { self.tour = tour; self.index = index }
    public var step: Tour.Step { tour.steps[max(0, min(tour.steps.count - 1, index))] }
    public var isLast: Bool { index >= tour.steps.count - 1 }
    /// The step waits for an answer: its pane is veiled and its caption held back.
    public var asking: Bool { step.question != nil && !revealed }
    /// The answer typed is one the step counts as right (nil: no answers given, or nothing typed).
    public var guessedRight: Bool? {
        let g = guess.trimmingCharacters(in: .whitespaces).lowercased()
        guard !g.isEmpty, !step.answers.isEmpty else { return nil }
        return step.answers.contains { $0.lowercased() == g }
    }
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
        return min(lines(p, width: width).count + 3, screenHeight / 2)
    }

    /// The caption, or while the step asks: its question and the guess being typed;
    /// once answered, the guess judged (or the question, when there is no answer to give), then the caption.
    static func lines(_ p: TourPlayback, width: Int) -> [String] {
        guard let q = p.step.question else { return p.step.caption.flatMap { wrap($0, width - 4) } }
        if p.asking { return wrap("? " + q, width - 4) + ["your answer: " + p.guess + "▏"] }
        let said = p.guess.trimmingCharacters(in: .whitespaces)
        let expected = p.step.answers.first.map { "the answer: \($0)" } ?? ""
        let verdict: String
        switch p.guessedRight {
        case true?: verdict = "✓ you said \"\(said)\": right — " + expected
        case false?: verdict = "✗ you said \"\(said)\": not quite — " + expected
        case nil:
            verdict = said.isEmpty ? expected : "you said \"\(said)\"" + (expected.isEmpty ? "" : " — " + expected)
        }
        // Answered: the verdict replaces the question, so the caption keeps its rows.
        return wrap(verdict.isEmpty ? "? " + q : verdict, width - 4) + p.step.caption.flatMap { wrap($0, width - 4) }
    }

    static func render(_ p: TourPlayback, above status: Rect, _ c: inout Canvas) {
        let width = status.width
        let height = Self.height(p, width: width, screenHeight: c.grid.height)
        guard height > 0 else { return }
        let lines = Self.lines(p, width: width)
        let r = Rect(x: 0, y: status.y - height, width: width, height: height)
        c.grid.fill(r, style: c.theme.style(.foreground))
        c.grid.box(
            r, title: "Tour · \(p.tour.title) · step \(p.index + 1)/\(p.tour.steps.count)",
            style: c.theme.style(.focusBorder), titleStyle: c.theme.style(.accent, [.bold]))
        let inner = r.inset(by: 1)
        let asked = p.step.question != nil
        // A wrong answer reads differently from a right one, not in colour alone (✓ / ✗ lead the line).
        let first =
            p.asking || p.guessedRight != false ? c.theme.style(.accent, [.bold]) : c.theme.style(.error, [.bold])
        for (i, line) in lines.prefix(max(0, inner.height - 1)).enumerated() {
            let style = asked && i == 0 ? first : c.theme.style(.foreground)
            c.put(line, x: inner.x + 1, y: inner.y + i, style, clip: inner)
        }
        let keys =
            p.asking
            ? "type an answer · Enter answers (empty: shows it) · ← back · Esc explore"
            : p.isLast
                ? "end of the tour · ← back · Esc explore from here" : "→ Space next · ← back · Esc explore from here"
        c.put(keys, x: inner.x + 1, y: inner.maxY - 1, c.theme.style(.muted), clip: inner)
    }

    /// While a step asks, each pane is veiled, title and all: what the learner is asked to predict stays hidden.
    static func veil(_ p: TourPlayback, _ r: Rect, _ c: inout Canvas) {
        let inner = r.inset(by: 1)
        guard p.asking, inner.width > 4, inner.height > 0 else { return }
        c.grid.fill(r, style: c.theme.style(.foreground))
        c.grid.box(r, title: "", style: c.theme.style(.border), titleStyle: c.theme.style(.border))
        let text = "hidden until you answer the tour's question below"
        let shown = displayWidth(text) <= inner.width ? text : fit(text, inner.width)
        c.put(
            shown, x: inner.x + max(0, (inner.width - displayWidth(shown)) / 2), y: inner.y + inner.height / 2,
            c.theme.style(.muted), clip: inner)
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

    /// A key while the step asks: its own bindings (Enter answers), and any
    /// other character into the answer; nil for keys the tour's bindings
    /// handle (← back, Esc).
    static func answer(_ key: Key, _ s: inout WorkbenchState, _ e: Extent) -> [Effect]? {
        guard let p = s.tour, p.asking, !s.focus.isInput else { return nil }
        if let b = KeyMap.binding(for: key, in: [.tourQuestion]) {
            _ = b.run(&s, e)
            return []
        }
        guard case .char(let ch) = key else { return nil }
        if p.guess.count < 80 { s.tour?.guess.append(ch) }
        return []
    }

    static let questionBindings: [Binding] = [
        .state([.enter, .right], .tourQuestion, "answer with what you typed (nothing typed: show the answer)") { s, _ in
            s.tour?.revealed = true
        },
        .state([.backspace], .tourQuestion, "erase the last character of your answer") { s, _ in
            if s.tour?.guess.isEmpty == false { s.tour?.guess.removeLast() }
        },
    ]

    static let bindings: [Binding] = [
        Binding([.right, .char(" ")], .tour, "next step of the tour") { _, _ in .tourStep(1) },
        Binding([.left, .backspace], .tour, "previous step") { _, _ in .tourStep(-1) },
        Binding([.escape], .tour, "leave the tour; what is on screen stays, to explore") { _, _ in .leaveTour },
    ]
}
