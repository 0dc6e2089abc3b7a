import Analysis
import Checkpoint
import Encoder
import Foundation
import TestSupport
import Testing
import Tokenizers

/// Every number the attention arithmetic (`x`) and the layer anatomy (`A`)
/// show, against the tensors transformers' own forward passes between its
/// modules (forward hooks; make_intermediate_goldens.py): q, k, v, the
/// softmax's input and output, each head's context and share of the output,
/// the LayerNorms' inputs and outputs, the FFN's activations and output.
@Suite struct IntermediateParityTests {
    static let models = [
        "tiny-bert-pretraining", "tiny-distilbert-mlm", "tiny-roberta-mlm", "tiny-albert-pretraining",
        "tiny-deberta-v3-mlm", "tiny-deberta-v2-mlm", "tiny-electra-generator",
    ]

    /// The goldens of one model: its tensors as (shape, values), and the spec.
    struct Golden {
        let file: SafeTensorsFile
        let spec: [String: Any]
        func values(_ key: String) throws -> [Float] { try file.tensor(key).values }
        /// Row `row` (of width `width`) of `key`'s block `block` (a layer), nil for a flat tensor.
        func row(_ key: String, block: Int? = nil, row: Int, width: Int, rows: Int) throws -> [Float] {
            let v = try values(key)
            let start = ((block ?? 0) * rows + row) * width
            return Array(v[start..<(start + width)])
        }
    }

    static func load(_ model: String) throws -> (BertEncoder, Encoding, Trace, Golden) {
        let dir = Fixtures.model(model)
        let golden = Golden(
            file: try SafeTensorsFile(path: dir.appendingPathComponent("intermediate_goldens.safetensors").path),
            spec: try Fixtures.json(dir.appendingPathComponent("intermediate_goldens.json")))
        let encoder = try BertEncoder(directory: dir), tokenizer = try Tokenizer.load(directory: dir)
        let e = tokenizer.encode(golden.spec["text"] as! String)
        #expect(e.ids == golden.spec["ids"] as! [Int], "\(model): the tokenizer gives other ids")
        return (encoder, e, try encoder.forward(ids: e.ids, typeIds: e.typeIds), golden)
    }

    static func close(_ got: [Float], _ want: [Float], _ what: String, tolerance: Float = 1e-4) {
        let scale = max(1, want.map(abs).max() ?? 1)
        let diff = maxAbsDiff(got, want)
        #expect(got.count == want.count && diff <= tolerance * scale, "\(what): differs by \(diff) (largest \(scale))")
    }

    static func norm(_ v: [Float]) -> Float { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }

    /// Layer `l`'s two LayerNorms' γ and β means against the goldens' `layer_norm_means`.
    static func expectNormMeans(
        _ anatomy: LayerAnatomy, layer l: Int, _ means: [String: Any], _ near: (Float, Float, String) -> Void
    ) {
        for (name, got) in [("attention", anatomy.norms[l].attention), ("output", anatomy.norms[l].output)] {
            let want = (means[name] as! [[Double]])[l]
            near(got.gammaMean, Float(want[0]), "L\(l + 1) \(name) LN γ mean")
            near(got.betaMean, Float(want[1]), "L\(l + 1) \(name) LN β mean")
        }
    }

    /// What `corpus index --contexts` stores and `--heads` compares: every head's context, heads side
    /// by side, equal to transformers' (ModernBERT's: ModernBertViewParityTests).
    @Test(arguments: models)
    func headContextsMatchTransformers(model: String) throws {
        let (encoder, e, _, g) = try Self.load(model)
        let c = encoder.config, n = e.count, d = c.hiddenSize
        let context = try g.values("context")
        for l in 0..<c.numLayers {
            for i in [0, n / 2, n - 1] {
                let got = try encoder.headContext(ids: e.ids, typeIds: e.typeIds, layer: l + 1, token: i)
                Self.close(
                    got, Array(context[((l * n + i) * d)..<((l * n + i + 1) * d)]), "\(model) L\(l + 1) token \(i)")
            }
        }
        #expect(throws: EncoderError.self) { try encoder.headContext(ids: e.ids, typeIds: nil, layer: 0, token: 0) }
    }

