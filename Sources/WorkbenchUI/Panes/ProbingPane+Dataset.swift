import Foundation
import TextCells

extension ProbingPane {
    /// The dataset table: the classifier's scores over the corpus, its confusion matrix,
    /// then one row a line (loss, confidence, gold → said, the text), the highlighted one ▶.
    static func drawDataset(_ v: DatasetView, _ r: Rect, _ c: inout Canvas) {
        let t = c.theme
        var y = r.y
        c.put("classifier: " + v.classifier, x: r.x, y: y, t.style(.muted), clip: r)
        y += 1
        let scores = String(
            format: "%d labelled of %d answered · accuracy %.1f%% · macro F1 %.3f", v.labelled, v.answered,
            v.accuracy * 100, v.macroF1)
        c.put(scores, x: r.x, y: y, t.style(.foreground, [.bold]), clip: r)
        y += 1
        // The confusion matrix, while it leaves room for rows.
        let w = max(6, (v.classes.map { displayWidth($0) }.max() ?? 0) + 2)
        if r.height - 2 > v.classes.count + 5, v.classes.count <= 8 {
            c.put(
                fit("gold \\ said", w + 2) + v.classes.map { fit($0, w) }.joined(), x: r.x, y: y, t.style(.muted),
                clip: r)
            y += 1
            for (k, name) in v.classes.enumerated() {
                var x = c.put(fit(name, w + 2), x: r.x, y: y, t.style(.foreground), clip: r)
                for (j, n) in v.confusion[k].enumerated() {
                    x = c.put(
                        fit(String(n), w), x: x, y: y, t.style(j == k ? .accent : n > 0 ? .unknownToken : .muted),
                        clip: r)
                }
                y += 1
            }
        }
        // What pushed each class, over the corpus, while the rows keep most of the pane.
        if r.maxY - y > 8 + v.classes.count {
            for (k, name) in v.classes.enumerated() where k < v.pushes.count && !v.pushes[k].isEmpty {
                var x = c.put("toward \(name): ", x: r.x, y: y, t.style(.muted), clip: r)
                for (i, p) in v.pushes[k].enumerated() {
                    let text =
                        (i > 0 ? " · " : "") + visibleText(p.token) + String(format: " %+.1f (%d)", p.total, p.count)
                    guard x + displayWidth(text) <= r.maxX else { break }
                    x = c.put(text, x: x, y: y, t.style(i == 0 ? .attributionPositive : .foreground), clip: r)
                }
                y += 1
            }
        }
        // Head importance over the dataset, when measured, while the rows keep most of the pane.
        if !v.helpfulHeads.isEmpty, r.maxY - y > 6 {
            var x = c.put(
                "heads that help most, Δ log p(gold) when off (\(v.headRows) rows): ", x: r.x, y: y, t.style(.muted),
                clip: r)
            for (i, h) in v.helpfulHeads.enumerated() {
                let text = (i > 0 ? " · " : "") + h.0 + String(format: " %+.3f", h.1)
                guard x + displayWidth(text) <= r.maxX else { break }
                x = c.put(text, x: x, y: y, t.style(i == 0 ? .accent : .foreground), clip: r)
            }
            y += 1
        }
        c.put(
            "\(v.rows.count) rows · \(v.filter) (f) · sorted by \(v.sort.rawValue) (s)", x: r.x, y: y,
            t.style(.muted), clip: r)
        y += 1
        let rows = max(0, r.maxY - y)
        guard rows > 0 else { return }
        if v.rows.isEmpty {
            c.put("no rows: f shows every row", x: r.x, y: y, t.style(.muted), clip: r)
            return
        }
        let first = max(0, min(v.selected - rows / 2, v.rows.count - rows))
        let labels = max(8, min(2 * w + 3, r.width / 3))
        for (k, row) in v.rows.dropFirst(first).prefix(rows).enumerated() {
            let chosen = first + k == v.selected, wrong = row.gold.map { $0 != row.predicted } ?? false
            var x = c.put(chosen ? "▶ " : "  ", x: r.x, y: y + k, t.style(.accent, [.bold]), clip: r)
            x = c.put(
                row.loss.map { String(format: "%6.3f ", $0) } ?? "     – ", x: x, y: y + k, t.style(.muted), clip: r)
            x = c.put(String(format: "%4.0f%% ", row.probability * 100), x: x, y: y + k, t.style(.muted), clip: r)
            let verdict = "\(row.gold ?? "?")→\(row.predicted)"
            x = c.put(
                fit(verdict, labels), x: x, y: y + k,
                t.style(wrong ? .unknownToken : .foreground, chosen ? [.bold] : []),
                clip: r)
            c.put(
                truncated(visibleText(row.text), to: max(4, r.maxX - x)), x: x, y: y + k,
                t.style(chosen ? .accent : .foreground), clip: r)
        }
    }
}
