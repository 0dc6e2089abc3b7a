import Analysis
import Checkpoint
import Encoder
import Foundation

/// `dump --mixing METHODS`: context-mixing maps per layer as DIR/mixing-<method>.npy.
struct MixingDump {
    enum Method: String, CaseIterable {
        case norm, normHeads = "norm-heads", normResidual = "norm-residual", valueZeroing = "value-zeroing"
        case valueZeroingRollout = "value-zeroing-rollout", rollout, flow
    }

    /// n² maximum flows per layer: worth it up to a few hundred tokens.
    static let flowTokenLimit = 256

    let encoder: BertEncoder, trace: Trace, directory: URL

    static func methods(_ list: String) throws -> [Method] {
        var out: [Method] = []
        for name in list.split(separator: ",", omittingEmptySubsequences: false).map({
            $0.trimmingCharacters(in: .whitespaces)
        }) {
            if name == "all" { out += Method.allCases; continue }
            guard let m = Method(rawValue: name) else {
                throw CommandError(
                    "--mixing: unknown method \"\(name)\" (\(Method.allCases.map(\.rawValue).joined(separator: ", ")), all)"
                )
            }
            out.append(m)
        }
        return out.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    }

    /// With `all`, methods a model or length cannot have are skipped with a warning; asked by name they are errors.
    func write(_ methods: [Method], all: Bool) throws {
        let c = encoder.config, L = c.numLayers, n = trace.tokens
        let needsNorms = methods.contains { [.norm, .normHeads, .normResidual].contains($0) }
        let maps = needsNorms ? (0..<L).map { ContextMixing.compute(encoder, trace, layer: $0) } : []
        var zeroing: [[Float]]? = nil
        func valueZeroing() throws -> [[Float]] {
            if let zeroing { return zeroing }
            guard c.convolution == nil else {
                throw CommandError("value zeroing is not available for DeBERTa-v2's convolution layer")
            }
            let z = try (0..<L).map { try encoder.valueZeroing(trace, layer: $0) }
            zeroing = z
            return z
        }
        for m in methods {
            let values: [Float]
            var shape = [L, n, n]
            switch m {
            case .norm: values = maps.flatMap(\.norm)
            case .normHeads:
                values = maps.flatMap(\.normPerHead)
                shape = [L, c.numHeads, n, n]
            case .normResidual: values = maps.flatMap(\.normResidualLN)
            case .rollout: values = (0..<L).flatMap { AttentionViews.rollout(trace, throughLayer: $0).values }
            case .valueZeroing, .valueZeroingRollout:
                let z: [[Float]]
                do { z = try valueZeroing() } catch let e as CommandError where all {
                    writeStderr("bertscope: warning: \(m.rawValue) skipped: \(e.message)")
                    continue
                }
                values =
                    m == .valueZeroing
                    ? z.flatMap { $0 } : (0..<L).flatMap { AttentionViews.rollout(Array(z[0...$0]), n).values }
            case .flow:
                guard n <= Self.flowTokenLimit else {
                    let why = "attention flow is computed up to \(Self.flowTokenLimit) tokens (this input has \(n))"
                    if all {
                        writeStderr("bertscope: warning: flow skipped: \(why)")
                        continue
                    }
                    throw CommandError(why)
                }
                values = (0..<L).flatMap { AttentionFlow.map(trace, throughLayer: $0).values }
            }
            try NPYWriter.write(
                directory.appendingPathComponent("mixing-\(m.rawValue).npy"), shape: shape, values: values)
        }
    }
}
