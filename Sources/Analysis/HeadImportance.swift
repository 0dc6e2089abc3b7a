import Encoder
import Tokenizers
import Foundation

/// Michel et al. (2019)-style head importance for one prediction: the change
/// in the target's log-probability when each head alone is ablated (on top
/// of any heads already off). Negative = the head helped the prediction.
public struct HeadImportance: Sendable, Equatable {
    /// What is explained: the token predicted at `position`.
    public let position: Int
    public let target: Int
    public let targetToken: String
    /// log p(target) with only the already-ablated heads off.
    public let baseLogProbability: Float
    /// `deltas[layer * heads + head]` = log p(target | head off) − base.
    public let deltas: [Float]
    public let layers: Int, heads: Int
    /// True when the target is a sequence classifier's class (`targetToken` its label), not a masked token.
    public var isClass = false
    /// True when the target is the next-sentence head's verdict on the pair.
    public var isNextSentence = false

    public init(
        position: Int, target: Int, targetToken: String, baseLogProbability: Float, deltas: [Float], layers: Int,
        heads: Int
    ) {
        self.position = position; self.target = target; self.targetToken = targetToken
        self.baseLogProbability = baseLogProbability; self.deltas = deltas; self.layers = layers; self.heads = heads
    }

    public func delta(layer: Int, head: Int) -> Float { deltas[layer * heads + head] }

    /// The same for a sequence classifier's class `label`: log p(label) from the task head.
    public static func compute(
        _ task: TaskModel, _ e: Encoding, label: Int, isCancelled: () -> Bool = { false },
        progress: (Int, Int) -> Void = { _, _ in }
    ) throws -> HeadImportance? {
        let enc = task.encoder, n = e.count
        let logP = { (last: [Float]) throws -> Float in
            guard
                case .sequence(let logits) = try last.withUnsafeBufferPointer({
                    try enc.taskLogits(lastHidden: $0.baseAddress!, tokens: n)
                })
            else { throw EncoderError("head importance of a class needs a sequence classifier") }
            return log(max(LabelScores.sequence(logits, task.task)[label].score, 1e-30))
        }
        guard
            let (base, deltas) = try headDeltas(
                enc, e, ablation: task.ablation, isCancelled: isCancelled, progress: progress,
                readout: { [try logP($0)] }, score: { values, _ in values })
        else { return nil }
        var out = HeadImportance(
            position: 0, target: label, targetToken: task.task.labels[label], baseLogProbability: base, deltas: deltas,
            layers: enc.config.numLayers, heads: enc.config.numHeads)
        out.isClass = true
        return out
    }

    /// The same for BERT's next-sentence head on a pair: log p of its verdict
    /// (`target` 0 = B follows A, 1 = B is random).
    public static func compute(
        nextSentence enc: BertEncoder, _ e: Encoding, ablation: HeadSet, labels: (String, String),
        isCancelled: () -> Bool = { false }, progress: (Int, Int) -> Void = { _, _ in }
    ) throws -> HeadImportance? {
        let d = enc.config.hiddenSize
        let logP = { (last: [Float]) throws -> [Float] in
            softmax(try enc.nextSentenceLogits(cls: Array(last[0..<d]))[...]).map { log(max($0, 1e-30)) }
        }
        // Each pass keeps both log-probabilities; the base pass (the first row) decides the verdict,
        // so no separate forward is needed to find it.
        var verdict = 0
        guard
            let (base, deltas) = try headDeltas(
                enc, e, ablation: ablation, isCancelled: isCancelled, progress: progress, readout: logP,
                score: { values, rows in
                    verdict = values[1] > values[0] ? 1 : 0
                    return (0..<rows).map { values[$0 * 2 + verdict] }
                })
        else { return nil }
        var out = HeadImportance(
            position: 0, target: verdict, targetToken: verdict == 0 ? labels.0 : labels.1,
            baseLogProbability: base, deltas: deltas, layers: enc.config.numLayers, heads: enc.config.numHeads)
        out.isNextSentence = true
        return out
    }

