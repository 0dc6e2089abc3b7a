import CKernels
import Checkpoint
import Encoder
import Foundation

/// Everything one head of one layer computed, for every query, step by step
/// as the engine computes it (the teaching view of one cell, #28): this
/// head's slices of the queries, keys and values, the scores that enter the
/// softmax, the softmax recomputed from them, and this head's slice of the
/// attention output projection. Built from a trace in the background
/// (O(n²·dₕ) for the head, O(n²·d) in C for the heads' total); `cell`
/// then gives one cell's numbers cheaply.
public struct HeadArithmetic: Sendable, Equatable {
    public let layer: Int
    public let head: Int
    public let tokens: Int
    public let headDim: Int
    /// d: the hidden size (the length of a head's share of the output).
    public let hidden: Int
    /// What q·k is multiplied by: 1/√dₕ, or DeBERTa's 1/√(dₕ · scale factor).
    public let scale: Float
    /// (n, dₕ) each: this head's slice of the projected queries, keys and values (biases included).
    public let queries: [Float]
    public let keys: [Float]
    public let values: [Float]
    /// (n, n): the scores as the engine forms them, q·k × scale plus, for
    /// DeBERTa, c2p + p2c (the attention mask not added).
    public let scores: [Float]
    /// DeBERTa's position terms; nil for absolute-position families.
    public let relative: RelativeTerms?
    /// ModernBERT's rotary positions and local window; nil for the other families.
    public var rotary: RotaryTerms? = nil
    /// (n): true for a padding key the attention mask hides; nil when no key is hidden.
    public let maskedKeys: [Bool]?
    /// (n, n): the softmax of each row recomputed here; rowMax and rowSum (n) per row.
    public let probabilities: [Float]
    public let rowMax: [Float]
    public let rowSum: [Float]
    /// (n, n): this head's attention map as the trace holds it.
    public let traceAttention: [Float]
    /// (d, dₕ): this head's columns of the attention output dense weight W_O.
    public let outputProjection: [Float]
    /// (n): ‖Σ_h W_O^h · context_h‖ per query, every head's share summed (the
    /// attention output dense without its bias), from the trace's attention maps.
    public let headsTotalNorms: [Float]
    /// max |recomputed − trace| over the whole head.
    public let maxDifferenceFromTrace: Float

    /// ModernBERT: q and k are rotated by their positions before the dot
    /// product, so qᵢ·kⱼ depends on i − j; local layers also hide keys
    /// farther than `window` from the query.
    public struct RotaryTerms: Sendable, Equatable {
        /// The rotary base θ of this layer (global and local layers have their own).
        public let theta: Double
        /// (n, dₕ) each: this head's queries and keys before the rotation.
        public let queries: [Float], keys: [Float]
        /// Local layers: the keys a query sees are |i − j| ≤ window; nil in a global layer.
        public let window: Int?

        public func outside(query i: Int, key j: Int) -> Bool { window.map { abs(i - j) > $0 } ?? false }
    }

    /// DeBERTa-v2/v3's disentangled position terms of this head, already divided by the shared scale.
    public struct RelativeTerms: Sendable, Equatable {
        public let settings: RelativeAttention
        /// (n, n) each; nil when pos_att_type leaves the term out.
        public let contentToPosition: [Float]?
        public let positionToContent: [Float]?

        /// i − j, the relative distance of query i to key j.
        public func distance(query i: Int, key j: Int) -> Int { i - j }
        /// The bucket that distance falls in (the engine's own rule).
        public func bucket(query i: Int, key j: Int) -> Int { settings.bucket(i - j) }
    }

