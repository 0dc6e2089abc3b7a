import CKernels
import Checkpoint
import Encoder
import Foundation

/// Context mixing beyond raw attention weights, per layer, queries × keys:
/// - norm-based attention (Kobayashi et al. 2020): ‖α_h,ij f_h(x_j)‖ per head,
///   with f_h(x) = (x W_V^h + b_V^h) W_O^h the value vector through the head's
///   slice of the output projection, and ‖Σ_h α_h,ij f_h(x_j)‖ for the layer;
/// - with the residual and LayerNorm (Kobayashi et al. 2021): z_ij =
///   Σ_h α_h,ij f_h(x_j) + δ_ij x_i, then LayerNorm's linear part taken
///   per term, ‖γ ⊙ (z_ij − mean(z_ij)) / s(y_i)‖ with s(y_i) the standard
///   deviation LayerNorm divides y_i = Σ_j z_ij + b_O by (biases are not attributed).
/// ModernBERT (pre-LN): x_j enters the values through attn_norm, the residual
/// is x_i itself, and the LayerNorm is mlp_norm, the one the FFN reads y_i through.
public struct ContextMixing: Sendable, Equatable {
    /// (H, n, n).
    public var normPerHead: [Float]
    /// (n, n).
    public var norm: [Float]
    /// (n, n).
    public var normResidualLN: [Float]
    /// (n, n): value zeroing (Mohebbi et al. 2023), when asked for (n more layer passes).
    public var valueZeroing: [Float]? = nil

    public static func compute(_ encoder: BertEncoder, _ trace: Trace, layer l: Int, valueZeroing: Bool = false)
        -> ContextMixing
    {
        let c = encoder.config, n = trace.tokens, d = c.hiddenSize, H = c.numHeads, dh = c.headDim
        let w = encoder.weights.layers[l]
        let x = Array(trace.hiddenStates[(l * n * d)..<((l + 1) * n * d)])
        let values = encoder.linearRows(encoder.attentionInput(x, rows: n, layer: l), rows: n, w.value)
        // f_h(x_j) for every head and token: (H, n, d).
        var f = [Float](repeating: 0, count: H * n * d)
        let wo = w.attentionOutput.weight.pointer
        for h in 0..<H {
            for j in 0..<n {
                for o in 0..<d {
                    var s: Float = 0
                    for k in 0..<dh { s += values[j * d + h * dh + k] * wo[o * d + h * dh + k] }
                    f[(h * n + j) * d + o] = s
                }
            }
        }
        var perHead = [Float](repeating: 0, count: H * n * n)
        var norm = [Float](repeating: 0, count: n * n), resLN = [Float](repeating: 0, count: n * n)
        let gamma = w.attentionNorm.weight.pointer, bias = w.attentionOutput.bias?.pointer
        for h in 0..<H {
            for j in 0..<n {
                let fn = vectorNorm(f, (h * n + j) * d, d)
                for i in 0..<n {
                    perHead[(h * n + i) * n + j] = trace.attention(layer: l, head: h, row: i, column: j) * fn
                }
            }
        }
        var z = [Double](repeating: 0, count: n * d)
        for i in 0..<n {
            // z_ij for every j, and y_i = Σ_j z_ij + b_O.
            var y = [Double](repeating: 0, count: d)
            for j in 0..<n {
                for o in 0..<d {
                    var s = 0.0
                    for h in 0..<H {
                        s +=
                            Double(trace.attention(layer: l, head: h, row: i, column: j))
                            * Double(f[(h * n + j) * d + o])
                    }
                    z[j * d + o] = s
                }
                norm[i * n + j] = Float(z[(j * d)..<((j + 1) * d)].reduce(0) { $0 + $1 * $1 }.squareRoot())
                if j == i { for o in 0..<d { z[j * d + o] += Double(x[i * d + o]) } }
                for o in 0..<d { y[o] += z[j * d + o] }
            }
            if let bias { for o in 0..<d { y[o] += Double(bias[o]) } }
            let mean = y.reduce(0, +) / Double(d)
            let variance = y.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(d)
            let s = (variance + Double(c.layerNormEps)).squareRoot()
            for j in 0..<n {
                let row = z[(j * d)..<((j + 1) * d)], m = row.reduce(0, +) / Double(d)
                var total = 0.0
                for (o, v) in row.enumerated() {
                    let g = Double(gamma[o]) * (v - m) / s
                    total += g * g
                }
                resLN[i * n + j] = Float(total.squareRoot())
            }
        }
        let zeroing = valueZeroing ? try? encoder.valueZeroing(trace, layer: l) : nil
        return withExtendedLifetime(encoder.weights) {
            ContextMixing(normPerHead: perHead, norm: norm, normResidualLN: resLN, valueZeroing: zeroing)
        }
    }

    private static func vectorNorm(_ a: [Float], _ start: Int, _ count: Int) -> Float {
        var s = 0.0
        for k in start..<(start + count) { s += Double(a[k]) * Double(a[k]) }
        return Float(s.squareRoot())
    }
}