    /// One pass per head, each resumed at the head's layer from the base
    /// pass (the layers below are unchanged); `isCancelled` is asked between
    /// passes (nil result when it says stop).
    public static func compute(
        _ mlm: MaskedLanguageModel, _ e: Encoding, position: Int, target: Int,
        isCancelled: () -> Bool = { false }, progress: (Int, Int) -> Void = { _, _ in }
    ) throws -> HeadImportance? {
        let enc = mlm.encoder, d = enc.config.hiddenSize
        // The vocabulary projection runs once over every pass's mask vector,
        // in blocks of 64 rows: its weights are read once per block, not once per head.
        let score = { (hidden: [Float], rows: Int) throws -> [Float] in
            var out: [Float] = []
            for start in stride(from: 0, to: rows, by: 64) {
                let k = min(64, rows - start)
                let logits = try enc.maskedLMLogits(hidden: Array(hidden[(start * d)..<((start + k) * d)]), rows: k)
                let vocab = logits.count / k
                for r in 0..<k {
                    out.append(log(max(softmax(logits[(r * vocab)..<((r + 1) * vocab)])[target], 1e-30)))
                }
            }
            return out
        }
        guard
            let (base, deltas) = try headDeltas(
                enc, e, ablation: mlm.ablation, isCancelled: isCancelled, progress: progress,
                readout: { Array($0[(position * d)..<((position + 1) * d)]) }, score: score)
        else { return nil }
        return HeadImportance(
            position: position, target: target, targetToken: mlm.tokenizer.token(for: target) ?? "?",
            baseLogProbability: base, deltas: deltas, layers: enc.config.numLayers, heads: enc.config.numHeads)
    }

    /// The base log p with `ablation`, and its change with each further head
    /// off: passes resumed at the head's layer where the encoder allows,
    /// whole passes elsewhere (DeBERTa's ConvLayer). `readout` keeps what
    /// each pass's last hidden states say (equal-length vectors), `score`
    /// turns all of them (base first, rows of them) into log p at once. nil
    /// when `isCancelled` says stop; `progress` hears (passes done, in all).
    private static func headDeltas(
        _ enc: BertEncoder, _ e: Encoding, ablation: HeadSet, isCancelled: () -> Bool,
        progress: (Int, Int) -> Void, readout: ([Float]) throws -> [Float], score: ([Float], Int) throws -> [Float]
    ) throws -> (Float, [Float])? {
        let L = enc.config.numLayers, H = enc.config.numHeads, n = e.count, d = enc.config.hiddenSize
        func lastLayer(_ t: Trace) -> [Float] { Array(t.hiddenStates[(L * n * d)..<((L + 1) * n * d)]) }
        let baseTrace = try enc.forwardHidden(ids: e.ids, typeIds: e.typeIds, ablate: ablation)
        let baseReadout = try readout(lastLayer(baseTrace))
        var readouts = baseReadout
        readouts.reserveCapacity(baseReadout.count * (L * H + 1))
        let ws = enc.makeWorkspace()
        var last: [Float] = []
        for l in 0..<L {
            for h in 0..<H {
                if isCancelled() { return nil }
                // A head already off changes nothing when "ablated again".
                guard !ablation.contains(layer: l, head: h) else {
                    readouts += baseReadout
                    continue
                }
                var heads = ablation
                heads.heads.insert(HeadSet.Head(layer: l, head: h))
                if enc.canResume(at: l) {
                    try enc.lastHidden(resuming: baseTrace, at: l, ablate: heads, workspace: ws, into: &last)
                } else {
                    last = lastLayer(try enc.forwardHidden(ids: e.ids, typeIds: e.typeIds, ablate: heads))
                }
                let r = try readout(last)
                guard r.count == baseReadout.count else { throw EncoderError("head importance: uneven readouts") }
                readouts += r
                progress(l * H + h + 1, L * H)
            }
        }
        let scores = try score(readouts, L * H + 1)
        guard scores.count == L * H + 1 else { throw EncoderError("head importance: \(scores.count) scores") }
        return (scores[0], scores.dropFirst().map { $0 - scores[0] })
    }
}
