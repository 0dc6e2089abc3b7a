import CKernels
import Checkpoint
import Foundation

/// A loaded BERT: config and mmapped weights. Immutable and shareable; each
/// concurrent caller brings its own Workspace.
public final class BertEncoder: Sendable {
    public let config: ModelConfig
    public let weights: BertWeights
    public let store: WeightStore
    let packed: [PackedLayer]
    /// DeBERTa's position projections and distance buckets (nil for absolute-position families).
    let relative: RelativeTables?
    /// DeBERTa-v2's ConvLayer taps (nil unless conv_kernel_size > 0).
    let convolution: ConvolutionTables?
    /// ModernBERT's rotary cos/sin tables (nil for the other families).
    let rotary: RotaryTables?
    /// The weights packed transposed for gradients, made on the first one.
    let backwardPacks = BackwardPacks()

    public init(config: ModelConfig, store: WeightStore) throws {
        self.config = config
        self.store = store
        let weights = try BertWeights(store: store, config: config)
        self.weights = weights
        // Pack each stored layer once (ALBERT shares one across applications).
        let stored = (0..<config.storedLayers).map { g in
            (0..<config.numLayers).first { config.weightLayer($0) == g }.map { PackedLayer(weights.layers[$0]) }
        }
        self.packed = (0..<config.numLayers).map { stored[config.weightLayer($0)]! }
        self.relative = try config.relative.map { try RelativeTables(config: config, weights: weights, settings: $0) }
        self.rotary = config.modern.map {
            RotaryTables(settings: $0, headDim: config.headDim, positions: config.maxPositions)
        }
        self.convolution = config.convolution.flatMap { c in
            weights.convolution.map {
                ConvolutionTables(weight: $0.conv.weight, settings: c, hidden: config.hiddenSize)
            }
        }
    }

    /// Loads `config.json` and the safetensors of an HF model directory.
    public convenience init(directory: URL) throws {
        let configURL = directory.appendingPathComponent("config.json")
        guard FileManager.default.fileExists(atPath: configURL.path) else {
            throw CheckpointError("\(directory.path) has no config.json")
        }
        try self.init(config: ModelConfig(contentsOf: configURL), store: WeightStore(directory: directory))
    }

    public func makeWorkspace() -> Workspace {
        // ModernBERT: Wi's output is input and gate (2·ff), and one (n, n) window mask.
        Workspace(
            hidden: config.hiddenSize, intermediate: config.intermediateSize * (config.modern == nil ? 1 : 2),
            embedding: config.embeddingSize, biasHeads: relative != nil ? config.numHeads : 0
        )
    }

    /// Runs the encoder on one sequence and returns its full trace.
    public func forward(ids: [Int], typeIds: [Int]? = nil, attentionMask: [Int]? = nil, ablate: HeadSet = HeadSet())
        throws -> Trace
    {
        var trace = Trace()
        try forward(
            ids: ids, typeIds: typeIds, attentionMask: attentionMask, ablate: ablate, workspace: makeWorkspace(),
            into: &trace)
        return trace
    }

    /// A pass for what reads hidden states only (heads, probes, resumed
    /// passes): it keeps no attention map, so a long input costs its hidden states.
    public func forwardHidden(ids: [Int], typeIds: [Int]? = nil, ablate: HeadSet = HeadSet()) throws -> Trace {
        var trace = Trace()
        try forward(
            ids: ids, typeIds: typeIds, attentionMask: nil, ablate: ablate, workspace: makeWorkspace(), into: &trace,
            keepAttention: 0..<0)
        return trace
    }

    /// The allocation-free form: reuses `workspace` and `trace`'s storage.
    /// `attentionMask` (1 = real, 0 = padding) hides padded keys, as HF does
    /// by adding the float32 minimum to their scores. `isCancelled` is asked
    /// before each layer; when it says yes the pass throws CancellationError.
    /// `keepAttention` limits the attention maps the trace holds to those
    /// layers (lean mode: a BERT-large trace at 512 tokens is ~400 MB of maps).
    public func forward(
        ids: [Int], typeIds: [Int]?, attentionMask: [Int]?, ablate: HeadSet = HeadSet(), workspace ws: Workspace,
        into trace: inout Trace, isCancelled: (() -> Bool)? = nil, keepAttention: Range<Int>? = nil
    ) throws {
        try forward(
            ids: ids, typeIds: typeIds, attentionMask: attentionMask, ablate: ablate, workspace: ws, into: &trace,
            isCancelled: isCancelled, observe: nil, keepAttention: keepAttention)
    }

