import Checkpoint
import Encoder
import Foundation
import Tokenizers

/// What patching measures: the logit difference of two answers, A − B
/// (the clean input's answer and the counterfactual's), read at a masked
/// position of a masked-LM or from a sequence classifier.
public struct PatchTarget: Sendable, Equatable {
    public enum Readout: Sendable, Equatable {
        case mask(position: Int)
        case sequence
    }
    public var readout: Readout
    /// Where the counterfactual is read: the same but for a mask that word alignment moved.
    public var counterfactualReadout: Readout
    public var a: Int, b: Int
    public var labelA: String, labelB: String
    public init(
        readout: Readout, counterfactualReadout: Readout? = nil, a: Int, b: Int, labelA: String, labelB: String
    ) {
        self.readout = readout; self.counterfactualReadout = counterfactualReadout ?? readout
        self.a = a; self.b = b; self.labelA = labelA; self.labelB = labelB
    }
}

/// Causal tracing for encoders (Vig et al. 2020; Meng et al. 2022): the
/// clean sentence run with one piece of the counterfactual's computation put
/// in, and the effect on the target, normalised so 0 is the clean run's
/// behaviour and 1 the counterfactual's.
public struct PatchingResult: Sendable, Equatable {
    /// (L+1) × n: hidden state ℓ (0 = the embeddings) at position i taken from the counterfactual.
    public var positions: [[Float]]
    /// L × H: head h's output in layer ℓ (every position) taken from the counterfactual.
    public var heads: [[Float]]
    /// The logit difference A − B on the clean and the counterfactual input.
    public var clean: Float, counterfactual: Float
    /// Which counterfactual position each clean position was patched from.
    public var alignment: PatchAlignment
    public init(
        positions: [[Float]], heads: [[Float]], clean: Float, counterfactual: Float, alignment: PatchAlignment
    ) {
        self.positions = positions; self.heads = heads; self.clean = clean; self.counterfactual = counterfactual
        self.alignment = alignment
    }
}

public struct ActivationPatching: Sendable {
    public let encoder: BertEncoder
    public var ablation = HeadSet()
    /// Asked once per layer; when it says yes the run throws CancellationError.
    public var isCancelled: (@Sendable () -> Bool)? = nil

    public init(encoder: BertEncoder) { self.encoder = encoder }

    /// The target's logit difference from last hidden states (n, d).
    public func metric(_ last: [Float], tokens n: Int, _ t: PatchTarget, at readout: PatchTarget.Readout? = nil)
        throws -> Float
    {
        let d = encoder.config.hiddenSize
        switch readout ?? t.readout {
        case .mask(let p):
            let logits = try encoder.maskedLMLogits(hidden: Array(last[(p * d)..<((p + 1) * d)]), rows: 1)
            return logits[t.a] - logits[t.b]
        case .sequence:
            guard
                case .sequence(let l) = try last.withUnsafeBufferPointer({
                    try encoder.taskLogits(lastHidden: $0.baseAddress!, tokens: n)
                })
            else { throw EncoderError("patching a classifier needs a sequence-classification head") }
            return l[t.a] - l[t.b]
        }
    }

    public func run(clean: Encoding, counterfactual: Encoding, target: PatchTarget) throws -> PatchingResult {
        let align = PatchAlignment(clean: clean, counterfactual: counterfactual)
        let c = encoder.config, n = clean.count, m = counterfactual.count, d = c.hiddenSize, L = c.numLayers
        let dh = c.headDim
        let ws = encoder.makeWorkspace()
        let cleanTrace = try encoder.forwardHidden(ids: clean.ids, typeIds: clean.typeIds, ablate: ablation)
        let cfTrace = try encoder.forwardHidden(
            ids: counterfactual.ids, typeIds: counterfactual.typeIds, ablate: ablation)
        func last(_ t: Trace, _ n: Int) -> [Float] { Array(t.hiddenStates[(L * n * d)..<((L + 1) * n * d)]) }
        let base = try metric(last(cleanTrace, n), tokens: n, target)
        let cf = try metric(last(cfTrace, m), tokens: m, target, at: target.counterfactualReadout)
        guard abs(cf - base) > 1e-6 else {
            throw EncoderError(
                "the counterfactual does not change the target (\(target.labelA) − \(target.labelB) is \(base) on both): nothing to trace"
            )
        }
        func normalised(_ m: Float) -> Float { (m - base) / (cf - base) }
        var out = [Float](repeating: 0, count: n * d)
        var positions = [[Float]]()
        for layer in 0...L {
            if isCancelled?() == true { throw CancellationError() }
            var row = [Float](repeating: .nan, count: n)
            if encoder.canResume(at: layer) {
                let start = layer * n * d, cfStart = layer * m * d
                for i in 0..<n {
                    guard let j = align.partner[i] else { continue }
                    var hidden = Array(cleanTrace.hiddenStates[start..<(start + n * d)])
                    for k in 0..<d { hidden[i * d + k] = cfTrace.hiddenStates[cfStart + j * d + k] }
                    try encoder.lastHidden(
                        from: hidden, atLayer: layer, tokens: n, ablate: ablation, workspace: ws, into: &out)
                    row[i] = normalised(try metric(out, tokens: n, target))
                }
            }
            positions.append(row)
        }
        let contexts = try encoder.contexts(ids: counterfactual.ids, typeIds: counterfactual.typeIds, ablate: ablation)
        // Unpaired rows keep the clean run's context.
        let own =
            align.isPositional
            ? contexts : try encoder.contexts(ids: clean.ids, typeIds: clean.typeIds, ablate: ablation)
        var heads = [[Float]]()
        for layer in 0..<L {
            if isCancelled?() == true { throw CancellationError() }
            var row = [Float](repeating: .nan, count: c.numHeads)
            for h in 0..<c.numHeads where encoder.canResume(at: layer) {
                let head = HeadSet.Head(layer: layer, head: h)
                var set = ablation
                set.heads.insert(head)
                var patch = [Float](repeating: 0, count: n * dh)
                for r in 0..<n {
                    let (source, row) = align.partner[r].map { (contexts[layer], $0) } ?? (own[layer], r)
                    for k in 0..<dh { patch[r * dh + k] = source[row * d + h * dh + k] }
                }
                set.patches[head] = patch
                try encoder.lastHidden(resuming: cleanTrace, at: layer, ablate: set, workspace: ws, into: &out)
                row[h] = normalised(try metric(out, tokens: n, target))
            }
            heads.append(row)
        }
        return PatchingResult(positions: positions, heads: heads, clean: base, counterfactual: cf, alignment: align)
    }
}
