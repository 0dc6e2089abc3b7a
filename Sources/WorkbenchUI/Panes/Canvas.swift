import TextCells

/// What a pane draws into: the frame's cells, the hit areas clicks are
/// resolved against, and the look. A pane's render is a function of its
/// view, its state and this canvas; it changes nothing else.
public struct Canvas {
    public var grid: CellGrid
    public var hits = HitAreas()
    public let theme: Theme
    public let colorMode: ColorMode
    /// Drawn for a figure (render, :export): no keys' hints, which mean nothing on paper.
    public var figure = false

    public init(width: Int, height: Int, theme: Theme, colorMode: ColorMode) {
        grid = CellGrid(width: width, height: height)
        self.theme = theme
        self.colorMode = colorMode
    }

    /// Heatmaps need a real ramp; below 256 colours they draw glyphs instead.
    var ramp: Bool { colorMode.hasColorRamp }

    /// A value in [0, 1] as the colour of a bar or glyph drawn on the
    /// background, or the accent without a ramp. Its low end starts 30% up
    /// the ramp: the ramp's start is near the background's colour (navy on a
    /// dark theme), which made short bars invisible.
    func heat(_ v: Float) -> Style {
        Style(fg: ramp ? theme.heat(0.3 + 0.7 * max(0, min(1, v))) : theme.color(.accent))
    }

    /// The background of a signed value in [−1, 1] on the diverging
    /// attribution ramp, and a text colour readable on it. With 256 colours
    /// the steps are fixed palette entries (purple and orange of rising
    /// brightness, toward the theme's background), since rounding a blend to
    /// the palette turns it olive; a value near 0 keeps the background.
    func diverging(_ v: Float) -> (bg: Color, fg: Color) {
        let t = max(-1, min(1, v)), level = HeatRamp.step(HeatRamp.level(abs(t), of: 1))
        let strong = level >= 3
        if colorMode == .truecolor {
            return (theme.diverging(t), strong ? .rgb(0, 0, 0) : theme.color(.foreground))
        }
        guard level > 0 else { return (theme.color(.background), theme.color(.foreground)) }
        let purple: [UInt8] = theme.isLight ? [0, 189, 183, 141, 98] : [0, 60, 97, 135, 177]
        let orange: [UInt8] = theme.isLight ? [0, 223, 222, 215, 208] : [0, 94, 130, 166, 208]
        return (.indexed((t < 0 ? purple : orange)[level]), strong ? .indexed(16) : theme.color(.foreground))
    }

    /// A pane's frame; focused panes get the focus colour.
    mutating func frame(_ r: Rect, title: String, focused: Bool) {
        grid.box(
            r, title: title, style: theme.style(focused ? .focusBorder : .border),
            titleStyle: theme.style(focused ? .accent : .muted, [.bold]))
    }

    /// Text clipped to `clip` ends in `…` when it does not fit: nothing is cut silently.
    @discardableResult
    mutating func put(_ text: String, x: Int, y: Int, _ style: Style, clip: Rect? = nil) -> Int {
        grid.put(text, x: x, y: y, style: style, clip: clip, ellipsis: clip != nil)
    }

    /// Segments written left to right while each fits whole (numbers are never
    /// cut); a `…` says when some were left out.
    @discardableResult
    mutating func segments(_ parts: [String], x: Int, y: Int, _ style: Style, clip r: Rect) -> Int {
        var text = ""
        for (k, p) in parts.enumerated() {
            if x + displayWidth(text + p) > r.maxX {
                if k > 0 && x + displayWidth(text + " …") <= r.maxX { text += " …" }
                break
            }
            text += p
        }
        return put(text, x: x, y: y, style, clip: r)
    }
}

extension Canvas {
    /// A legend under a grid: what it means, wrapped at `width` (never cut),
    /// then its keys (not in a figure), on the same line when both fit, else on a line of their own.
    func legendLines(_ meaning: String, keys: String, width: Int) -> [String] {
        if figure { return wordWrap(meaning, width) }
        let together = meaning + " · " + keys
        if displayWidth(together) <= width { return [together] }
        return wordWrap(meaning, width) + wordWrap(keys, width)
    }

    /// A key hint, or nothing in a figure.
    func keys(_ hint: String) -> String { figure ? "" : hint }
}