    /// `observe` sees each layer's context vectors (n, d), heads side by side, before the output projection
    /// (mean ablation's statistics, a corpus's head contexts).
    public func forward(
        ids: [Int], typeIds: [Int]?, attentionMask: [Int]?, ablate: HeadSet, workspace ws: Workspace,
        into trace: inout Trace, isCancelled: (() -> Bool)?,
        observe: ((_ layer: Int, _ context: UnsafePointer<Float>) -> Void)?, keepAttention: Range<Int>? = nil
    ) throws {
        try validate(ids: ids, typeIds: typeIds, attentionMask: attentionMask)
        let n = ids.count, d = config.hiddenSize, L = config.numLayers, H = config.numHeads
        try checkTraceFits(tokens: n, keep: keepAttention)
        ws.reserve(tokens: n)
        trace.prepare(tokens: n, layers: L, heads: H, hidden: d, keep: keepAttention)
        let kept = trace.attentionLayers
        for j in 0..<n {
            let real = (attentionMask?[j] ?? 1) != 0
            ws.maskAdd[j] = real ? 0 : -Float.greatestFiniteMagnitude
            ws.queryOk[j] = real ? 1 : 0
        }
        let masked = attentionMask?.contains(0) ?? false
        // A kept layer's rows of the trace's queries or keys; nil for a layer not kept.
        func keptRows(_ b: UnsafeMutableBufferPointer<Float>, _ l: Int) -> UnsafeMutablePointer<Float>? {
            kept.contains(l) ? b.baseAddress! + (l - kept.lowerBound) * n * d : nil
        }
        var cancelled = false
        trace.hiddenStates.withUnsafeMutableBufferPointer { hs in
            if config.family == .debertaV2 {
                embedDeBERTa(
                    ids: ids, typeIds: typeIds, mask: masked ? attentionMask : nil, into: hs.baseAddress!, ws: ws)
            } else if let m = config.modern {
                embedModern(ids: ids, into: hs.baseAddress!)
                fillWindowBias(n: n, window: m.window, mask: attentionMask, ws: ws)
            } else {
                embed(ids: ids, typeIds: typeIds, into: hs.baseAddress!, ws: ws)
            }
            trace.attentions.withUnsafeMutableBufferPointer { att in
                trace.queries.withUnsafeMutableBufferPointer { qs in
                    trace.keys.withUnsafeMutableBufferPointer { ks in
                        for l in 0..<L {
                            if let isCancelled, isCancelled() { cancelled = true; return }
                            if config.modern != nil {
                                runModernLayer(
                                    packed[l], layer: l, n: n, input: hs.baseAddress! + l * n * d,
                                    output: hs.baseAddress! + (l + 1) * n * d, queries: keptRows(qs, l),
                                    keys: keptRows(ks, l),
                                    probs: kept.contains(l)
                                        ? att.baseAddress! + (l - kept.lowerBound) * H * n * n : nil,
                                    mask: masked ? ws.maskAdd : nil, ablate: ablate, ws: ws, observe: observe)
                                if l == L - 1 { finalNorm(hs.baseAddress! + L * n * d, n: n) }
                                continue
                            }
                            runLayer(
                                packed[l], weights.layers[l], layer: l, n: n,
                                input: hs.baseAddress! + l * n * d, output: hs.baseAddress! + (l + 1) * n * d,
                                queries: keptRows(qs, l), keys: keptRows(ks, l),
                                // No map where none is kept: the kernels score a block of rows at a time.
                                probs: kept.contains(l) ? att.baseAddress! + (l - kept.lowerBound) * H * n * n : nil,
                                mask: masked ? ws.maskAdd : nil,
                                ablate: ablate,
                                ws: ws, observe: observe)
                            if l == 0, let convolution {
                                applyConvolution(
                                    convolution, input: hs.baseAddress!, out: hs.baseAddress! + n * d, n: n,
                                    mask: masked ? attentionMask : nil, ws: ws)
                            }
                        }
                    }
                }
            }
        }
        if cancelled { throw CancellationError() }
        try checkFinite(trace)
    }

