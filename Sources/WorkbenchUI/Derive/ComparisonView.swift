import Analysis
import Session
import TextCells
import Tokenizers

/// What the comparison shows: A's and A′'s maps for the chosen layer/head,
/// their difference where the sentences align, and the shared words'
/// drift by layer; or why there is nothing yet.
public struct ComparisonView: Equatable, Sendable {
    public var textB: String
    public var labelsA: [String], labelsB: [String]
    public var mapA: AttentionMap, mapB: AttentionMap
    /// A − A′, entry by entry, when the maps align.
    public var difference: [Float]?
    /// How the maps align: "token by token", "word by word", or why they do not.
    public var alignment: String
    public var words: [SentenceComparison.Word]
    /// The view compared ("head 3", "mean of 12 heads", "rollout"): mixing views compare the raw head.
    public var what: String
    /// What A′ is: `A′ "sentence"`, or the same sentence on other layers ("A′: published layers").
    public var heading = ""
    /// The heads whose attention moved most between A and A′ (Jensen–Shannon
    /// distance of their rows, averaged): "moved most (JS): L6 H3 0.41 · …".
    public var changedMost: String?

    public init(
        textB: String, labelsA: [String], labelsB: [String], mapA: AttentionMap, mapB: AttentionMap,
        difference: [Float]?, alignment: String, words: [SentenceComparison.Word], what: String
    ) {
        self.textB = textB; self.labelsA = labelsA; self.labelsB = labelsB; self.mapA = mapA; self.mapB = mapB
        self.difference = difference; self.alignment = alignment; self.words = words; self.what = what
        self.heading = "A′ \"\(textB)\""
    }

    /// "moved most (JS): L6 H3 0.41 · L6 H7 0.33 · L5 H1 0.20" from a [layer][head] distance table.
    static func changedMost(_ distance: [[Float]]?, top: Int = 3) -> String? {
        guard let d = distance else { return nil }
        let cells = d.enumerated().flatMap { l, row in row.enumerated().map { (l, $0.offset, $0.element) } }
            .filter { $0.2.isFinite }.sorted { $0.2 > $1.2 }.prefix(top)
        guard !cells.isEmpty else { return nil }
        return "moved most (JS): "
            + cells.map { String(format: "L%d H%d %.2f", $0.0 + 1, $0.1 + 1, $0.2) }.joined(separator: " · ")
    }

    /// Derives the view from the input's result and the comparison outcome.
    static func derive(_ r: EncodeResult, _ s: AttentionState, layersTitle: (ShownLayers) -> String = { _ in "" })
        -> ComparisonView?
    {
        guard let o = r.comparison, let ta = r.trace, let tb = o.trace else { return nil }
        var spec = s.spec
        // Head, mean and rollout come from the traces alone; the mixing views compare the raw head.
        if ![.head, .mean, .rollout].contains(spec.kind) { spec.kind = .head }
        var a = AttentionViews.map(ta, r.encoding, spec), b = AttentionViews.map(tb, o.encoding, spec)
        var alignment = spec.words ? "word by word" : "token by token"
        if a.size != b.size, !spec.words {
            // Word level in each map's own rows (hidden specials stay hidden).
            let wa = AttentionViews.wordLevel(a, r.encoding), wb = AttentionViews.wordLevel(b, o.encoding)
            if wa.size == wb.size {
                a = wa
                b = wb
                alignment = "word by word (the tokenizations differ)"
            }
        }
        if a.size != b.size {
            alignment = "not aligned: A has \(a.size) \(spec.words ? "words" : "tokens"), A′ \(b.size)"
        }
        let labels = { (m: AttentionMap, e: Encoding) in m.groups.map { visibleText(AttentionViews.label($0, e)) } }
        let difference = a.size == b.size ? zip(a.values, b.values).map { $0 - $1 } : nil
        let what =
            spec.kind == .mean ? "mean over heads" : spec.kind == .rollout ? "rollout" : "head \(spec.head + 1)"
        var v = ComparisonView(
            textB: o.text, labelsA: labels(a, r.encoding), labelsB: labels(b, o.encoding), mapA: a, mapB: b,
            difference: difference, alignment: alignment, words: o.comparison?.words ?? [],
            what: "layer \(spec.layer + 1) · \(what)"
                + (s.view == spec.kind ? "" : " (mixing views compare the raw head)"))
        if let other = o.layers {
            // A's layers are in the pane's title; the heads that moved come first, before the line is cut.
            v.heading = "A′: \(layersTitle(other))"
            v.changedMost = changedMost(o.comparison?.attentionDistance)
        }
        return v
    }
}
