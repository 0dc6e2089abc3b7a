import Analysis
import Session

extension AttentionPane {
    static let bindings: [Binding] = [
        cursor([.up, .char("k")], "query row up", row: -1),
        cursor([.down, .char("j")], "query row down", row: 1),
        cursor([.left, .char("h")], "key column left", column: -1),
        cursor([.right, .char("l")], "key column right", column: 1),
        cursor([.pageUp], "scroll up a page", row: -10),
        cursor([.pageDown], "scroll down a page", row: 10),
        .state([.char("[")], .attention, "previous layer") { s, e in
            s.attention.layer = wrapped(s.attention.layer, -1, e.layers)
        }.hint("layer"),
        .state([.char("]")], .attention, "next layer") { s, e in
            s.attention.layer = wrapped(s.attention.layer, 1, e.layers)
        }.hint("layer"),
        .state([.char(",")], .attention, "previous head") { s, e in
            s.attention.head = wrapped(s.attention.head, -1, e.heads)
        }.hint("head"),
        .state([.char(".")], .attention, "next head") { s, e in s.attention.head = wrapped(s.attention.head, 1, e.heads)
        }.hint("head"),
        .state(
            [.char("v")], .attention,
            "view, in turn: " + AttentionViewKind.allCases.map(\.rawValue).joined(separator: " → ")
                + " (:view NAME picks one)"
        ) { s, _ in
            let all = AttentionViewKind.allCases
            s.attention.view = all[(all.firstIndex(of: s.attention.view)! + 1) % all.count]
        },
        .state([.char("w")], .attention, "word level (to a word: summed; from a word: averaged)") { s, _ in
            s.attention.words.toggle()
        },
        .state(
            [.char("s")], .attention,
            "hide the special tokens ([CLS]/[SEP], <s>/</s>) and renormalize rows, or keep them (the overview too)"
        ) { s, _ in
            s.attention.hideSpecial.toggle()
        },
        .state([.char("o")], .attention, "overview of all layers × heads") { s, _ in s.attention.overview = true }
            .hint("overview"),
        .state(
            [.char("O")], .attention,
            "the whole map pooled to the pane (each cell a block's mean, the peak under the cursor): long inputs at a glance"
        ) { s, _ in s.attention.pooled.toggle() }
        .unless { s, _ in
            s.attention.poolable || s.attention.pooled
                ? nil : "the pooled map shows one head or the mean of heads, token by token (v; w and s off)"
        },
        .state([.char("f")], .attention, "focus mode: the query row as a ranked bar list") { s, _ in
            s.attention.focusMode.toggle()
        },
        Binding(
            [.char("H")], .attention,
            "head importance: how much ablating each head alone changes the first mask's top prediction (one pass per head)"
        ) { s, _ in
            s.attention.importance = true
            return .inputChanged
        },
        Binding(
            [.char("P")], .attention,
            "activation patching: each layer × position (and head) from the counterfactual (:counterfactual TEXT)"
        ) { s, _ in
            s.attention.patching = true
            s.attention.importance = false
            return .inputChanged
        }.hint("patch"),
        .state(
            [.char("C")], .attention,
            "compare with another sentence: opens :compare with line A to edit into A′ (or the A′ already set)"
        ) { s, _ in
            s.overlay = .command(LineEditor("compare " + (s.comparison.isEmpty ? s.editorA.text : s.comparison)))
        },
        Binding(
            [.char("S")], .attention,
            "experiment: attention without ÷√dₕ (q·k × 1) in every pass, or the model's own scale again (:scale S picks any)"
        ) { s, _ in
            s.attentionScale = s.attentionScale == nil ? 1 : nil
            return .inputChanged
        }.unless { _, e in e.plainScores ? nil : "DeBERTa's scores are not q·k/√dₕ alone: no scale experiment here" },
        Binding([.char("a")], .attention, "ablate the head shown (its context zeroed in every pass), or restore it") {
            s, _ in
            toggleAblation(&s)
        },
        .state(
            [.char("g")], .attention,
            "find a head: every layer × head ranked by the cursor cell's attention (or a head statistic); Enter opens one"
        ) { s, _ in s.attention.finder = HeadFinderState() }.hint("find head"),
    ]