    @Test(arguments: models)
    func theArithmeticMatchesTransformers(model: String) throws {
        let (encoder, e, trace, g) = try Self.load(model)
        let c = encoder.config, n = e.count, d = c.hiddenSize, dh = c.headDim, H = c.numHeads
        let query = try g.values("query"), key = try g.values("key"), value = try g.values("value")
        let scores = try g.values("scores"), probs = try g.values("probs"), context = try g.values("context")
        let attentionOut = try g.values("attention_out")
        for l in 0..<c.numLayers {
            let bias = try #require(encoder.weights.layers[l].attentionOutput.bias)
            let biasRow = withExtendedLifetime(encoder.weights) { (0..<d).map { bias.pointer[$0] } }
            var shares = [[Float]](repeating: [Float](repeating: 0, count: d), count: n)
            for h in 0..<H {
                let a = try HeadArithmetic.compute(encoder, trace, layer: l, head: h)
                let at = "\(model) L\(l + 1) H\(h + 1)"
                func slice(_ t: [Float]) -> [Float] {
                    var out = [Float]()
                    for i in 0..<n {
                        let start = (l * n + i) * d + h * dh
                        out += t[start..<(start + dh)]
                    }
                    return out
                }
                Self.close(a.queries, slice(query), "\(at) q")
                Self.close(a.keys, slice(key), "\(at) k")
                Self.close(a.values, slice(value), "\(at) v")
                let block = Array(((l * H + h) * n * n)..<((l * H + h + 1) * n * n))
                Self.close(a.scores, block.map { scores[$0] }, "\(at) scores before the softmax")
                Self.close(a.probabilities, block.map { probs[$0] }, "\(at) softmax")
                for i in 0..<n {
                    let cell = try #require(a.cell(query: i, key: (i * 7 + 3) % n))
                    let want = Array(slice(context)[(i * dh)..<((i + 1) * dh)])
                    Self.close(cell.context, want, "\(at) context of token \(i)")
                    #expect(abs(cell.score - scores[block[i * n + (i * 7 + 3) % n]]) <= 1e-4, "\(at) cell score")
                    for o in 0..<d { shares[i][o] += cell.contribution[o] }
                }
            }
            // Σ over heads of each head's share, plus the bias, is the attention output dense.
            for i in 0..<n {
                let want = Array(attentionOut[((l * n + i) * d)..<((l * n + i + 1) * d)])
                Self.close(zip(shares[i], biasRow).map { $0 + $1 }, want, "\(model) L\(l + 1) token \(i) heads' shares")
                let total = try #require(
                    HeadArithmetic.compute(encoder, trace, layer: l, head: 0).cell(query: i, key: 0))
                let withoutBias = zip(want, biasRow).map { $0 - $1 }
                #expect(abs(total.headsTotalNorm - Self.norm(withoutBias)) <= 1e-4 * max(1, Self.norm(withoutBias)))
            }
        }
    }

    @Test(arguments: models)
    func theAnatomyMatchesTransformers(model: String) throws {
        let (encoder, e, trace, g) = try Self.load(model)
        let c = encoder.config, n = e.count, d = c.hiddenSize, ff = c.intermediateSize
        let anatomy = try encoder.layerAnatomy(trace, ids: e.ids, typeIds: e.typeIds)
        func near(_ got: Float, _ want: Float, _ what: String) {
            #expect(abs(got - want) <= 1e-4 * max(1, abs(want)), "\(model) \(what): \(got) vs \(want)")
        }
        func moments(_ v: [Float]) -> (Float, Float) {
            let m = v.reduce(0, +) / Float(v.count)
            return (m, v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Float(v.count))
        }
        // The workbench's one-token anatomy gives that token's rows of the whole one.
        let one = try encoder.layerAnatomy(trace, ids: e.ids, typeIds: e.typeIds, only: [n / 2])
        #expect(one.computed == [n / 2] && one.embedding(token: n / 2) == anatomy.embedding(token: n / 2))
        for l in 0..<c.numLayers {
            let a = try #require(one.step(layer: l, token: n / 2)),
                b = try #require(anatomy.step(layer: l, token: n / 2))
            near(a.attention, b.attention, "L\(l + 1) one-token ‖attn‖")
            near(a.output, b.output, "L\(l + 1) one-token ‖y‖")
            #expect(a.neurons == b.neurons, "\(model) L\(l + 1): one-token neurons")
            #expect(one.ffnUpdate(layer: l, token: n / 2 + 1) == nil)
        }
        let width = try g.file.tensor("embedding_ln_in").shape.last ?? 0
        for i in 0..<n {
            let emb = anatomy.embeddings[i]
            let lnIn = try g.row("embedding_ln_in", row: i, width: width, rows: n)
            let (m, v) = moments(lnIn)
            near(emb.moments.mean, m, "token \(i) embedding LN input mean")
            near(emb.moments.variance, v, "token \(i) embedding LN input variance")
            if !emb.projectedBeforeNorm { near(emb.sum, Self.norm(lnIn), "token \(i) ‖embedding sum‖") }
            near(emb.output, Self.norm(try g.row("hidden_0", row: i, width: d, rows: n)), "token \(i) ‖embedding out‖")
        }
        let means = g.spec["layer_norm_means"] as! [String: Any]
        for l in 0..<c.numLayers {
            let at = "L\(l + 1)"
            Self.expectNormMeans(anatomy, layer: l, means, near)
            for i in 0..<n {
                let step = try #require(anatomy.step(layer: l, token: i))
                func row(_ key: String, _ w: Int = d) throws -> [Float] {
                    try g.row(key, block: l, row: i, width: w, rows: n)
                }
                let input =
                    l == 0
                    ? try g.row("hidden_0", row: i, width: d, rows: n)
                    : try g.row(
                        "output_ln_out", block: l - 1, row: i, width: d, rows: n)
                near(step.input, Self.norm(input), "\(at) token \(i) ‖x‖")
                near(step.attention, Self.norm(try row("attention_out")), "\(at) token \(i) ‖attention out‖")
                near(step.afterAttention, Self.norm(try row("attention_ln_out")), "\(at) token \(i) ‖h‖")
                near(step.ffn, Self.norm(try row("ffn_out")), "\(at) token \(i) ‖FFN out‖")
                near(step.output, Self.norm(try row("output_ln_out")), "\(at) token \(i) ‖y‖")
                for (got, key) in [(step.attentionLN, "attention_ln_in"), (step.outputLN, "output_ln_in")] {
                    let (m, v) = moments(try row(key))
                    near(got.mean, m, "\(at) token \(i) \(key) mean")
                    near(got.variance, v, "\(at) token \(i) \(key) variance")
                }
                let act = try row("ffn_act", ff)
                let top = act.indices.sorted { act[$0] > act[$1] }.prefix(LayerAnatomy.neuronsKept)
                #expect(step.neurons == Array(top), "\(model) \(at) token \(i): most active neurons")
                for (k, neuron) in step.neurons.enumerated() {
                    near(step.activations[k], act[neuron], "\(at) token \(i) neuron \(neuron)")
                }
                Self.close(try #require(anatomy.ffnUpdate(layer: l, token: i)), try row("ffn_out"), "\(at) FFN update")
            }
        }
    }
}
