import CKernels
import Checkpoint

/// What each sublayer of every layer does to every token (the layer
/// anatomy, #28): post-LN BERT computes h = LN(x + attention(x)) and
/// y = LN(h + FFN(h)); pre-LN ModernBERT h = x + attention(LN(x)) and
/// y = h + FFN(LN(h)); these are the norms of each term, how far each step
/// turns the token (cosines), the most active FFN neurons, and the largest
/// difference between the recomputed output and the trace's (a self-check).
public struct LayerAnatomy: Sendable, Equatable {
    /// One layer for one token.
    public struct Step: Sendable, Equatable {
        /// ‖x‖ in, ‖attention output‖ (W_O c + b_O), ‖h‖ after add & LayerNorm.
        public var input: Float, attention: Float, afterAttention: Float
        /// ‖FFN output‖ (W_2 act(W_1 h + b_1) + b_2), ‖y‖ after add & LayerNorm.
        public var ffn: Float, output: Float
        /// cos(x, h) and cos(h, y): 1 = the step kept the direction.
        public var attentionCosine: Float, ffnCosine: Float
        /// The FFN's most active neurons (after the activation), strongest first.
        public var neurons: [Int], activations: [Float]
        /// max |recomputed y − the trace's hidden state|.
        public var difference: Float
        /// The two LayerNorms' inputs (x + attention, h + FFN; pre-LN: x and h): mean and variance over the hidden size.
        public var attentionLN = Moments(), outputLN = Moments()
    }

    /// A vector's mean and (biased, as LayerNorm uses) variance.
    public struct Moments: Sendable, Equatable {
        public var mean: Float = 0, variance: Float = 0
        public init(mean: Float = 0, variance: Float = 0) { self.mean = mean; self.variance = variance }
        public init(_ v: [Float]) {
            let n = Float(max(1, v.count)), m = v.reduce(0, +) / n
            self.init(mean: m, variance: v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / n)
        }
    }

    /// A LayerNorm's learnt scale γ and shift β, summarised by their means.
    public struct NormWeights: Sendable, Equatable {
        public var gammaMean: Float, betaMean: Float
    }

    /// One token's embedding: its parts' norms and the embedding output's.
    public struct Embedding: Sendable, Equatable {
        public var word: Float, position: Float?, tokenType: Float?, sum: Float, output: Float
        /// ALBERT, ELECTRA and narrow DeBERTa: the sum is projected up to the hidden size.
        public var projected: Bool
        /// DeBERTa projects the sum and then normalizes it; the others normalize, then project.
        public var projectedBeforeNorm = false
        /// The embedding LayerNorm's input (the sum, or DeBERTa's projected sum): mean and variance.
        public var moments = Moments()
    }

    public let tokens: Int, layers: Int
    /// ModernBERT's order: each LayerNorm before its sublayer, the sums left unnormalized, a final norm.
    public var preLayerNorm = false
    /// The final norm's γ and β (pre-LN models).
    public var finalNorm: NormWeights? = nil
    /// The tokens whose rows were computed, ascending: every token, or those asked for.
    public var computed: [Int] = []
    /// `[layer]`: the attention and output LayerNorms' γ and β (the same for every token).
    public var norms: [LayerNorms] = []

    public struct LayerNorms: Sendable, Equatable {
        public var attention: NormWeights, output: NormWeights
    }
    /// `[k]` for the k-th computed token.
    public let embeddings: [Embedding]
    /// `[layer * computed.count + k]`.
    public let steps: [Step]
    /// `[(layer * computed.count + k) * hidden …]`: each FFN's output, the update it
    /// adds to the residual stream (what the FFN lens projects).
    public var ffnOutputs: [Float] = []

    /// Where `token`'s rows are, nil when it was not computed.
    func row(_ token: Int) -> Int? {
        if computed.count == tokens { return (0..<tokens).contains(token) ? token : nil }
        return computed.firstIndex(of: token)
    }

    /// `token`'s embedding parts, nil when it was not computed.
    public func embedding(token: Int) -> Embedding? { row(token).map { embeddings[$0] } }

    /// The FFN's update of `token` in `layer`, nil outside the anatomy.
    public func ffnUpdate(layer: Int, token: Int) -> [Float]? {
        let m = computed.count, d = m > 0 && layers > 0 ? ffnOutputs.count / (m * layers) : 0
        guard (0..<layers).contains(layer), let k = row(token), d > 0 else { return nil }
        let start = (layer * m + k) * d
        return Array(ffnOutputs[start..<(start + d)])
    }
    public static let neuronsKept = 4

    public func step(layer: Int, token: Int) -> Step? {
        guard (0..<layers).contains(layer), let k = row(token) else { return nil }
        return steps[layer * computed.count + k]
    }
}

