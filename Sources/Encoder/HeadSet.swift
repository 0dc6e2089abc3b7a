/// Attention heads to ablate: each one's context vector is zeroed before the
/// attention output projection, and its attention probabilities read as 0 —
/// what transformers' `head_mask` did (its 4.x API; 5.x dropped the argument).
public struct HeadSet: Hashable, Sendable, CustomStringConvertible {
    public struct Head: Hashable, Sendable, Comparable {
        /// 0-based.
        public let layer: Int, head: Int
        public init(layer: Int, head: Int) { self.layer = layer; self.head = head }
        public static func < (a: Head, b: Head) -> Bool { (a.layer, a.head) < (b.layer, b.head) }
    }

    public var heads: Set<Head>
    /// Mean ablation: the head's output is replaced by these (dh values; its
    /// mean context over a reference set) instead of zero.
    public var means: [Head: [Float]] = [:]
    /// Activation patching: the head's output at every row is replaced by
    /// another input's (rows × dh values, that run's context for the head).
    public var patches: [Head: [Float]] = [:]
    /// A teaching experiment: what every head's q·k is multiplied by instead
    /// of the model's 1/√dₕ (1: no scaling), in every pass, forward and
    /// backward. Only for scores that are q·k/√dₕ (not DeBERTa's).
    public var attentionScale: Float?
    public init(_ heads: Set<Head> = [], means: [Head: [Float]] = [:]) { self.heads = heads; self.means = means }

    public var isEmpty: Bool { heads.isEmpty }
    public func contains(layer: Int, head: Int) -> Bool { heads.contains(Head(layer: layer, head: head)) }
    /// Whether a pass zeroes this head's map (plain ablation: a patched or mean-ablated head still attends).
    public func zeroesMap(layer: Int, head: Int) -> Bool {
        let h = Head(layer: layer, head: head)
        return heads.contains(h) && patches[h] == nil && means[h] == nil
    }

    /// Parses "1.2,2.4" (layers and heads numbered from 1, as the workbench
    /// shows them); every number is checked against the model's shape.
    public static func parse(_ text: String, layers: Int, heads: Int) throws -> HeadSet {
        var out = Set<Head>()
        for item in text.split(separator: ",", omittingEmptySubsequences: false).map({
            $0.trimmingCharacters(in: .whitespaces)
        }) {
            let parts = item.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 2, let l = Int(parts[0]), let h = Int(parts[1]) else {
                throw EncoderError("\"\(item)\" is not LAYER.HEAD (e.g. 3.4; several: 1.2,3.4)")
            }
            guard (1...layers).contains(l), (1...heads).contains(h) else {
                throw EncoderError("head \(item) is outside the model (layers 1…\(layers), heads 1…\(heads))")
            }
            out.insert(Head(layer: l - 1, head: h - 1))
        }
        return HeadSet(out)
    }

    /// "1.2, 3.4" (1-based), in order.
    public var description: String { heads.sorted().map { "\($0.layer + 1).\($0.head + 1)" }.joined(separator: ", ") }

    /// Zeroes the ablated heads of `layer` in a context block (rows × d, heads
    /// side by side) and, when given, their probabilities (heads × n × n).
    func apply(
        layer: Int, context: UnsafeMutablePointer<Float>, rows: Int, d: Int, headDim dh: Int,
        probs: UnsafeMutablePointer<Float>?, n: Int
    ) {
        for h in heads where h.layer == layer {
            if let patch = patches[h], patch.count == rows * dh {
                // Patching: the head's output is the other run's, row by row (its probabilities stay).
                patch.withUnsafeBufferPointer { v in
                    for r in 0..<rows {
                        (context + r * d + h.head * dh).update(from: v.baseAddress! + r * dh, count: dh)
                    }
                }
                continue
            }
            if let mean = means[h], mean.count == dh {
                // Mean ablation: the head still attends (its probabilities stay), its output is the reference mean.
                mean.withUnsafeBufferPointer { m in
                    for r in 0..<rows { (context + r * d + h.head * dh).update(from: m.baseAddress!, count: dh) }
                }
                continue
            }
            for r in 0..<rows { (context + r * d + h.head * dh).update(repeating: 0, count: dh) }
            if let probs { (probs + h.head * n * n).update(repeating: 0, count: n * n) }
        }
    }
}

extension BertEncoder {
    /// Every head's mean context vector over all tokens of `sequences`
    /// (the intact model), for mean ablation.
    public func headMeans(_ sequences: [[Int]]) throws -> [HeadSet.Head: [Float]] {
        let L = config.numLayers, H = config.numHeads, d = config.hiddenSize, dh = config.headDim
        var sums = [Double](repeating: 0, count: L * d)
        var count = 0
        let ws = makeWorkspace()
        var trace = Trace()
        for ids in sequences where !ids.isEmpty {
            try forward(
                ids: ids, typeIds: nil, attentionMask: nil, ablate: HeadSet(), workspace: ws, into: &trace,
                isCancelled: nil
            ) { layer, context in
                for r in 0..<ids.count { for c in 0..<d { sums[layer * d + c] += Double(context[r * d + c]) } }
            }
            count += ids.count
        }
        guard count > 0 else { throw EncoderError("mean ablation needs reference sentences") }
        var out: [HeadSet.Head: [Float]] = [:]
        for l in 0..<L {
            for h in 0..<H {
                out[HeadSet.Head(layer: l, head: h)] = (0..<dh).map { Float(sums[l * d + h * dh + $0] / Double(count)) }
            }
        }
        return out
    }
}
