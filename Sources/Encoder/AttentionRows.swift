import CKernels

/// One layer's attention inputs rebuilt from the layer's input in a trace:
/// the fused q, k, v (ModernBERT's q and k rotated), DeBERTa's position
/// terms, the scale and window. Any band of that layer's maps is scored
/// from it on demand, so a long input's map is read a band at a time and
/// never held (H, n, n) at once.
public struct LayerProjection: Sendable {
    public let layer: Int, tokens: Int, heads: Int, headDim: Int
    /// (n, 3d), as the layer's attention kernel read it.
    let qkv: [Float]
    /// DeBERTa's (H, n, n) position terms, added after scaling; nil for the other families.
    let bias: [Float]?
    let scale: Float
    /// A ModernBERT local layer's reach: keys |i − j| ≤ window.
    public let window: Int?
    /// Heads whose maps the pass zeroed (plain ablation).
    let zeroed: Set<Int>

    public var approximateBytes: Int { (qkv.count + (bias?.count ?? 0)) * MemoryLayout<Float>.stride }

    /// Head `head`'s probabilities for query rows `rows` (clamped to the
    /// tokens): (rows.count, n), each row as the kernel's softmax made it.
    public func rows(_ rows: Range<Int>, head: Int) -> [Float] {
        let r = rows.clamped(to: 0..<tokens), n = tokens
        guard (0..<heads).contains(head), !r.isEmpty else { return [] }
        var out = [Float](repeating: 0, count: r.count * n)
        if zeroed.contains(head) { return out }
        let d = heads * headDim, dh = headDim
        var q = [Float](repeating: 0, count: r.count * dh), k = [Float](repeating: 0, count: n * dh)
        qkv.withUnsafeBufferPointer { src in
            for (i, row) in r.enumerated() {
                q.withUnsafeMutableBufferPointer {
                    $0.baseAddress!.advanced(by: i * dh).update(
                        from: src.baseAddress! + row * 3 * d + head * dh, count: dh)
                }
            }
            k.withUnsafeMutableBufferPointer { kb in
                for j in 0..<n {
                    kb.baseAddress!.advanced(by: j * dh).update(
                        from: src.baseAddress! + j * 3 * d + d + head * dh, count: dh)
                }
            }
        }
        out.withUnsafeMutableBufferPointer { o in
            bs_linear(q, Int32(r.count), Int32(dh), k, Int32(n), nil, o.baseAddress!, Int32(n))
            for (i, row) in r.enumerated() { softmax(o.baseAddress! + i * n, query: row, head: head) }
        }
        return out
    }

    /// The mean over heads of rows `rows` (the "mean" view: zeroed heads count as zeros).
    public func meanRows(_ rows: Range<Int>) -> [Float] {
        var sum = [Float](repeating: 0, count: rows.clamped(to: 0..<tokens).count * tokens)
        for h in 0..<heads {
            let part = self.rows(rows, head: h)
            for i in part.indices { sum[i] += part[i] }
        }
        let inv = 1 / Float(heads)
        return sum.map { $0 * inv }
    }

    /// One row of raw q·k products into probabilities: scaled, DeBERTa's
    /// terms added, keys outside a local window left at 0.
    private func softmax(_ row: UnsafeMutablePointer<Float>, query i: Int, head: Int) {
        let n = tokens
        let lo = window.map { max(0, i - $0) } ?? 0, hi = window.map { min(n, i + $0 + 1) } ?? n
        for j in lo..<hi { row[j] *= scale }
        if let bias {
            let b = (head * n + i) * n
            for j in lo..<hi { row[j] += bias[b + j] }
        }
        var top = -Float.infinity
        for j in lo..<hi { top = max(top, row[j]) }
        let sum = bs_exp_shifted_sum(row + lo, Int32(hi - lo), top)
        let inv = 1 / sum
        for j in lo..<hi { row[j] *= inv }
        if lo > 0 { row.update(repeating: 0, count: lo) }
        if hi < n { (row + hi).update(repeating: 0, count: n - hi) }
    }
}

extension BertEncoder {
    /// Layer `layer`'s attention inputs, recomputed from its input in `trace`
    /// (a single unpadded sequence, as the workbench encodes). `ablate` names the
    /// heads whose maps the pass zeroed and the scale experiment.
    public func projection(_ trace: Trace, layer l: Int, ablate: HeadSet = HeadSet()) throws -> LayerProjection {
        let n = trace.tokens, d = config.hiddenSize, H = config.numHeads, dh = config.headDim
        guard (0..<config.numLayers).contains(l), trace.hidden == d, n > 0,
            trace.hiddenStates.count >= (l + 1) * n * d
        else { throw EncoderError("layer \(l + 1) has no input in this trace") }
        if relative != nil {
            let bytes = Double(H) * Double(n) * Double(n) * 4
            guard bytes <= 256 * 1_048_576 else {
                throw EncoderError("DeBERTa's position terms at \(n) tokens would take \(Int(bytes / 1_048_576)) MB")
            }
        }
        let input = attentionInput(Array(trace.hiddenStates[(l * n * d)..<((l + 1) * n * d)]), rows: n, layer: l)
        var qkv = [Float](repeating: 0, count: n * 3 * d)
        var bias: [Float]? = nil
        let scale: Float
        qkv.withUnsafeMutableBufferPointer { b in
            input.withUnsafeBufferPointer {
                packed[l].qkv.apply($0.baseAddress!, rows: n, into: b.baseAddress!, ld: 3 * d)
            }
            if let m = config.modern, let rotary {
                rotary.rotate(b.baseAddress!, n: n, d: d, heads: H, theta: m.theta(l))
            }
        }
        if let relative {
            var terms = [Float](repeating: 0, count: H * n * n)
            qkv.withUnsafeBufferPointer { q in
                terms.withUnsafeMutableBufferPointer {
                    relative.bias(layer: l, qkv: q.baseAddress!, n: n, config: config, into: $0.baseAddress!)
                }
            }
            bias = terms
            scale = 1 / relative.scale
        } else {
            scale = ablate.attentionScale ?? 1 / Float(dh).squareRoot()
        }
        let window = config.modern.flatMap { $0.isGlobal(l) ? nil : $0.window }
        return withExtendedLifetime(weights) {
            LayerProjection(
                layer: l, tokens: n, heads: H, headDim: dh, qkv: qkv, bias: bias, scale: scale, window: window,
                zeroed: Set((0..<H).filter { ablate.zeroesMap(layer: l, head: $0) }))
        }
    }
}

extension LayerProjection {
    /// The threads the kernels were given (`bs_set_threads`): band work splits the same way.
    public static var threads: Int { Int(bs_threads()) }
}