extension BertEncoder {
    /// Every layer of `trace` decomposed for `only` those tokens (nil: every
    /// token), from the layer's input (the trace's hidden state) and its
    /// attention probabilities. One token costs the value projections of the
    /// layers (every token's values enter its context) and its own rows: the
    /// workbench asks for the selected token.
    public func layerAnatomy(_ trace: Trace, ids: [Int], typeIds: [Int]?, only: [Int]? = nil) throws -> LayerAnatomy {
        let n = trace.tokens, d = config.hiddenSize, L = config.numLayers
        guard trace.layers == L, trace.hidden == d, trace.heads == config.numHeads, ids.count == n,
            trace.keepsAttention(0...max(0, L - 1)), n > 0
        else {
            throw EncoderError("the layer anatomy needs a full trace of this model (every layer's attention)")
        }
        guard ids.allSatisfy({ (0..<config.vocabSize).contains($0) }), (typeIds?.count ?? n) == n else {
            throw EncoderError("the layer anatomy's token ids do not fit this model")
        }
        let rows = only.map { Array(Set($0.filter { (0..<n).contains($0) })).sorted() } ?? Array(0..<n)
        guard !rows.isEmpty else { throw EncoderError("the layer anatomy was asked for no token of this input") }
        var steps: [LayerAnatomy.Step] = [], ffnOutputs: [Float] = []
        steps.reserveCapacity(L * rows.count)
        ffnOutputs.reserveCapacity(L * rows.count * d)
        for l in 0..<L {
            let (layerSteps, ffn) = anatomy(of: l, trace, rows: rows)
            steps += layerSteps
            ffnOutputs += ffn
        }
        var out = LayerAnatomy(
            tokens: n, layers: L, embeddings: embeddingParts(trace, ids: ids, typeIds: typeIds, rows: rows),
            steps: steps)
        out.computed = rows
        out.ffnOutputs = ffnOutputs
        out.norms = (0..<L).map { l in
            let w = weights.layers[l]
            // ModernBERT: attn_norm (none in layer 1: γ 1, β 0) and mlp_norm.
            let attention =
                weights.modern == nil
                ? Self.summary(w.attentionNorm)
                : weights.modern!.attention[l].map(Self.summary) ?? LayerAnatomy.NormWeights(gammaMean: 1, betaMean: 0)
            return LayerAnatomy.LayerNorms(attention: attention, output: Self.summary(w.outputNorm))
        }
        out.preLayerNorm = weights.modern != nil
        out.finalNorm = weights.modern.map { Self.summary($0.final) }
        return withExtendedLifetime(weights) { out }
    }

    private func embeddingParts(_ trace: Trace, ids: [Int], typeIds: [Int]?, rows: [Int]) -> [LayerAnatomy.Embedding] {
        let e = config.embeddingSize, emb = weights.embeddings
        let offset = config.relative == nil ? config.positionOffset : 0
        return withExtendedLifetime(weights) {
            rows.map { i in
                let id = ids[i]
                let w = emb.word.pointer + id * e
                var sum = (0..<e).map { w[$0] }
                var position: Float? = nil, type: Float? = nil
                if let p = emb.position, (i + offset) < p.shape[0] {
                    let row = p.pointer + (i + offset) * e
                    position = Self.norm((0..<e).map { row[$0] })
                    for k in 0..<e { sum[k] += row[k] }
                }
                if let t = emb.tokenType {
                    let type_ = min(max(0, typeIds?[i] ?? 0), t.shape[0] - 1)
                    let row = t.pointer + type_ * e
                    type = Self.norm((0..<e).map { row[$0] })
                    for k in 0..<e { sum[k] += row[k] }
                }
                var parts = LayerAnatomy.Embedding(
                    word: Self.norm((0..<e).map { w[$0] }), position: position, tokenType: type, sum: Self.norm(sum),
                    output: Self.norm(Array(trace.hiddenState(layer: 0, token: i))), projected: emb.projection != nil)
                parts.projectedBeforeNorm = config.family == .debertaV2 && emb.projection != nil
                parts.moments = LayerAnatomy.Moments(parts.projectedBeforeNorm ? project(sum) : sum)
                return parts
            }
        }
    }

    /// An embedding-width row through the embedding projection (DeBERTa's order: before the LayerNorm).
    private func project(_ row: [Float]) -> [Float] {
        guard let proj = weights.embeddings.projection else { return row }
        return linearRows(row, rows: 1, proj)
    }

