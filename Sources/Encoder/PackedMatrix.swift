import CKernels
import Checkpoint

/// A Linear layer's weights rearranged once, at load, into the panel layout
/// the GEMM kernel streams (`bs_pack`), with several Linears stacked into one
/// (Q, K and V become a single GEMM). Forward passes never re-layout weights.
final class PackedMatrix: @unchecked Sendable {
    let outFeatures: Int
    let inFeatures: Int
    let data: UnsafeMutablePointer<Float>
    let bias: UnsafeMutablePointer<Float>?

    /// Stacks `linears` (all with the same input size) along their outputs.
    init(_ linears: [BertWeights.Linear]) {
        let k = linears[0].inFeatures
        let n = linears.reduce(0) { $0 + $1.outFeatures }
        outFeatures = n
        inFeatures = k
        let stacked = UnsafeMutablePointer<Float>.allocate(capacity: n * k)
        defer { stacked.deallocate() }
        var row = 0
        for l in linears {
            stacked.advanced(by: row * k).update(from: l.weight.pointer, count: l.outFeatures * k)
            row += l.outFeatures
        }
        data = .allocate(capacity: bs_packed_size(Int32(n), Int32(k)))
        bs_pack(stacked, Int32(n), Int32(k), data)
        if linears.contains(where: { $0.bias != nil }) {
            let b = UnsafeMutablePointer<Float>.allocate(capacity: n)
            var at = 0
            for l in linears {
                if let lb = l.bias {
                    b.advanced(by: at).update(from: lb.pointer, count: l.outFeatures)
                } else {
                    b.advanced(by: at).update(repeating: 0, count: l.outFeatures)
                }
                at += l.outFeatures
            }
            bias = b
        } else {
            bias = nil
        }
    }

    /// Packs a row-major (outFeatures × inFeatures) matrix, no bias.
    init(packing w: UnsafePointer<Float>, outFeatures n: Int, inFeatures k: Int) {
        outFeatures = n
        inFeatures = k
        data = .allocate(capacity: bs_packed_size(Int32(n), Int32(k)))
        bs_pack(w, Int32(n), Int32(k), data)
        bias = nil
    }

    deinit {
        data.deallocate()
        bias?.deallocate()
    }

    /// y (m, ld)[:, 0:outFeatures] = x (m, inFeatures) · Wᵀ + b
    func apply(
        _ x: UnsafePointer<Float>, rows m: Int, into y: UnsafeMutablePointer<Float>, ld: Int,
        activation: Activation? = nil
    ) {
        bs_linear_packed(
            x, Int32(m), Int32(inFeatures), data, Int32(outFeatures), bias, y, Int32(ld), activation?.kernelCode ?? 0)
    }
}

/// One encoder layer's packed weights.
struct PackedLayer: Sendable {
    let qkv: PackedMatrix
    let attentionOutput: PackedMatrix
    let intermediate: PackedMatrix
    let output: PackedMatrix

    /// Packs the layer's four products; the mapped originals' pages are then
    /// released (the forward reads only the packed copies; the backward and
    /// the mixing measures fault them in again from the page cache).
    init(_ w: BertWeights.Layer) {
        qkv = PackedMatrix([w.query, w.key, w.value])
        attentionOutput = PackedMatrix([w.attentionOutput])
        intermediate = PackedMatrix([w.intermediate])
        output = PackedMatrix([w.output])
        for linear in [w.query, w.key, w.value, w.attentionOutput, w.intermediate, w.output] {
            linear.weight.releaseResidentPages()
        }
    }
}

extension Activation {
    /// The epilogue code the packed GEMM applies.
    var kernelCode: Int32 {
        switch self {
        case .gelu: return Int32(BS_ACT_GELU)
        case .geluTanh: return Int32(BS_ACT_GELU_TANH)
        case .relu: return Int32(BS_ACT_RELU)
        case .silu: return Int32(BS_ACT_SILU)
        }
    }
}
