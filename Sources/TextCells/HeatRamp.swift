/// The one rule for where a value sits on the heat scale, and the glyphs
/// that stand for it on a terminal without a colour ramp.
public enum HeatRamp {
    /// √(v / max): the middle of the scale is a quarter of the maximum, so
    /// weak attention stays visible beside a strong diagonal.
    public static func level(_ v: Float, of max: Float) -> Float { (v / max).squareRoot() }

    public static let glyphs = [" ", "░", "▒", "▓", "█"]

    /// The step of a level in 0…1 on the ramp, 0 to `glyphs.count - 1`
    /// (clamped; NaN is 0).
    public static func step(_ level: Float) -> Int {
        guard level.isFinite else { return 0 }
        return max(0, min(glyphs.count - 1, Int((level * Float(glyphs.count - 1)).rounded())))
    }

    /// The glyph for a level in 0…1 (clamped; NaN is blank).
    public static func glyph(_ level: Float) -> String { glyphs[step(level)] }
}