    /// Layer `l` for the tokens `rows`: the trace's probabilities times the
    /// values of every token (recomputed from the layer's input), then the
    /// layer's own arithmetic on those rows through the forward pass's packed
    /// weights and kernels.
    private func anatomy(of l: Int, _ trace: Trace, rows: [Int]) -> (steps: [LayerAnatomy.Step], ffn: [Float]) {
        let n = trace.tokens, d = config.hiddenSize, ff = config.intermediateSize, m = rows.count
        let p = packed[l], w = weights.layers[l]
        let all = Array(trace.hiddenStates[(l * n * d)..<((l + 1) * n * d)])
        let values = linearRows(attentionInput(all, rows: n, layer: l), rows: n, w.value)
        let context =
            m == n
            ? layerContext(trace, layer: l, values: values) : rowContext(trace, layer: l, values: values, rows: rows)
        let x = m == n ? all : rows.flatMap { all[($0 * d)..<(($0 + 1) * d)] }
        var attended = [Float](repeating: 0, count: m * d)
        apply(p.attentionOutput, context, rows: m, into: &attended, ld: d)
        let (h, inner, ffn, y) =
            weights.modern == nil
            ? postLNSublayers(l, x: x, attended: attended, rows: m)
            : preLNSublayers(l, x: x, attended: attended, rows: m)
        // The trace's last state is after ModernBERT's final norm.
        let pre = weights.modern != nil
        let checked = pre && l == config.numLayers - 1 ? finalNormed(y, count: m) : y
        let steps = trace.hiddenStates.withUnsafeBufferPointer { traced in
            rows.enumerated().map { k, token in
                let at = k * d, tracedAt = (l + 1) * n * d + token * d
                var step = LayerAnatomy.Step(
                    input: Self.norm(x, at, d), attention: Self.norm(attended, at, d),
                    afterAttention: Self.norm(h, at, d), ffn: Self.norm(ffn, at, d), output: Self.norm(y, at, d),
                    attentionCosine: Self.cosine(x, h, at, d), ffnCosine: Self.cosine(h, y, at, d), neurons: [],
                    activations: [],
                    difference: (0..<d).reduce(0) { max($0, abs(checked[at + $1] - traced[tracedAt + $1])) })
                let top = Self.largest(inner, from: k * ff, count: ff, k: LayerAnatomy.neuronsKept)
                step.neurons = top
                step.activations = top.map { inner[k * ff + $0] }
                // Each LayerNorm's input: the sums (post-LN), or x and h themselves (pre-LN).
                step.attentionLN =
                    pre ? LayerAnatomy.Moments(Array(x[at..<(at + d)])) : Self.moments(attended, x, at, d)
                step.outputLN = pre ? LayerAnatomy.Moments(Array(h[at..<(at + d)])) : Self.moments(ffn, h, at, d)
                return step
            }
        }
        return (steps, ffn)
    }

    /// Post-LN: h = LN(x + attention), the FFN's activations and output, y = LN(h + FFN).
    private func postLNSublayers(_ l: Int, x: [Float], attended: [Float], rows m: Int)
        -> (h: [Float], inner: [Float], ffn: [Float], y: [Float])
    {
        let d = config.hiddenSize, ff = config.intermediateSize, p = packed[l], w = weights.layers[l]
        var inner = [Float](repeating: 0, count: m * ff), ffn = [Float](repeating: 0, count: m * d)
        let h = addNorm(attended, x, w.attentionNorm, rows: m)
        apply(p.intermediate, h, rows: m, into: &inner, ld: ff, activation: config.activation)
        apply(p.output, inner, rows: m, into: &ffn, ld: d)
        return (h, inner, ffn, addNorm(ffn, h, w.outputNorm, rows: m))
    }

    /// Pre-LN (ModernBERT): h = x + attention, the GeGLU's act(input)·gate of
    /// mlp_norm(h), its output, y = h + FFN.
    private func preLNSublayers(_ l: Int, x: [Float], attended: [Float], rows m: Int)
        -> (h: [Float], inner: [Float], ffn: [Float], y: [Float])
    {
        let d = config.hiddenSize, ff = config.intermediateSize, p = packed[l]
        let h = zip(x, attended).map { $0 + $1 }
        var both = [Float](repeating: 0, count: m * 2 * ff), ffn = [Float](repeating: 0, count: m * d)
        apply(p.intermediate, addNorm(h, nil, weights.layers[l].outputNorm, rows: m), rows: m, into: &both, ld: 2 * ff)
        both.withUnsafeMutableBufferPointer { geglu($0.baseAddress!, rows: m, ff: ff) }
        let inner = Array(both[0..<(m * ff)])
        apply(p.output, inner, rows: m, into: &ffn, ld: d)
        return (h, inner, ffn, zip(h, ffn).map { $0 + $1 })
    }

