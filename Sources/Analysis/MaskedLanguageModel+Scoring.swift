import Encoder
import Foundation
import Tokenizers

/// A candidate word scored at a mask.
public struct TargetScore: Sendable, Equatable {
    public let word: String
    public let pieces: [String]
    /// Product of per-piece probabilities; for several pieces the mask is
    /// widened to one [MASK] per piece and filled left to right.
    public let probability: Float
    public let pieceProbabilities: [Float]
}

/// One step of an iterative fill.
public struct FillStep: Sendable, Equatable {
    public let position: Int
    public let token: String
    public let probability: Float
}

/// The logit lens at one position: the head applied to every layer's state.
public struct LensRow: Sendable, Equatable {
    public let layer: Int
    public let top: [TokenProbability]
    /// Rank (1-based) and probability of the final layer's answer at this layer.
    public let finalRank: Int
    public let finalProbability: Float
}

extension MaskedLanguageModel {
    /// Scores `word` at the mask at `position` of `e`.
    public func score(word: String, at position: Int, in e: Encoding) throws -> TargetScore {
        let pieces = tokenizer.tokenize(word).map(\.id)
        guard !pieces.isEmpty else { throw EncoderError("\"\(word)\" has no tokens") }
        var ids = e.ids, types = e.typeIds
        ids.replaceSubrange(position...position, with: Array(repeating: maskId, count: pieces.count))
        types.replaceSubrange(position...position, with: Array(repeating: types[position], count: pieces.count))
        var probs: [Float] = []
        for (k, piece) in pieces.enumerated() {
            let trace = try forward(ids, types)
            let p = try distributions(trace, positions: [position + k])[0][piece]
            probs.append(p)
            ids[position + k] = piece
        }
        return TargetScore(
            word: word, pieces: pieces.map { tokenizer.token(for: $0) ?? "?" },
            probability: probs.reduce(1, *), pieceProbabilities: probs)
    }

    /// Pseudo-log-likelihood (Salazar et al. 2020): each non-special token
    /// masked in turn and scored; returns (sum of natural logs, per token).
    /// `progress(done, total)` is called as passes finish (n passes of n tokens:
    /// minutes on long texts). Short sentences run several masked copies per
    /// pass (batches of about 256 rows), so the kernels are not starved; no
    /// pass keeps a trace (DeBERTa, which has no batched path, excepted).
    public func pseudoLogLikelihood(_ e: Encoding, progress: ((Int, Int) -> Void)? = nil) throws -> (
        total: Double, perToken: [(position: Int, logProbability: Double)]
    ) {
        var out: [(Int, Double)] = []
        let positions = e.typedPositions
        let ws = encoder.makeWorkspace()
        let n = e.ids.count, d = encoder.config.hiddenSize
        let perBatch = encoder.supportsBatches ? max(1, 256 / max(1, n)) : 1
        var hidden: [Float] = []
        var trace = Trace()
        for start in stride(from: 0, to: positions.count, by: perBatch) {
            let chunk = Array(positions[start..<min(positions.count, start + perBatch)])
            let batch = chunk.map { i -> [Int] in
                var ids = e.ids; ids[i] = maskId; return ids
            }
            var rows: [Float] = []
            if encoder.supportsBatches {
                // No attention maps kept: only the last hidden state is read.
                try encoder.lastHidden(batch: batch, typeIds: e.typeIds, ablate: ablation, workspace: ws, into: &hidden)
                for (s, i) in chunk.enumerated() { rows += hidden[((s * n + i) * d)..<((s * n + i + 1) * d)] }
            } else {
                try encoder.forward(
                    ids: batch[0], typeIds: e.typeIds, attentionMask: nil, ablate: ablation, workspace: ws, into: &trace
                )
                rows = Array(trace.hiddenState(layer: trace.layers, token: chunk[0]))
            }
            let logits = try encoder.maskedLMLogits(hidden: rows, rows: chunk.count)
            let v = logits.count / chunk.count
            for (s, i) in chunk.enumerated() {
                let p = softmax(logits[(s * v)..<((s + 1) * v)])[e.ids[i]]
                out.append((i, log(Double(max(p, 1e-30)))))
            }
            progress?(out.count, positions.count)
        }
        return (out.reduce(0) { $0 + $1.1 }, out.map { (position: $0.0, logProbability: $0.1) })
    }

    /// The MLM head on every layer's hidden state at `position`.
    public func logitLens(_ trace: Trace, position: Int, k: Int) throws -> [LensRow] {
        let final = try distributions(trace, positions: [position])[0]
        let answer = final.indices.max { final[$0] < final[$1] }!
        return try (0...trace.layers).map { layer in
            let p = try distributions(trace, positions: [position], layer: layer)[0]
            let rank = 1 + p.filter { $0 > p[answer] }.count
            return LensRow(layer: layer, top: top(p, k: k), finalRank: rank, finalProbability: p[answer])
        }
    }

    public enum FillOrder: String, Sendable, CaseIterable {
        case leftToRight = "left-to-right", mostConfident = "most-confident"
    }

    /// Fills every [MASK] one at a time with the argmax, re-encoding after each.
    public func iterativeFill(_ e: Encoding, order: FillOrder) throws -> [FillStep] {
        var ids = e.ids
        var steps: [FillStep] = []
        while true {
            let masks = ids.indices.filter { ids[$0] == maskId }
            guard !masks.isEmpty else { return steps }
            let dists = try distributions(try forward(ids, e.typeIds), positions: masks)
            let bests = dists.map { d in d.indices.max { d[$0] < d[$1] }! }
            let pick = order == .leftToRight ? 0 : masks.indices.max { dists[$0][bests[$0]] < dists[$1][bests[$1]] }!
            ids[masks[pick]] = bests[pick]
            steps.append(
                FillStep(
                    position: masks[pick], token: tokenizer.token(for: bests[pick]) ?? "?",
                    probability: dists[pick][bests[pick]]))
        }
    }
}
