/// The block glyphs bars are drawn with, one definition for the workbench
/// and the command line.
public enum BarGlyphs {
    /// A whole cell of bar.
    public static let full = "█"
    /// A cell filled from the left by 0 to 7 eighths.
    public static let eighths = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
    /// A cell filled from the bottom by 1 to 8 eighths (sparklines).
    public static let heights = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// `cells` whole cells of bar.
    public static func solid(_ cells: Int) -> String { String(repeating: full, count: cells) }

    /// A bar of `fraction` × `width` cells, with eighth blocks for the
    /// remainder (so small values are still visible and comparable).
    public static func bar(_ fraction: Double, width: Int) -> String {
        let eighths = Int((max(0, min(1, fraction)) * Double(width * 8)).rounded())
        return solid(eighths / 8) + Self.eighths[eighths % 8]
    }

    /// A sparkline glyph for a value in 0…1 (clamped).
    public static func height(_ v: Double) -> String {
        heights[max(0, min(heights.count - 1, Int((v * Double(heights.count - 1)).rounded())))]
    }
}
