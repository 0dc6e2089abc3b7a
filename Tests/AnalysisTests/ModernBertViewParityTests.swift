import Analysis
import Checkpoint
import Encoder
import Foundation
import TestSupport
import Testing
import Tokenizers

/// What the workbench's views show of a ModernBERT (#30) against the tensors
/// transformers' own eager forward passes between its modules (forward hooks;
/// make_modernbert_view_goldens.py): the attention arithmetic with its
/// rotations and local window, the pre-LN layer anatomy, the logit lens
/// through the final norm, and the head contexts a corpus stores.
@Suite struct ModernBertViewParityTests {
    static let models = ["tiny-modernbert-mlm", "tiny-modernbert-cls-mean"]

    static func load(_ model: String) throws -> (BertEncoder, Encoding, Trace, IntermediateParityTests.Golden) {
        let dir = Fixtures.model(model)
        let golden = IntermediateParityTests.Golden(
            file: try SafeTensorsFile(path: dir.appendingPathComponent("view_goldens.safetensors").path),
            spec: try Fixtures.json(dir.appendingPathComponent("view_goldens.json")))
        let encoder = try BertEncoder(directory: dir), tokenizer = try Tokenizer.load(directory: dir)
        let e = tokenizer.encode(golden.spec["text"] as! String)
        #expect(e.ids == golden.spec["ids"] as! [Int], "\(model): the tokenizer gives other ids")
        return (encoder, e, try encoder.forward(ids: e.ids, typeIds: e.typeIds), golden)
    }

    @Test(arguments: models)
    func theArithmeticMatchesTransformers(model: String) throws {
        let (encoder, e, trace, g) = try Self.load(model)
        let c = encoder.config, n = e.count, d = c.hiddenSize, dh = c.headDim, H = c.numHeads
        let m = try #require(c.modern)
        #expect(n > 2 * m.window + 1, "the input must be longer than a local window")
        let qkv = try g.values("qkv"), query = try g.values("query"), key = try g.values("key")
        let scores = try g.values("scores"), probs = try g.values("probs"), context = try g.values("context")
        let attentionOut = try g.values("attention_out")
        for l in 0..<c.numLayers {
            var shares = [[Float]](repeating: [Float](repeating: 0, count: d), count: n)
            for h in 0..<H {
                let a = try HeadArithmetic.compute(encoder, trace, layer: l, head: h)
                let at = "\(model) L\(l + 1) H\(h + 1)"
                func slice(_ t: [Float], width: Int = d, offset: Int = 0) -> [Float] {
                    (0..<n).flatMap { i in
                        let start = (l * n + i) * width + offset + h * dh
                        return t[start..<(start + dh)]
                    }
                }
                let r = try #require(a.rotary, "\(at): no rotary terms")
                #expect(r.theta == m.theta(l) && (r.window == nil) == m.isGlobal(l), "\(at) θ and window")
                IntermediateParityTests.close(r.queries, slice(qkv, width: 3 * d), "\(at) q before the rotation")
                IntermediateParityTests.close(
                    r.keys, slice(qkv, width: 3 * d, offset: d), "\(at) k before the rotation")
                IntermediateParityTests.close(a.values, slice(qkv, width: 3 * d, offset: 2 * d), "\(at) v")
                IntermediateParityTests.close(a.queries, slice(query), "\(at) q rotated")
                IntermediateParityTests.close(a.keys, slice(key), "\(at) k rotated")
                let block = Array(((l * H + h) * n * n)..<((l * H + h + 1) * n * n))
                for i in 0..<n {
                    for j in 0..<n {
                        let want = scores[block[i * n + j]]
                        if r.outside(query: i, key: j) {
                            // transformers adds the float32 minimum outside the window.
                            #expect(want < -1e30 && a.probabilities[i * n + j] == 0, "\(at) (\(i), \(j)) masked")
                        } else {
                            #expect(abs(a.scores[i * n + j] - want) <= 1e-4 * max(1, abs(want)), "\(at) score")
                        }
                    }
                }
                IntermediateParityTests.close(a.probabilities, block.map { probs[$0] }, "\(at) softmax")
                for i in 0..<n {
                    let j = (i * 7 + 3) % n
                    let cell = try #require(a.cell(query: i, key: j))
                    IntermediateParityTests.close(
                        cell.context, Array(slice(context)[(i * dh)..<((i + 1) * dh)]), "\(at) context of \(i)")
                    let rc = try #require(cell.rotary)
                    #expect(rc.distance == i - j && rc.outsideWindow == r.outside(query: i, key: j))
                    #expect(cell.masked == rc.outsideWindow && (cell.masked ? cell.probability == 0 : true))
                    // Before the rotation the product is the content's alone: q̃ᵢ·k̃ⱼ from transformers' qkv.
                    let q0 = slice(qkv, width: 3 * d), k0 = slice(qkv, width: 3 * d, offset: d)
                    let want = (0..<dh).reduce(Float(0)) { $0 + q0[i * dh + $1] * k0[j * dh + $1] }
                    #expect(abs(rc.unrotatedDot - want) <= 1e-4 * max(1, abs(want)), "\(at) unrotated q·k")
                    for o in 0..<d { shares[i][o] += cell.contribution[o] }
                }
            }
            for i in 0..<n {
                // No attention bias in these checkpoints' Wo? The bias (if any) is added back.
                let bias = encoder.weights.layers[l].attentionOutput.bias
                let b = withExtendedLifetime(encoder.weights) { (0..<d).map { bias?.pointer[$0] ?? 0 } }
                IntermediateParityTests.close(
                    zip(shares[i], b).map { $0 + $1 }, Array(attentionOut[((l * n + i) * d)..<((l * n + i + 1) * d)]),
                    "\(model) L\(l + 1) token \(i) heads' shares")
            }
        }
    }

