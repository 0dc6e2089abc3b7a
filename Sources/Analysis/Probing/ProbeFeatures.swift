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
    public static func extract(
        _ sentences: [LabeledSentence], encoder: BertEncoder, tokenizer: Tokenizer,
        pooling: Pooling = .first, progress: ((Int) -> Void)? = nil
    ) throws -> (ProbeFeatures, kept: [[Bool]]) {
        let d = encoder.config.hiddenSize, L = encoder.config.numLayers
        var vectors = [[Float]](repeating: [], count: L + 1)
        var kept: [[Bool]] = []
        let ws = encoder.makeWorkspace()
        var trace = Trace()
        for (si, s) in sentences.enumerated() {
            let (text, ranges) = s.text
            let e = tokenizer.encode(text, maxLength: encoder.config.maxTokens)
            try encoder.forward(ids: e.ids, typeIds: e.typeIds, attentionMask: nil, workspace: ws, into: &trace)
            var keep: [Bool] = []
            for r in ranges {
                let pieces = e.typedPositions.filter {
                    e.offsets[$0].start >= r.lowerBound && e.offsets[$0].end <= r.upperBound
                        && e.offsets[$0].end > e.offsets[$0].start
                }
                guard let first = pieces.first else { keep.append(false); continue }
                keep.append(true)
                for l in 0...L {
                    switch pooling {
                    case .first: vectors[l] += trace.hiddenState(layer: l, token: first)
                    case .mean:
                        var acc = [Float](repeating: 0, count: d)
                        for p in pieces {
                            for (k, v) in trace.hiddenState(layer: l, token: p).enumerated() { acc[k] += v }
                        }
                        vectors[l] += acc.map { $0 / Float(pieces.count) }
                    }
                }
            }
            kept.append(keep)
            progress?(si + 1)
        }
        return (ProbeFeatures(layers: L + 1, width: d, vectors: vectors), kept)
    }
}
