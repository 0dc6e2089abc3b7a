import Figures

extension Theme {
    /// A cell colour as pixels: the terminal's default background is the
    /// theme's (black for dark themes, white for light), its default
    /// foreground the theme's foreground.
    func rgb(_ c: Color, background: Bool) -> RGB {
        let resolved: Color
        if c == .terminalDefault {
            let key: ThemeKey = background ? .background : .foreground
            let own = color(key)
            resolved =
                own != .terminalDefault
                ? own
                : background
                    ? (isLight ? .rgb(255, 255, 255) : .rgb(18, 18, 18))
                    : (isLight ? .rgb(30, 30, 30) : .rgb(220, 220, 220))
        } else {
            resolved = c
        }
        let (r, g, b) = Self.rgb(resolved)
        return RGB(UInt8(r), UInt8(g), UInt8(b))
    }

    /// The figure background: the theme's, else the terminal's.
    var figureBackground: RGB { rgb(.terminalDefault, background: true) }
}