    /// The trace is bounded before it is allocated: at 8,192 tokens every
    /// layer's maps of a ModernBERT-base would be 70 GB.
    func checkTraceFits(tokens n: Int, keep: Range<Int>?) throws {
        let need = traceBytes(tokens: n, keep: keep), budget = MemoryBudget.bytes
        guard need <= budget else {
            let kept = (keep ?? 0..<config.numLayers).clamped(to: 0..<config.numLayers).count
            let perLayer = 4 * Double(config.numHeads) * Double(n) * Double(n)
            throw EncoderError(
                "a trace of \(n) tokens keeping \(kept) layers' attention maps needs \(Int(need / 1e6)) MB, more than the \(Int(budget / 1e6)) MB this process can use: keep fewer maps (one layer's take \(Int(perLayer / 1e6)) MB)"
            )
        }
    }

    /// The bytes a trace of `n` tokens holds: every hidden state, and the maps,
    /// queries and keys of the layers kept (`keep` nil: every layer).
    public func traceBytes(tokens n: Int, keep: Range<Int>?) -> Double {
        let L = config.numLayers, kept = Double((keep ?? 0..<L).clamped(to: 0..<L).count)
        let t = Double(n), d = Double(config.hiddenSize)
        return 4 * Double(L + 1) * t * d + kept * (4 * Double(config.numHeads) * t * t + 8 * t * d)
    }

    /// NaN weights (or a overflow) would otherwise show as NaN everywhere, silently:
    /// say which layer first produced a non-finite value.
    private func checkFinite(_ trace: Trace) throws {
        let perLayer = trace.tokens * trace.hidden
        guard perLayer > 0 else { return }
        let bad = trace.hiddenStates.withUnsafeBufferPointer { bs_first_nonfinite($0.baseAddress!, $0.count) }
        guard bad >= 0 else { return }
        let layer = bad / perLayer
        let which = layer == 0 ? "the embeddings" : "layer \(layer)"
        throw EncoderError(
            "\(which) produced non-finite values (NaN or ∞) at token \(bad % perLayer / trace.hidden): check the checkpoint's weights\(layer == 0 ? "" : " for layer \(layer)")"
        )
    }

    func validate(ids: [Int], typeIds: [Int]?, attentionMask: [Int]?) throws {
        guard !ids.isEmpty else { throw EncoderError("nothing to encode: the input has no tokens") }
        guard ids.count <= config.maxTokens else {
            throw EncoderError("\(ids.count) tokens exceed the model's \(config.maxTokens) positions (truncate first)")
        }
        if let bad = ids.first(where: { $0 < 0 || $0 >= config.vocabSize }) {
            throw EncoderError("token id \(bad) is outside the vocabulary (size \(config.vocabSize))")
        }
        if let t = typeIds {
            guard t.count == ids.count else { throw EncoderError("\(t.count) type ids for \(ids.count) tokens") }
            // Families without token types (DistilBERT) ignore them, as transformers does.
            if config.typeVocabSize > 0, let bad = t.first(where: { $0 < 0 || $0 >= config.typeVocabSize }) {
                throw EncoderError("type id \(bad) is outside type_vocab_size \(config.typeVocabSize)")
            }
        }
        if let m = attentionMask, m.count != ids.count {
            throw EncoderError("attention mask has \(m.count) entries for \(ids.count) tokens")
        }
    }

    /// LayerNorm(word[id] + position[i] + tokenType[type]) → out (n, d),
    /// through ELECTRA's / ALBERT's projection when the embeddings are narrower.
    func embed(ids: [Int], typeIds: [Int]?, into out: UnsafeMutablePointer<Float>, ws: Workspace) {
        let e = config.embeddingSize, emb = weights.embeddings
        let target = emb.projection == nil ? out : ws.embedded
        for (i, id) in ids.enumerated() {
            let row = target + i * e
            let w = emb.word.pointer + id * e, p = emb.position!.pointer + (i + config.positionOffset) * e
            if let tt = emb.tokenType {
                let t = tt.pointer + (typeIds?[i] ?? 0) * e
                for k in 0..<e { row[k] = (w[k] + t[k]) + p[k] }
            } else {
                for k in 0..<e { row[k] = w[k] + p[k] }
            }
        }
        bs_add_layernorm(
            target, nil, target, Int32(ids.count), Int32(e), emb.norm.weight.pointer, emb.norm.bias.pointer,
            config.layerNormEps)
        if let proj = emb.projection {
            bs_linear(
                target, Int32(ids.count), Int32(e), proj.weight.pointer, Int32(config.hiddenSize), proj.bias?.pointer,
                out, Int32(config.hiddenSize))
        }
    }
}