    /// The head's arithmetic from `trace` (a pass of `encoder` on one
    /// sequence). `attentionMask` is the mask the pass ran with (1 = real,
    /// 0 = padding), nil for none. Throws a one-line error for a layer or head
    /// out of range, a trace that did not keep this layer's attention (lean),
    /// or a trace of another model (other shapes, or queries its weights do
    /// not give).
    public static func compute(
        _ encoder: BertEncoder, _ trace: Trace, layer l: Int, head h: Int, attentionMask: [Int]? = nil,
        attentionScale: Float? = nil
    ) throws -> HeadArithmetic {
        let c = encoder.config, n = trace.tokens, d = c.hiddenSize, H = c.numHeads, L = c.numLayers, dh = c.headDim
        guard (0..<L).contains(l) else { throw EncoderError("layer \(l + 1) is out of range: the model has \(L)") }
        guard (0..<H).contains(h) else {
            throw EncoderError("head \(h + 1) is out of range: layer \(l + 1) has \(H)")
        }
        guard trace.layers == L, trace.heads == H, trace.hidden == d, n > 0,
            trace.hiddenStates.count == (L + 1) * n * d,
            trace.queries.count == trace.attentionLayers.count * n * d, trace.keys.count == trace.queries.count
        else {
            throw EncoderError(
                "the trace is not a pass of this model (\(trace.layers) layers × \(trace.heads) heads × \(trace.hidden), the model \(L) × \(H) × \(d))"
            )
        }
        guard let start = trace.attentionStart(layer: l, head: h), let qs = trace.queryStart(layer: l) else {
            throw EncoderError(
                "layer \(l + 1)'s attention maps are not in the trace (a lean pass kept those of \(trace.keptLayers))")
        }
        if let m = attentionMask, m.count != n {
            throw EncoderError("attention mask has \(m.count) entries for \(n) tokens")
        }
        let maskedKeys = attentionMask.flatMap { m in m.contains(0) ? m.map { $0 == 0 } : nil }
        let w = encoder.weights.layers[l]
        // What attention reads: the layer's input (through attn_norm in ModernBERT).
        let input = encoder.attentionInput(
            Array(trace.hiddenStates[(l * n * d)..<((l + 1) * n * d)]), rows: n, layer: l)
        // Same shapes are not the same model: the first token's query, projected here, must be the trace's
        // (a rotation at position 0 is the identity).
        let first = encoder.linearRows(Array(input[0..<d]), rows: 1, w.query)
        let traced = trace.queries[qs..<(qs + d)]
        let size = max(1, traced.reduce(0) { max($0, abs($1)) })
        guard zip(first, traced).allSatisfy({ abs($0 - $1) <= 1e-3 * size }) else {
            throw EncoderError(
                "the trace is not a pass of this model: layer \(l + 1)'s queries differ from its weights'")
        }

        // This head's slices of q and k (trace), and of v (from the layer's input, as the engine projects it).
        func slice(_ a: [Float], rowStart: Int, stride: Int) -> [Float] {
            var out = [Float](repeating: 0, count: n * dh)
            for i in 0..<n { for k in 0..<dh { out[i * dh + k] = a[rowStart + i * stride + h * dh + k] } }
            return out
        }
        let q = slice(trace.queries, rowStart: qs, stride: d)
        let k = slice(trace.keys, rowStart: qs, stride: d)
        let allValues = encoder.linearRows(input, rows: n, w.value)
        let v = slice(allValues, rowStart: 0, stride: d)
        let rotary = c.modern.map { m in
            RotaryTerms(
                theta: m.theta(l), queries: slice(encoder.linearRows(input, rows: n, w.query), rowStart: 0, stride: d),
                keys: slice(encoder.linearRows(input, rows: n, w.key), rowStart: 0, stride: d),
                window: m.isGlobal(l) ? nil : m.window)
        }

        // Scores: content × scale, plus DeBERTa's terms from scoreParts (its tables and bucket rule).
        let scale: Float
        var relative: RelativeTerms? = nil
        var c2p: [Float]? = nil, p2c: [Float]? = nil
        if let settings = c.relative {
            // The engine's 1/relative.scale: 1/√(dₕ · scale factor), scale factor 1 + one per position term.
            scale = 1 / (Float(dh) * Float(settings.scaleFactor)).squareRoot()
            if settings.contentToPosition { c2p = [Float](repeating: 0, count: n * n) }
            if settings.positionToContent { p2c = [Float](repeating: 0, count: n * n) }
            for i in 0..<n {
                for j in 0..<n {
                    guard let parts = encoder.scoreParts(trace, layer: l, head: h, query: i, key: j) else {
                        throw EncoderError("DeBERTa's score terms are unavailable for layer \(l + 1)")
                    }
                    c2p?[i * n + j] = parts.contentToPosition ?? 0
                    p2c?[i * n + j] = parts.positionToContent ?? 0
                }
            }
            relative = RelativeTerms(settings: settings, contentToPosition: c2p, positionToContent: p2c)
        } else {
            // The scale experiment's factor when one runs: the trace's rows were formed with it.
            scale = attentionScale ?? 1 / Float(dh).squareRoot()
        }
        var scores = [Float](repeating: 0, count: n * n)
        q.withUnsafeBufferPointer { qp in
            k.withUnsafeBufferPointer { kp in
                for i in 0..<n {
                    for j in 0..<n {
                        var s = dot(qp.baseAddress! + i * dh, kp.baseAddress! + j * dh, dh) * scale
                        if c2p != nil || p2c != nil { s += (c2p?[i * n + j] ?? 0) + (p2c?[i * n + j] ?? 0) }
                        scores[i * n + j] = s
                    }
                }
            }
        }

        // The softmax of each row, with the max subtracted; and the trace's map to compare with.
        let deadRows = relative != nil && maskedKeys != nil
        let hidden = { (i: Int, j: Int) in (maskedKeys?[j] ?? false) || (rotary?.outside(query: i, key: j) ?? false) }
        var probabilities = [Float](repeating: 0, count: n * n)
        var rowMax = [Float](repeating: 0, count: n), rowSum = [Float](repeating: 0, count: n)
        let traceAttention = Array(trace.attentions[start..<(start + n * n)])
        var worst: Float = 0
        for i in 0..<n {
            let inputs = (0..<n).map {
                softmaxInput(scores[i * n + $0], query: i, key: $0, hidden: hidden, dead: deadRows && maskedKeys![i])
            }
            let (mx, sum, row) = softmax(inputs)
            rowMax[i] = mx; rowSum[i] = sum
            for j in 0..<n {
                probabilities[i * n + j] = row[j]
                worst = max(worst, abs(row[j] - traceAttention[i * n + j]))
            }
        }

        // W_O's columns for this head, and every head's share summed per query (the trace's maps).
        let wo = w.attentionOutput.weight.pointer
        var projection = [Float](repeating: 0, count: d * dh)
        for o in 0..<d { for t in 0..<dh { projection[o * dh + t] = wo[o * d + h * dh + t] } }
        let totals = headsTotal(encoder.layerContext(trace, layer: l, values: allValues), n: n, d: d, wo: wo)
        return withExtendedLifetime(encoder.weights) {
            var out = HeadArithmetic(
                layer: l, head: h, tokens: n, headDim: dh, hidden: d, scale: scale, queries: q, keys: k, values: v,
                scores: scores, relative: relative, maskedKeys: maskedKeys, probabilities: probabilities,
                rowMax: rowMax, rowSum: rowSum, traceAttention: traceAttention, outputProjection: projection,
                headsTotalNorms: totals, maxDifferenceFromTrace: worst)
            out.rotary = rotary
            return out
        }
    }

