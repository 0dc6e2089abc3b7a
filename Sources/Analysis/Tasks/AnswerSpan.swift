import Foundation
import Tokenizers

/// The answer a question-answering head gives: a span of context tokens.
public struct AnswerSpan: Sendable, Equatable {
    public let startToken, endToken: Int
    /// Character (Unicode scalar) offsets into the context, end exclusive.
    public let start, end: Int
    public let text: String
    /// P(start) · P(end).
    public let score: Float
    /// Per-token start and end probabilities (0 outside the context).
    public let startProbabilities, endProbabilities: [Float]
}

public enum AnswerDecoder {
    /// At most this many tokens in an answer.
    public static let defaultMaxLength = 30

    /// The best span inside the context (sequence 1 of the pair), as
    /// transformers' question-answering pipeline decodes it: tokens outside
    /// the context get −10000 except the first ([CLS], which may take
    /// probability but never starts or ends an answer), softmax over the
    /// sequence, then the span maximizing P(start)·P(end) with start ≤ end
    /// and at most `maxLength` tokens; ties go to the earliest start.
    public static func best(
        start: [Float], end: [Float], encoding e: Encoding, context: String, maxLength: Int = defaultMaxLength
    ) -> AnswerSpan? {
        let n = min(start.count, end.count, e.count)
        let allowed = (0..<n).map { e.sequenceIds[$0] == 1 && !e.isSpecial($0) }
        guard n > 0, allowed.contains(true), maxLength >= 1 else { return nil }
        let ps = probabilities(start, allowed, n), pe = probabilities(end, allowed, n)
        var best: (Int, Int, Float)? = nil
        for s in 0..<n where allowed[s] {
            for t in s..<min(n, s + maxLength) where allowed[t] {
                let score = ps[s] * pe[t]
                if best == nil || score > best!.2 { best = (s, t, score) }
            }
        }
        guard let (s, t, score) = best else { return nil }
        let scalars = Array(context.unicodeScalars)
        let c0 = min(max(0, e.offsets[s].start), scalars.count)
        let c1 = min(max(c0, e.offsets[t].end), scalars.count)
        var text = String.UnicodeScalarView()
        text.append(contentsOf: scalars[c0..<c1])
        return AnswerSpan(
            startToken: s, endToken: t, start: c0, end: c1, text: String(text), score: score,
            startProbabilities: ps, endProbabilities: pe)
    }

    /// Softmax with disallowed tokens at −10000 (the first token kept in the
    /// normalization), then the first token's probability zeroed.
    static func probabilities(_ logits: [Float], _ allowed: [Bool], _ n: Int) -> [Float] {
        let masked = (0..<n).map { allowed[$0] || $0 == 0 ? Double(logits[$0]) : -10000 }
        let m = masked.max() ?? 0
        let e = masked.map { exp($0 - m) }
        let sum = e.reduce(0, +)
        var p = e.map { Float($0 / sum) }
        if !allowed[0] { p[0] = 0 }
        return p
    }
}
