import Session

/// Bottom line: model, family and shape, tokens, compute time, theme; notices and the
/// "computing" marker when the view is one input behind.
enum StatusBar {
    static func render(_ g: inout CellGrid, _ r: Rect, workbench w: Workbench, snapshot s: SessionSnapshot) {
        let bar = w.theme.style("status_bar_fg", bg: "status_bar_bg")
        g.fill(r, style: bar)
        let c = w.session.model.encoder.config
        var parts = [" " + w.session.model.name, "\(c.modelType) \(c.numLayers)×\(c.numHeads)"]
        if let res = s.result {
            parts.append("\(res.encoding.count) tokens" + (res.encoding.truncated > 0 ? " (\(res.encoding.truncated) cut)" : ""))
            parts.append(String(format: "%.1f ms", res.milliseconds))
        }
        parts.append("theme \(w.theme.name)")
        // A notice matters more than the figures: keep only the model name beside it.
        if w.notice != nil { parts = [parts[0]] }
        var x = g.put(parts.joined(separator: " │ "), x: r.x, y: r.y, style: bar, clip: r)
        if s.isStale {
            x = g.put("  ⟳ computing…", x: x, y: r.y, style: w.theme.style("stale", bg: "status_bar_bg", [.bold]), clip: r)
        } else if let err = s.result?.error {
            x = g.put("  " + err, x: x, y: r.y, style: w.theme.style("error", bg: "status_bar_bg", [.bold]), clip: r)
        }
        if let st = w.stats, let p95 = st.percentile(0.95) {
            x = g.put(String(format: "  key→frame p95 %.1f ms", p95), x: x, y: r.y, style: w.theme.style("accent", bg: "status_bar_bg"), clip: r)
        }
        if let n = w.notice {
            x = g.put("  " + n.text, x: x, y: r.y, style: w.theme.style(n.isError ? "error" : "accent", bg: "status_bar_bg", [.bold]), clip: r)
        }
        let help = "? help  q quit "
        if x + displayWidth(help) + 1 < r.maxX {
            g.put(help, x: r.maxX - displayWidth(help), y: r.y, style: w.theme.style("muted", bg: "status_bar_bg"))
        }
    }
}