    /// The attention context (heads side by side) of the tokens `rows` only: Σ_j α_h,ij v_j^h.
    private func rowContext(_ trace: Trace, layer l: Int, values: [Float], rows: [Int]) -> [Float] {
        let n = trace.tokens, d = config.hiddenSize, H = config.numHeads, dh = config.headDim
        var context = [Float](repeating: 0, count: rows.count * d)
        guard let start = trace.attentionStart(layer: l, head: 0) else { return context }
        trace.attentions.withUnsafeBufferPointer { ap in
            for (k, i) in rows.enumerated() {
                for h in 0..<H {
                    let probs = ap.baseAddress! + start + (h * n + i) * n
                    for j in 0..<n {
                        let a = probs[j], v = j * d + h * dh
                        for t in 0..<dh { context[k * d + h * dh + t] += a * values[v + t] }
                    }
                }
            }
        }
        return context
    }

    /// y = x · Wᵀ + b (+ the activation) through a packed matrix, as the forward pass runs it.
    private func apply(
        _ m: PackedMatrix, _ x: [Float], rows: Int, into y: inout [Float], ld: Int, activation: Activation? = nil
    ) {
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer {
                m.apply(xp.baseAddress!, rows: rows, into: $0.baseAddress!, ld: ld, activation: activation)
            }
        }
    }

    /// The indices of the `k` largest of a[from ..< from + count], largest first (ties: the earlier).
    static func largest(_ a: [Float], from: Int, count: Int, k: Int) -> [Int] {
        var best: [Int] = []
        for j in 0..<count where best.count < k || a[from + j] > a[from + best[best.count - 1]] {
            let at = best.firstIndex { a[from + $0] < a[from + j] } ?? best.count
            best.insert(j, at: at)
            if best.count > k { best.removeLast() }
        }
        return best
    }

    static func norm(_ a: [Float], _ at: Int, _ count: Int) -> Float {
        var s: Float = 0
        for t in at..<(at + count) { s += a[t] * a[t] }
        return s.squareRoot()
    }

    static func cosine(_ a: [Float], _ b: [Float], _ at: Int, _ count: Int) -> Float {
        let na = norm(a, at, count), nb = norm(b, at, count)
        guard na > 0, nb > 0 else { return 0 }
        var s: Float = 0
        for t in at..<(at + count) { s += a[t] * b[t] }
        return s / (na * nb)
    }

    /// Mean and (biased) variance of a + b over a row: a LayerNorm's input.
    static func moments(_ a: [Float], _ b: [Float], _ at: Int, _ count: Int) -> LayerAnatomy.Moments {
        LayerAnatomy.Moments((at..<(at + count)).map { a[$0] + b[$0] })
    }

    /// Every token's attention context in `layer`, heads side by side (n × d):
    /// Σ_j α_h,ij v_j^h from the trace's probabilities and `values` (n × d,
    /// the layer's value projection), one GEMM per head.
    public func layerContext(_ trace: Trace, layer l: Int, values: [Float]) -> [Float] {
        let n = trace.tokens, d = config.hiddenSize, H = config.numHeads, dh = config.headDim
        var context = [Float](repeating: 0, count: n * d)
        guard let start = trace.attentionStart(layer: l, head: 0), values.count == n * d else { return context }
        var vh = [Float](repeating: 0, count: n * dh), part = [Float](repeating: 0, count: n * dh)
        trace.attentions.withUnsafeBufferPointer { ap in
            for h in 0..<H {
                for j in 0..<n { for t in 0..<dh { vh[j * dh + t] = values[j * d + h * dh + t] } }
                bs_matmul_nn(ap.baseAddress! + start + h * n * n, Int32(n), Int32(n), Int32(n), vh, Int32(dh), &part, 0)
                for i in 0..<n { for t in 0..<dh { context[i * d + h * dh + t] = part[i * dh + t] } }
            }
        }
        return context
    }

    /// LayerNorm(a + b) (or of a alone) row by row, through the engine's own kernel.
    private func addNorm(_ a: [Float], _ b: [Float]?, _ norm: BertWeights.LayerNorm, rows: Int) -> [Float] {
        var out = [Float](repeating: 0, count: rows * config.hiddenSize)
        withExtendedLifetime(weights) {
            bs_add_layernorm(
                a, b, &out, Int32(rows), Int32(config.hiddenSize), norm.weight.pointer, norm.bias.pointer,
                config.layerNormEps)
        }
        return out
    }

    static func norm(_ v: [Float]) -> Float { norm(v, 0, v.count) }

    /// A LayerNorm's γ and β by their means (read from the mapped weights).
    static func summary(_ n: BertWeights.LayerNorm) -> LayerAnatomy.NormWeights {
        func mean(_ t: Tensor) -> Float {
            let count = t.shape.reduce(1, *)
            return count > 0 ? (0..<count).reduce(0) { $0 + t.pointer[$1] } / Float(count) : 0
        }
        return LayerAnatomy.NormWeights(gammaMean: mean(n.weight), betaMean: mean(n.bias))
    }

}
