import CKernels
import Checkpoint

/// What each sublayer of every layer does to every token (the layer
/// anatomy, #28): post-LN BERT computes h = LN(x + attention(x)) and
/// y = LN(h + FFN(h)); these are the norms of each term, how far each step
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
        /// The two LayerNorms' inputs (x + attention, h + FFN): mean and variance over the hidden size.
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
    /// `[layer]`: the attention and output LayerNorms' γ and β (the same for every token).
    public var norms: [LayerNorms] = []

    public struct LayerNorms: Sendable, Equatable {
        public var attention: NormWeights, output: NormWeights
    }
    /// `[token]`.
    public let embeddings: [Embedding]
    /// `[layer * tokens + token]`.
    public let steps: [Step]
    /// `[(layer * tokens + token) * hidden …]`: each FFN's output, the update it
    /// adds to the residual stream (what the FFN lens projects).
    public var ffnOutputs: [Float] = []

    /// The FFN's update of `token` in `layer`, nil outside the anatomy.
    public func ffnUpdate(layer: Int, token: Int) -> [Float]? {
        let d = tokens > 0 && layers > 0 ? ffnOutputs.count / (tokens * layers) : 0
        guard (0..<layers).contains(layer), (0..<tokens).contains(token), d > 0 else { return nil }
        let start = (layer * tokens + token) * d
        return Array(ffnOutputs[start..<(start + d)])
    }
    public static let neuronsKept = 4

    public func step(layer: Int, token: Int) -> Step? {
        guard (0..<layers).contains(layer), (0..<tokens).contains(token) else { return nil }
        return steps[layer * tokens + token]
    }
}

extension BertEncoder {
    /// Every layer of `trace` decomposed for every token, from the layer's
    /// input (the trace's hidden state) and its attention probabilities.
    public func layerAnatomy(_ trace: Trace, ids: [Int], typeIds: [Int]?) throws -> LayerAnatomy {
        let n = trace.tokens, d = config.hiddenSize, L = config.numLayers
        guard trace.layers == L, trace.hidden == d, trace.heads == config.numHeads, ids.count == n,
            trace.keepsAttention(0...max(0, L - 1)), n > 0
        else {
            throw EncoderError("the layer anatomy needs a full trace of this model (every layer's attention)")
        }
        guard ids.allSatisfy({ (0..<config.vocabSize).contains($0) }), (typeIds?.count ?? n) == n else {
            throw EncoderError("the layer anatomy's token ids do not fit this model")
        }
        var steps: [LayerAnatomy.Step] = [], ffnOutputs: [Float] = []
        steps.reserveCapacity(L * n)
        ffnOutputs.reserveCapacity(L * n * d)
        for l in 0..<L {
            let (layerSteps, ffn) = anatomy(of: l, trace)
            steps += layerSteps
            ffnOutputs += ffn
        }
        var out = LayerAnatomy(
            tokens: n, layers: L, embeddings: embeddingParts(trace, ids: ids, typeIds: typeIds), steps: steps)
        out.ffnOutputs = ffnOutputs
        out.norms = (0..<L).map { l in
            let w = weights.layers[l]
            return LayerAnatomy.LayerNorms(attention: Self.summary(w.attentionNorm), output: Self.summary(w.outputNorm))
        }
        return out
    }

    private func embeddingParts(_ trace: Trace, ids: [Int], typeIds: [Int]?) -> [LayerAnatomy.Embedding] {
        let e = config.embeddingSize, emb = weights.embeddings
        let offset = config.relative == nil ? config.positionOffset : 0
        return withExtendedLifetime(weights) {
            ids.enumerated().map { i, id in
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

    /// Layer `l` for every token: the trace's probabilities times the values
    /// recomputed from the layer's input, then the layer's own arithmetic.
    private func anatomy(of l: Int, _ trace: Trace) -> (steps: [LayerAnatomy.Step], ffn: [Float]) {
        let n = trace.tokens, d = config.hiddenSize
        let w = weights.layers[l]
        let x = Array(trace.hiddenStates[(l * n * d)..<((l + 1) * n * d)])
        let context = layerContext(trace, layer: l, values: linearRows(x, rows: n, w.value))
        let attended = linearRows(context, rows: n, w.attentionOutput)
        let h = addNorm(attended, x, w.attentionNorm, rows: n)
        var inner = linearRows(h, rows: n, w.intermediate)
        inner.withUnsafeMutableBufferPointer { apply(config.activation, $0.baseAddress!, count: $0.count) }
        let ffn = linearRows(inner, rows: n, w.output)
        let y = addNorm(ffn, h, w.outputNorm, rows: n)
        let ff = config.intermediateSize
        let steps = (0..<n).map { i in
            func row(_ a: [Float], _ width: Int) -> [Float] { Array(a[(i * width)..<((i + 1) * width)]) }
            let xi = row(x, d), hi = row(h, d), yi = row(y, d)
            let traced = trace.hiddenState(layer: l + 1, token: i)
            let active = row(inner, ff)
            let top = active.indices.sorted { active[$0] > active[$1] }.prefix(LayerAnatomy.neuronsKept)
            var step = LayerAnatomy.Step(
                input: Self.norm(xi), attention: Self.norm(row(attended, d)), afterAttention: Self.norm(hi),
                ffn: Self.norm(row(ffn, d)), output: Self.norm(yi), attentionCosine: Self.cosine(xi, hi),
                ffnCosine: Self.cosine(hi, yi), neurons: Array(top), activations: top.map { active[$0] },
                difference: zip(yi, traced).reduce(0) { max($0, abs($1.0 - $1.1)) })
            step.attentionLN = LayerAnatomy.Moments(zip(row(attended, d), xi).map { $0 + $1 })
            step.outputLN = LayerAnatomy.Moments(zip(row(ffn, d), hi).map { $0 + $1 })
            return step
        }
        return (steps, ffn)
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

    /// LayerNorm(a + b) row by row, through the engine's own kernel.
    private func addNorm(_ a: [Float], _ b: [Float], _ norm: BertWeights.LayerNorm, rows: Int) -> [Float] {
        var out = [Float](repeating: 0, count: rows * config.hiddenSize)
        withExtendedLifetime(weights) {
            bs_add_layernorm(
                a, b, &out, Int32(rows), Int32(config.hiddenSize), norm.weight.pointer, norm.bias.pointer,
                config.layerNormEps)
        }
        return out
    }

    static func norm(_ v: [Float]) -> Float { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }

    /// A LayerNorm's γ and β by their means (read from the mapped weights).
    static func summary(_ n: BertWeights.LayerNorm) -> LayerAnatomy.NormWeights {
        func mean(_ t: Tensor) -> Float {
            let count = t.shape.reduce(1, *)
            return count > 0 ? (0..<count).reduce(0) { $0 + t.pointer[$1] } / Float(count) : 0
        }
        return LayerAnatomy.NormWeights(gammaMean: mean(n.weight), betaMean: mean(n.bias))
    }

    static func cosine(_ a: [Float], _ b: [Float]) -> Float {
        let na = norm(a), nb = norm(b)
        guard na > 0, nb > 0 else { return 0 }
        return zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } / (na * nb)
    }
}