    @Test(arguments: models)
    func theAnatomyMatchesTransformers(model: String) throws {
        let (encoder, e, trace, g) = try Self.load(model)
        let c = encoder.config, n = e.count, d = c.hiddenSize, ff = c.intermediateSize, L = c.numLayers
        let anatomy = try encoder.layerAnatomy(trace, ids: e.ids, typeIds: e.typeIds)
        #expect(anatomy.preLayerNorm && anatomy.finalNorm != nil)
        func near(_ got: Float, _ want: Float, _ what: String) {
            #expect(abs(got - want) <= 1e-4 * max(1, abs(want)), "\(model) \(what): \(got) vs \(want)")
        }
        func moments(_ v: [Float]) -> (Float, Float) {
            let m = v.reduce(0, +) / Float(v.count)
            return (m, v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Float(v.count))
        }
        let norm = IntermediateParityTests.norm
        for i in 0..<n {
            let emb = anatomy.embeddings[i], lnIn = try g.row("embedding_ln_in", row: i, width: d, rows: n)
            #expect(emb.position == nil && emb.tokenType == nil)
            near(emb.sum, norm(lnIn), "token \(i) ‖word embedding‖")
            near(emb.moments.variance, moments(lnIn).1, "token \(i) embedding LN input variance")
            near(emb.output, norm(try g.row("hidden_0", row: i, width: d, rows: n)), "token \(i) ‖h₀‖")
        }
        let means = g.spec["layer_norm_means"] as! [String: Any]
        let final = means["final"] as! [Double]
        near(anatomy.finalNorm!.gammaMean, Float(final[0]), "final norm γ mean")
        for l in 0..<L {
            let at = "L\(l + 1)"
            IntermediateParityTests.expectNormMeans(anatomy, layer: l, means, near)
            for i in 0..<n {
                let step = try #require(anatomy.step(layer: l, token: i))
                func row(_ key: String, _ w: Int = d) throws -> [Float] {
                    try g.row(key, block: l, row: i, width: w, rows: n)
                }
                near(step.input, norm(try row("x")), "\(at) token \(i) ‖x‖")
                near(step.attention, norm(try row("attention_out")), "\(at) token \(i) ‖attention out‖")
                near(step.afterAttention, norm(try row("mlp_ln_in")), "\(at) token \(i) ‖h‖")
                near(step.ffn, norm(try row("ffn_out")), "\(at) token \(i) ‖FFN out‖")
                near(step.output, norm(try row("layer_out")), "\(at) token \(i) ‖y‖")
                // Pre-LN: attn_norm reads x, mlp_norm reads h.
                for (got, key) in [(step.attentionLN, "x"), (step.outputLN, "mlp_ln_in")] {
                    let (m, v) = moments(try row(key))
                    near(got.mean, m, "\(at) token \(i) \(key) mean")
                    near(got.variance, v, "\(at) token \(i) \(key) variance")
                }
                let act = try row("ffn_act", ff)
                let top = act.indices.sorted { act[$0] > act[$1] }.prefix(LayerAnatomy.neuronsKept)
                #expect(step.neurons == Array(top), "\(model) \(at) token \(i): most active neurons")
                IntermediateParityTests.close(
                    try #require(anatomy.ffnUpdate(layer: l, token: i)), try row("ffn_out"), "\(at) FFN update")
                #expect(step.difference <= 1e-4, "\(at) token \(i): recomputed y differs by \(step.difference)")
            }
        }
    }

    /// What `corpus index --contexts` stores: every head's context (the input of attn.Wo).
    @Test(arguments: models)
    func headContextsMatchTransformers(model: String) throws {
        let (encoder, e, _, g) = try Self.load(model)
        let n = e.count, d = encoder.config.hiddenSize, context = try g.values("context")
        for l in 0..<encoder.config.numLayers {
            for i in [0, n / 2, n - 1] {
                let got = try encoder.headContext(ids: e.ids, typeIds: e.typeIds, layer: l + 1, token: i)
                IntermediateParityTests.close(
                    got, Array(context[((l * n + i) * d)..<((l * n + i + 1) * d)]), "\(model) L\(l + 1) token \(i)")
            }
        }
    }

    /// The logit lens reads every inner state through the final norm, as the head reads the last one.
    @Test func theLogitLensMatchesTransformers() throws {
        let (encoder, e, trace, g) = try Self.load("tiny-modernbert-mlm")
        let dir = Fixtures.model("tiny-modernbert-mlm")
        let mlm = try MaskedLanguageModel(encoder: encoder, tokenizer: try Tokenizer.load(directory: dir))
        let position = g.spec["mask_position"] as! Int
        #expect(e.ids[position] == mlm.maskId)
        let lens = try g.values("lens"), v = encoder.config.vocabSize
        for layer in 0...trace.layers {
            let got = try mlm.distributions(trace, positions: [position], layer: layer)[0]
            let logits = Array(lens[(layer * v)..<((layer + 1) * v)])
            let mx = logits.max()!, sum = logits.reduce(Float(0)) { $0 + exp($1 - mx) }
            IntermediateParityTests.close(got, logits.map { exp($0 - mx) / sum }, "lens at layer \(layer)")
        }
    }
}
