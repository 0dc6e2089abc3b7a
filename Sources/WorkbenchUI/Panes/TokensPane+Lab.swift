import Analysis
import TextCells

/// While the masking lab runs, the tokens pane shows the corrupted input the
/// model sees, each chosen token coloured by its fate.
extension TokensPane {
    static func labStyle(_ fate: MaskingLab.Fate, _ t: Theme) -> Style {
        switch fate {
        case .masked: return t.style(.accent, [.bold])
        case .randomized: return t.style(.error, [.bold])
        case .kept: return t.style(.foreground, [.bold, .underline])
        }
    }

    /// One line saying what the colours mean.
    static func drawLabLegend(_ r: Rect, _ c: inout Canvas) {
        var x = c.put("masking lab input: ", x: r.x, y: r.y, c.theme.style(.muted), clip: r)
        for (fate, text) in [(MaskingLab.Fate.masked, "[MASK]"), (.randomized, "random"), (.kept, "kept")] {
            x = c.put(text, x: x, y: r.y, labStyle(fate, c.theme), clip: r)
            x = c.put(fate == .kept ? "  (the table: ← original)" : " · ", x: x, y: r.y, c.theme.style(.muted), clip: r)
        }
    }
}
