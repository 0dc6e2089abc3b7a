import Encoder
import Foundation
import Tokenizers

/// Per-word vectors of every layer (embeddings = layer 0), for probing.
public struct ProbeFeatures: Sendable {
    public let layers: Int  // L + 1
    public let width: Int  // d
    /// layer → (words, d) row-major
    public var vectors: [[Float]]
    public var count: Int { vectors.first.map { $0.count / max(width, 1) } ?? 0 }

    public enum Pooling: String, Sendable { case first, mean }

    /// Encodes each sentence once and keeps, for every word, its first
    /// piece (or the mean of its pieces) at every layer. Words whose pieces
    /// were truncated away are skipped, and `kept` says which survived.
    /// Sentences of one token length run together as a batch (no padding, so
    /// the numbers are the single-sentence ones); families that cannot batch
    /// run one sentence at a time.
    public static func extract(
        _ sentences: [LabeledSentence], encoder: BertEncoder, tokenizer: Tokenizer,
        pooling: Pooling = .first, progress: ((Int) -> Void)? = nil
    ) throws -> (ProbeFeatures, kept: [[Bool]]) {
        let d = encoder.config.hiddenSize, L = encoder.config.numLayers
        let encodings = sentences.map { tokenizer.encode($0.text.0, maxLength: encoder.config.maxTokens) }
        // Which pieces make each kept word, and where its rows go: known before any forward pass,
        // so batches (in length order) write straight into place.
        var words = [[[Int]]](repeating: [], count: sentences.count)
        var kept = [[Bool]](repeating: [], count: sentences.count)
        var offset = [Int](repeating: 0, count: sentences.count + 1)
        for (si, s) in sentences.enumerated() {
            let e = encodings[si]
            for r in s.text.1 {
                let pieces = e.typedPositions.filter {
                    e.offsets[$0].start >= r.lowerBound && e.offsets[$0].end <= r.upperBound
                        && e.offsets[$0].end > e.offsets[$0].start
                }
                kept[si].append(!pieces.isEmpty)
                if !pieces.isEmpty { words[si].append(pieces) }
            }
            offset[si + 1] = offset[si] + words[si].count
        }
        var vectors = [[Float]](repeating: [Float](repeating: 0, count: offset[sentences.count] * d), count: L + 1)
        let ws = encoder.makeWorkspace()
        var done = 0
        func collect(_ si: Int, _ state: (_ layer: Int, _ token: Int) -> ArraySlice<Float>) {
            for (k, pieces) in words[si].enumerated() {
                let at = (offset[si] + k) * d
                for l in 0...L {
                    vectors[l].withUnsafeMutableBufferPointer { v in
                        switch pooling {
                        case .first: for (c, x) in state(l, pieces[0]).enumerated() { v[at + c] = x }
                        case .mean:
                            for p in pieces { for (c, x) in state(l, p).enumerated() { v[at + c] += x } }
                            for c in 0..<d { v[at + c] /= Float(pieces.count) }
                        }
                    }
                }
            }
            done += 1
            progress?(done)
        }
        if encoder.supportsBatches {
            // About 2,048 rows per batch: big enough to keep the GEMMs busy, small enough for the cache.
            let byLength = Dictionary(grouping: sentences.indices) { encodings[$0].count }
            var out: [Float] = []
            for (n, members) in byLength.sorted(by: { $0.key < $1.key }) {
                let per = max(1, 2048 / max(1, n))
                for start in stride(from: 0, to: members.count, by: per) {
                    let chunk = Array(members[start..<min(members.count, start + per)])
                    try encoder.hiddenStates(
                        batch: chunk.map { encodings[$0].ids }, typeIds: encodings[chunk[0]].typeIds, workspace: ws,
                        into: &out)
                    let rows = chunk.count * n
                    for (b, si) in chunk.enumerated() {
                        collect(si) { l, t in
                            let at = (l * rows + b * n + t) * d
                            return out[at..<(at + d)]
                        }
                    }
                }
            }
        } else {
            var trace = Trace()
            for si in sentences.indices {
                let e = encodings[si]
                try encoder.forward(ids: e.ids, typeIds: e.typeIds, attentionMask: nil, workspace: ws, into: &trace)
                collect(si) { l, t in trace.hiddenState(layer: l, token: t) }
            }
        }
        return (ProbeFeatures(layers: L + 1, width: d, vectors: vectors), kept)
    }
}
