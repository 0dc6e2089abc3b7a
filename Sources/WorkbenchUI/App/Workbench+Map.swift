import Analysis
import Session
import Tokenizers

struct MapKey: Hashable {
    let input: SessionInput
    let layer: Int, head: Int
    let view: AttentionViewKind
    let words: Bool, hideSpecial: Bool
}

extension Workbench {
    /// The attention map the pane shows for result `r` (the frame's one
    /// snapshot: a result arriving mid-frame must not change the map under
    /// labels drawn from the older encoding), with the current view settings
    /// (memoized: rollout is O(L·n³)).
    func currentMap(for r: EncodeResult?) -> AttentionMap? {
        guard let r, let t = r.trace else { return nil }
        let a = attention
        let key = MapKey(input: r.input, layer: a.layer, head: a.head, view: a.view, words: a.words, hideSpecial: a.hideSpecial)
        if let m = mapCache[key] { return m }
        var m: AttentionMap
        switch a.view {
        case .head: m = AttentionViews.head(t, layer: a.layer, head: a.head)
        case .mean: m = AttentionViews.meanOverHeads(t, layer: a.layer)
        case .rollout: m = AttentionViews.rollout(t, throughLayer: a.layer)
        }
        if a.hideSpecial {
            let special = Set(r.encoding.specialTokensMask.indices.filter { r.encoding.specialTokensMask[$0] == 1 })
            if special.count < m.size { m = AttentionViews.hiding(m, special) }
        }
        if a.words { m = AttentionViews.words(m, groups: Self.wordGroups(r.encoding, rows: m.groups)) }
        if mapCache.count > 64 { mapCache.removeAll() }
        mapCache[key] = m
        return m
    }

    /// Groups map rows into words: consecutive rows whose tokens share a
    /// sequence and word id; special tokens stay alone.
    static func wordGroups(_ e: Encoding, rows: [[Int]]) -> [[Int]] {
        var groups: [[Int]] = []
        var lastWord: (Int?, Int?)? = nil
        for (r, positions) in rows.enumerated() {
            let p = positions[0]
            let id = (e.sequenceIds[p], e.wordIds[p])
            if let last = lastWord, id.1 != nil, last.0 == id.0, last.1 == id.1 {
                groups[groups.count - 1].append(r)
            } else {
                groups.append([r])
            }
            lastWord = id
        }
        return groups
    }

    /// A label for a map row: the token, or the word its pieces spell, without
    /// the word-boundary marks of each scheme (WordPiece `##`, SentencePiece
    /// `▁`, byte-level BPE `Ġ`).
    static func label(_ positions: [Int], _ e: Encoding) -> String {
        guard positions.count > 1 else { return positions.first.map { e.tokens[$0] } ?? "" }
        let word = positions.map { e.tokens[$0].hasPrefix("##") ? String(e.tokens[$0].dropFirst(2)) : e.tokens[$0] }.joined()
        guard let first = word.first, first == "▁" || first == "Ġ", word.count > 1 else { return word }
        return String(word.dropFirst())
    }
}

extension Workbench {
    /// Brings every cursor inside the frame's result before drawing: a
    /// shorter sentence (or another model) arriving shrinks the token list
    /// and the map under a cursor that was valid a moment ago.
    func settleCursors(on r: EncodeResult?) {
        guard let r else { return }
        let (layers, heads) = config
        attention.layer = max(0, min(layers - 1, attention.layer))
        attention.head = max(0, min(heads - 1, attention.head))
        selectedToken = max(0, min(r.encoding.count - 1, selectedToken))
        predictions.selectedMask = max(0, min((r.mlm?.predictions.count ?? 1) - 1, predictions.selectedMask))
        guard let size = currentMap(for: r)?.size, size > 0 else { return }
        attention.row = min(attention.row, size - 1)
        attention.column = min(attention.column, size - 1)
    }
}
