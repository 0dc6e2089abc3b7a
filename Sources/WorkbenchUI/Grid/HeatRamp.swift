/// The one rule for where a value sits on the heat scale, and the glyphs
/// that stand for it on a terminal without a colour ramp.
enum HeatRamp {
    /// √(v / max): the middle of the scale is a quarter of the maximum, so
    /// weak attention stays visible beside a strong diagonal.
    static func level(_ v: Float, of max: Float) -> Float { (v / max).squareRoot() }

    static let glyphs = [" ", "░", "▒", "▓", "█"]

    /// The glyph for a level in 0…1 (clamped; NaN is blank).
    static func glyph(_ level: Float) -> String {
        guard level.isFinite else { return glyphs[0] }
        return glyphs[max(0, min(glyphs.count - 1, Int((level * Float(glyphs.count - 1)).rounded())))]
    }
}
