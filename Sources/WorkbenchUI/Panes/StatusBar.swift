import Foundation
import TextCells

/// Bottom line: model, family and shape, tokens, compute time, theme; notices and the
/// "computing" marker when the view is one input behind.
enum StatusBar {
    static func render(_ v: StatusView, _ r: Rect, into c: inout Canvas) {
        let t = c.theme
        let bar = t.style(.statusBarForeground, bg: .statusBarBackground)
        c.grid.fill(r, style: bar)
        var parts = [" " + v.model, "\(v.family) \(v.layers)×\(v.heads)"]
        if let w = v.windows {
            parts.append(w)
        } else if let n = v.tokens {
            parts.append("\(n) tokens" + (v.truncated > 0 ? " (\(v.truncated) cut)" : ""))
        }
        if let ms = v.milliseconds { parts.append(String(format: "%.1f ms", ms)) }
        if v.lean { parts.append("lean") }
        parts.append("theme \(v.theme)")
        // A notice matters more than the figures: keep only the model name beside it.
        if v.notice != nil { parts = [parts[0]] }
        var x = c.put(parts.joined(separator: " │ "), x: r.x, y: r.y, bar, clip: r)
        if v.stale {
            x = c.put("  ⟳ computing…", x: x, y: r.y, t.style(.stale, bg: .statusBarBackground, [.bold]), clip: r)
        } else if let err = v.error {
            x = c.put("  " + err, x: x, y: r.y, t.style(.error, bg: .statusBarBackground, [.bold]), clip: r)
        }
        if let off = v.ablated {
            x = c.put("  heads off " + off, x: x, y: r.y, t.style(.error, bg: .statusBarBackground, [.bold]), clip: r)
        }
        if let p95 = v.p95 {
            x = c.put(
                String(format: "  key→frame p95 %.1f ms", p95), x: x, y: r.y,
                t.style(.accent, bg: .statusBarBackground), clip: r)
        }
        if let n = v.notice {
            x = c.put(
                "  " + n.text, x: x, y: r.y, t.style(n.isError ? .error : .accent, bg: .statusBarBackground, [.bold]),
                clip: r)
        }
        let help = "? help  q quit "
        if x + displayWidth(help) + 1 < r.maxX {
            c.put(help, x: r.maxX - displayWidth(help), y: r.y, t.style(.muted, bg: .statusBarBackground))
        }
    }
}
