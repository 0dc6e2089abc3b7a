/// What a pane draws into: the frame's cells, the hit areas clicks are
/// resolved against, and the look. A pane's render is a function of its
/// view, its state and this canvas; it changes nothing else.
public struct Canvas {
    public var grid: CellGrid
    public var hits = HitAreas()
    public let theme: Theme
    public let colorMode: ColorMode

    public init(width: Int, height: Int, theme: Theme, colorMode: ColorMode) {
        grid = CellGrid(width: width, height: height)
        self.theme = theme
        self.colorMode = colorMode
    }

    /// Heatmaps need a real ramp; below 256 colours they draw glyphs instead.
    var ramp: Bool { colorMode.hasColorRamp }

    /// A value in [0, 1] as a heat colour, or the accent without a ramp.
    func heat(_ v: Float) -> Style { Style(fg: ramp ? theme.heat(v) : theme.color(.accent)) }

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