    /// The step-by-step numbers of query `i` → key `j`; nil outside 0..<tokens.
    public func cell(query i: Int, key j: Int) -> CellArithmetic? {
        let n = tokens, dh = headDim
        guard (0..<n).contains(i), (0..<n).contains(j) else { return nil }
        let qi = Array(queries[(i * dh)..<((i + 1) * dh)]), kj = Array(keys[(j * dh)..<((j + 1) * dh)])
        let products = zip(qi, kj).map { $0 * $1 }
        var dot: Float = 0
        for p in products { dot += p }
        let relativeCell = relative.map { r in
            CellArithmetic.Relative(
                contentToPosition: r.contentToPosition?[i * n + j], positionToContent: r.positionToContent?[i * n + j],
                distance: r.distance(query: i, key: j), bucket: r.bucket(query: i, key: j))
        }
        let outside = rotary?.outside(query: i, key: j) ?? false
        let masked = (maskedKeys?[j] ?? false) || outside
        let dead = relative != nil && (maskedKeys?[i] ?? false)
        let score = Self.softmaxInput(scores[i * n + j], query: i, key: j, hidden: { _, _ in masked }, dead: dead)
        let rotaryCell = rotary.map { r in
            CellArithmetic.Rotary(
                theta: r.theta, unrotatedDot: Self.dot(r.queries, r.keys, i, j, dh), distance: i - j,
                outsideWindow: outside, window: r.window)
        }
        let row = Array(probabilities[(i * n)..<((i + 1) * n)])
        var context = [Float](repeating: 0, count: dh)
        for (t, a) in row.enumerated() { for x in 0..<dh { context[x] += a * values[t * dh + x] } }
        var contribution = [Float](repeating: 0, count: hidden)
        for o in 0..<hidden {
            var s: Float = 0
            for x in 0..<dh { s += outputProjection[o * dh + x] * context[x] }
            contribution[o] = s
        }
        var worst: Float = 0
        for t in 0..<n { worst = max(worst, abs(row[t] - traceAttention[i * n + t])) }
        return CellArithmetic(
            query: qi, key: kj, products: products, dot: dot, scaled: dot * scale, relative: relativeCell,
            masked: masked, score: score, rowMax: rowMax[i], rowSum: rowSum[i], probability: row[j], row: row,
            context: context, contribution: contribution, contributionNorm: Self.norm(contribution),
            headsTotalNorm: headsTotalNorms[i], maxDifferenceFromTrace: worst, rotary: rotaryCell)
    }

