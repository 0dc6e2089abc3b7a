import Encoder
import Foundation

/// ModernBERT's two kinds of layer timed apart (#30): a local layer's
/// attention costs O(n·window), a global one's O(n²), so at long inputs their
/// times part. Each layer's time runs from the previous layer's context to
/// its own: its Q/K/V and attention and the previous layer's output
/// projection and MLP, which every layer has alike.
struct BenchLayerTimes: Encodable {
    let localMs: Double, globalMs: Double, localLayers: Int, globalLayers: Int

    /// The median over `runs` passes of each kind's mean layer time; nil for a model without local layers.
    static func measure(_ encoder: BertEncoder, ids: [Int], runs: Int, keep: Range<Int>?) throws -> BenchLayerTimes? {
        guard let m = encoder.config.modern, m.globalLayers.contains(false), m.globalLayers.contains(true) else {
            return nil
        }
        let L = encoder.config.numLayers, ws = encoder.makeWorkspace()
        var trace = Trace(), local: [Double] = [], global: [Double] = []
        for _ in 0..<max(1, runs) {
            var stamps = [UInt64](repeating: 0, count: L)
            let start = DispatchTime.now().uptimeNanoseconds
            try encoder.forward(
                ids: ids, typeIds: nil, attentionMask: nil, ablate: HeadSet(), workspace: ws, into: &trace,
                isCancelled: nil, observe: { l, _ in stamps[l] = DispatchTime.now().uptimeNanoseconds },
                keepAttention: keep)
            // Layer 1 has no previous layer: it is timed from the pass's start (the embeddings are cheap).
            let spans = (0..<L).map { Double(stamps[$0] - ($0 == 0 ? start : stamps[$0 - 1])) / 1e6 }
            func mean(_ global: Bool) -> Double {
                let s = (0..<L).filter { m.isGlobal($0) == global }.map { spans[$0] }
                return s.reduce(0, +) / Double(s.count)
            }
            local.append(mean(false))
            global.append(mean(true))
        }
        func median(_ a: [Double]) -> Double { a.sorted()[a.count / 2] }
        return BenchLayerTimes(
            localMs: median(local), globalMs: median(global), localLayers: m.globalLayers.filter { !$0 }.count,
            globalLayers: m.globalLayers.filter { $0 }.count)
    }

    var line: String {
        String(
            format: "layers   local %.1f ms each (%d, O(n·window)), global %.1f ms each (%d, O(n²))", localMs,
            localLayers, globalMs, globalLayers)
    }
}