    private static func cursor(_ keys: [Key], _ help: String, row: Int = 0, column: Int = 0) -> Binding {
        .state(keys, .attention, help) { s, e in
            s.attention.row = clamped(s.attention.row + row, e.mapSize)
            s.attention.column = clamped(s.attention.column + column, e.mapSize)
        }
    }
}

/// `a`: the head under the cursor joins or leaves the ablated heads.
func toggleAblation(_ s: inout WorkbenchState) -> Effect {
    let h = HeadAblation.Head(layer: s.attention.layer, head: s.attention.head)
    if s.ablated.heads.contains(h) { s.ablated.heads.remove(h) } else { s.ablated.heads.insert(h) }
    return .inputChanged
}

/// ↑/↓ layer, ←/→ head, wrapping: the cursor of every layers × heads grid.
func layerHeadCursor(_ context: Context) -> [Binding] {
    [
        .state([.up, .char("k")], context, "layer up") { s, e in
            s.attention.layer = wrapped(s.attention.layer, -1, e.layers)
        }.hint("layer"),
        .state([.down, .char("j")], context, "layer down") { s, e in
            s.attention.layer = wrapped(s.attention.layer, 1, e.layers)
        }.hint("layer"),
        .state([.left, .char("h")], context, "head left") { s, e in
            s.attention.head = wrapped(s.attention.head, -1, e.heads)
        }.hint("head"),
        .state([.right, .char("l")], context, "head right") { s, e in
            s.attention.head = wrapped(s.attention.head, 1, e.heads)
        }.hint("head"),
    ]
}

extension OverviewGrid {
    static let bindings: [Binding] =
        [
            Binding([.char("a")], .overview, "ablate the chosen head, or restore it") { s, _ in toggleAblation(&s) }
                .hint("ablate")
        ]
        + layerHeadCursor(.overview) + [
            .state([.char("s")], .overview, "hide the special tokens in every thumbnail, or keep them") { s, _ in
                s.attention.hideSpecial.toggle()
            },
            .state([.enter, .char("o"), .escape], .overview, "open the chosen head") { s, _ in
                s.attention.overview = false
                s.attention.view = .head
            }.hint("open"),
        ]
}

extension LongMapGrid {
    /// The pooled map's cursor moves a block at a time; Enter zooms into the block's band.
    static let bindings: [Binding] = [
        step([.up, .char("k")], "a block up", rows: -1),
        step([.down, .char("j")], "a block down", rows: 1),
        step([.left, .char("h")], "a block left", columns: -1),
        step([.right, .char("l")], "a block right", columns: 1),
        step([.pageUp], "ten blocks up", rows: -10),
        step([.pageDown], "ten blocks down", rows: 10),
        .state([.enter, .char("O"), .escape], .pooledMap, "zoom into the band under the cursor, at full resolution") {
            s, _ in s.attention.pooled = false
        }.hint("zoom in"),
    ]

    private static func step(_ keys: [Key], _ help: String, rows: Int = 0, columns: Int = 0) -> Binding {
        .state(keys, .pooledMap, help) { s, e in
            if rows != 0 { s.attention.row = moved(s.attention.row, by: rows, blocks: e.pooledRows, e.mapSize) }
            if columns != 0 {
                s.attention.column = moved(s.attention.column, by: columns, blocks: e.pooledColumns, e.mapSize)
            }
        }
    }

    /// The first token of the block `k` blocks from the one holding `t` (`blocks` over `n` tokens).
    static func moved(_ t: Int, by k: Int, blocks: Int, _ n: Int) -> Int {
        guard n > 0 else { return 0 }
        let parts = max(1, min(blocks, n)), here = PooledAttention.blockIndex(of: t, parts: parts, over: n)
        return PooledAttention.block(max(0, min(parts - 1, here + k)), of: parts, over: n).lowerBound
    }
}