    /// What enters the softmax as the engine adds it: the score plus the
    /// mask's float32 minimum for a hidden key (padding, or outside a local
    /// window); a padding query's row is all zeros on DeBERTa's path (`dead`:
    /// a uniform row, as the engine makes it).
    static func softmaxInput(_ s: Float, query i: Int, key j: Int, hidden: (Int, Int) -> Bool, dead: Bool) -> Float {
        if dead { return 0 }
        return s + (hidden(i, j) ? -Float.greatestFiniteMagnitude : 0)
    }

    /// qᵢ·kⱼ of two (n, dₕ) arrays, in order.
    static func dot(_ q: [Float], _ k: [Float], _ i: Int, _ j: Int, _ dh: Int) -> Float {
        var s: Float = 0
        for t in 0..<dh { s += q[i * dh + t] * k[j * dh + t] }
        return s
    }

    /// (max, Σ exp(x − max), exp(x − max) / Σ) of one row.
    static func softmax(_ x: [Float]) -> (Float, Float, [Float]) {
        let mx = x.max() ?? 0
        let e = x.map { Foundation.exp($0 - mx) }
        var sum: Float = 0
        for v in e { sum += v }
        return (mx, sum, e.map { $0 / sum })
    }

    static func norm(_ a: [Float]) -> Float { Float(a.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()) }

    /// Σ_t a[t]·b[t] in order (the same sum `cell` shows term by term).
    private static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        var s: Float = 0
        for t in 0..<count { s += a[t] * b[t] }
        return s
    }

    /// ‖W_O · context_i‖ per query: every head's share summed, without the bias.
    private static func headsTotal(_ context: [Float], n: Int, d: Int, wo: UnsafePointer<Float>) -> [Float] {
        var out = [Float](repeating: 0, count: n * d)
        bs_linear(context, Int32(n), Int32(d), wo, Int32(d), nil, &out, Int32(d))
        return (0..<n).map { norm(Array(out[($0 * d)..<(($0 + 1) * d)])) }
    }
}

/// The numbers of one cell (query i → key j) of one head, in the order the
/// engine computes them.
public struct CellArithmetic: Sendable, Equatable {
    /// qᵢ, kⱼ and their per-dimension products qᵢ⊙kⱼ (dₕ each).
    public let query: [Float]
    public let key: [Float]
    public let products: [Float]
    /// Σ products, and that × scale.
    public let dot: Float
    public let scaled: Float
    /// DeBERTa's position terms of this cell; nil for absolute-position families.
    public let relative: Relative?
    /// Whether the attention mask (padding, or a local window) hides key j from query i.
    public let masked: Bool
    /// What enters the softmax for (i, j): scaled (+ c2p + p2c) (+ the mask).
    public let score: Float
    /// Row i's max, and Σ_j exp(s − max).
    public let rowMax: Float
    public let rowSum: Float
    /// exp(score − rowMax) / rowSum.
    public let probability: Float
    /// Row i's probabilities as recomputed (n).
    public let row: [Float]
    /// Σ_j α_ij vⱼ (dₕ): the head's context vector for query i.
    public let context: [Float]
    /// W_O^h · context (d): this head's share of the attention output (no bias).
    public let contribution: [Float]
    /// ‖contribution‖, and ‖Σ_h contributions‖ (every head's share, no bias).
    public let contributionNorm: Float
    public let headsTotalNorm: Float
    /// max |recomputed row − the trace's attention row|: the self-check shown to the user.
    public let maxDifferenceFromTrace: Float

    /// c2p and p2c (already scaled; nil when the model leaves a term out), the distance i − j and its bucket.
    public struct Relative: Sendable, Equatable {
        public let contentToPosition: Float?
        public let positionToContent: Float?
        public let distance: Int
        public let bucket: Int
    }

    /// ModernBERT: q̃ᵢ·k̃ⱼ before the rotation (what the content alone
    /// gives; `dot` − this is what the positions add), the distance i − j the
    /// rotated product depends on, and the local window.
    public struct Rotary: Sendable, Equatable {
        public let theta: Double
        public let unrotatedDot: Float
        public let distance: Int
        public let outsideWindow: Bool
        public let window: Int?
    }
    public var rotary: Rotary? = nil
}
