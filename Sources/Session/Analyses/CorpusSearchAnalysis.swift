import CorpusText
import Dispatch
import Encoder

extension AnalysisKind {
    /// The corpus tokens nearest to the selected token (asked for with a `CorpusSearchRequest`).
    public static let corpusSearch = AnalysisKind("corpusSearch")
}

/// Which token of the input, at which layer (0 = the embedding output), and how many matches;
/// with `head` (from 0), matched by that head's output at the layer instead of the hidden state.
public struct CorpusSearchRequest: Hashable, Sendable {
    public var position: Int, layer: Int, top: Int
    public var head: Int?
    public init(position: Int, layer: Int, top: Int, head: Int? = nil) {
        self.position = position; self.layer = layer; self.top = top; self.head = head
    }
}

/// The nearest corpus tokens, best first, or why there are none.
public struct CorpusSearchOutcome: AnalysisOutcome, Equatable {
    public var request: CorpusSearchRequest
    public var matches: [CorpusMatch] = []
    public var milliseconds: Double = 0
    public var error: String?
    public var approximateBytes: Int {
        256 + matches.reduce(0) { $0 + 160 + $1.text.utf8.count + ($1.pair?.utf8.count ?? 0) }
    }
}

extension SessionAnalysis {
    /// A scan of every stored vector of the layer: tens of milliseconds at 300,000 tokens,
    /// so it runs here, never on the key path.
    static let corpusSearch = SessionAnalysis(
        kind: .corpusSearch,
        wanted: { s, r in s.corpus != nil && r.awaits(.corpusSearch) },
        run: { s, r, ctx in
            guard let ask = r.input.request(.corpusSearch, as: CorpusSearchRequest.self), let index = s.corpus else {
                return true
            }
            var out = CorpusSearchOutcome(request: ask)
            out.error = Self.corpusQueryProblem(ask, r, index)
            if out.error == nil, let t = r.trace {
                let start = DispatchTime.now().uptimeNanoseconds
                do {
                    if let head = ask.head {
                        let e = r.encoding
                        let query = try s.model.encoder.headContext(
                            ids: e.ids, typeIds: e.typeIds, layer: ask.layer, token: ask.position)
                        out.matches = try index.search(query, heads: [head], layer: ask.layer, top: ask.top)
                    } else {
                        out.matches = try index.search(
                            Array(t.hiddenState(layer: ask.layer, token: ask.position)), layer: ask.layer, top: ask.top)
                    }
                } catch {
                    out.error = "\(error)"
                }
                out.milliseconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            }
            if ctx.isCancelled() { return false }
            r.outcomes[.corpusSearch] = out
            return true
        })

    /// Why the selected token cannot be searched (nil when it can).
    static func corpusQueryProblem(_ ask: CorpusSearchRequest, _ r: EncodeResult, _ index: any CorpusSearching)
        -> String?
    {
        guard let t = r.trace else { return r.error ?? "the model did not run on this input" }
        if r.input.layers != .published {
            return "the index holds the published layers; L switches the views back to them"
        }
        guard r.encoding.ids.indices.contains(ask.position), ask.position < t.tokens else {
            return "no token selected"
        }
        if r.encoding.isSpecial(ask.position) {
            return "\(r.encoding.tokens[ask.position]) is a special token (an index holds none): select a word's piece"
        }
        if ask.head != nil {
            guard index.contextLayers.contains(ask.layer), ask.layer <= t.layers else {
                let held = index.contextLayers.map(String.init).joined(separator: ", ")
                return held.isEmpty
                    ? "the index stores no head outputs: build it with corpus index --contexts"
                    : "layer \(ask.layer)'s head outputs are not in the index (it holds layers \(held))"
            }
            return nil
        }
        guard index.layers.contains(ask.layer), ask.layer <= t.layers else {
            return
                "layer \(ask.layer) is not in the index (it holds \(index.layers.map(String.init).joined(separator: ", ")))"
        }
        return nil
    }
}

extension EncodeResult {
    public var corpusSearch: CorpusSearchOutcome? { outcomes[.corpusSearch] as? CorpusSearchOutcome }
}
