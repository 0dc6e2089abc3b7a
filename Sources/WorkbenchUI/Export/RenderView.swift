import Analysis
import Foundation

/// The views `bertscope render` draws, each a pane set up as a user would.
public enum RenderView: String, CaseIterable, Sendable {
    case tokens, attention, overview, rollout, predictions, probing, explain
    /// The corpus views (`--corpus DIR`): neighbours, the projector, the dataset table.
    case corpus, projector, dataset

    public var pane: Focus {
        switch self {
        case .tokens: return .tokens
        case .attention, .overview, .rollout: return .attention
        case .predictions, .explain: return .predictions
        case .probing, .corpus, .projector, .dataset: return .probing
        }
    }

    /// Views of a corpus index, which need one.
    public var needsCorpus: Bool { self == .corpus || self == .projector || self == .dataset }

    /// Matrix views, which also come as CSV.
    public var isMatrix: Bool { self == .attention || self == .rollout }
}

extension Workbench {
    /// Focuses and zooms the view's pane, at `layer`/`head` (0-based) and attention `kind`.
    /// The corpus views take `layer` as the index numbers its layers (0 = the embedding output)
    /// and `sentences` for the projector's points.
    public func show(
        _ view: RenderView, layer: Int?, head: Int?, kind: AttentionViewKind? = nil, sentences: Bool = false,
        token: Int? = nil
    ) {
        state.focus = view.pane
        state.zoomed = true
        if let token { state.tokens.selected = token }
        if view.needsCorpus {
            state.probing.corpus = true
            state.probing.corpusProjection = view == .projector
            state.probing.projectorSentences = sentences
            state.probing.dataset = view == .dataset
            state.probing.corpusLayer = layer
            submitCurrent()
            session.waitUntilIdle()
            return
        }
        if let layer { state.attention.layer = max(0, min(facts.layers - 1, layer)) }
        if let head { state.attention.head = max(0, min(facts.heads - 1, head)) }
        state.attention.overview = view == .overview
        state.attention.view = view == .rollout ? .rollout : kind ?? .head
        if view == .rollout, layer == nil { state.attention.layer = facts.layers - 1 }
        submitCurrent()
        session.waitUntilIdle()
    }

    /// The first encode's tokens, once the session has them (a figure's options are checked against them).
    public func tokenCount() -> Int {
        session.waitUntilIdle()
        return snapshot.result?.encoding.count ?? 0
    }

    /// The attention pane's matrix as CSV: a header of key tokens, then one row per query token.
    public func matrixCSV() -> String? {
        guard let r = snapshot.result, let m = currentMap(for: r), let v = deriver.attentionView(r, state.attention)
        else { return nil }
        func field(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        var lines = [(["query \\ key"] + v.labels).map(field).joined(separator: ",")]
        for i in 0..<m.size {
            lines.append(
                ([field(v.labels[i])] + (0..<m.size).map { String(format: "%.6g", m[i, $0]) }).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
