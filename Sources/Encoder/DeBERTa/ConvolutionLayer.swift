import Foundation
import CKernels
import Checkpoint

/// DeBERTa-v2's ConvLayer (v2-xlarge / xxlarge): after the first layer,
/// LayerNorm(layer output + act(Conv1d(embedding output))), padded rows
/// zeroed. The kernel's taps are re-laid out once at load as k (d, d)
/// matrices so the convolution is k GEMMs over shifted rows.
final class ConvolutionTables: Sendable {
    let taps: [[Float]]  // taps[t] (d_out, d_in) = weight[:, :, t]
    let settings: ConvolutionSettings

    init(weight: Tensor, settings: ConvolutionSettings, hidden d: Int) {
        let k = settings.kernelSize, w = weight.pointer
        taps = (0..<k).map { t in
            var m = [Float](repeating: 0, count: d * d)
            for o in 0..<d { for c in 0..<d { m[o * d + c] = w[(o * d + c) * k + t] } }
            return m
        }
        self.settings = settings
    }
}

extension BertEncoder {
    /// out (n, d) holds the first layer's output and receives the ConvLayer's;
    /// input (n, d) is the embedding output. Uses ws.context / ws.attended as scratch.
    func applyConvolution(
        _ tables: ConvolutionTables, input: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>,
        n: Int, mask: [Int]?, ws: Workspace
    ) {
        guard let (conv, norm) = weights.convolution else { return }
        let d = config.hiddenSize, k = tables.settings.kernelSize, pad = (k - 1) / 2
        let acc = ws.attended, tap = ws.context
        for i in 0..<n { (acc + i * d).update(from: conv.bias!.pointer, count: d) }
        for (t, w) in tables.taps.enumerated() {
            // Output row i reads input row i + t − pad; rows outside [0, n) are zeros.
            let lo = max(0, pad - t), hi = min(n, n + pad - t)
            guard lo < hi else { continue }
            w.withUnsafeBufferPointer { wp in
                bs_linear(
                    input + (lo + t - pad) * d, Int32(hi - lo), Int32(d), wp.baseAddress!, Int32(d), nil, tap, Int32(d))
            }
            for i in lo..<hi { for c in 0..<d { acc[i * d + c] += tap[(i - lo) * d + c] } }
        }
        if let mask { for (i, m) in mask.enumerated() where m == 0 { (acc + i * d).update(repeating: 0, count: d) } }
        if let act = tables.settings.activation {
            apply(act, acc, count: n * d)
        } else {
            for x in 0..<(n * d) { acc[x] = tanhf(acc[x]) }
        }
        bs_add_layernorm(acc, out, out, Int32(n), Int32(d), norm.weight.pointer, norm.bias.pointer, config.layerNormEps)
        if let mask { for (i, m) in mask.enumerated() where m == 0 { (out + i * d).update(repeating: 0, count: d) } }
    }
}
