import Analysis
import Encoder
import Foundation
import Tokenizers

/// `anatomy --json`, and the table printed without it.
struct AnatomyJSON: Encodable {
    struct Token: Encodable { let position: Int, text: String }
    struct Moments: Encodable { let mean: Float, variance: Float, gammaMean: Float?, betaMean: Float? }
    struct Embedding: Encodable {
        let word: Float, position: Float?, tokenType: Float?, sum: Float, projected: Bool
        let projectedBeforeNorm: Bool, layerNorm: Moments, output: Float
    }
    struct Neuron: Encodable { let index: Int, activation: Float }
    struct Word: Encodable { let token: String, score: Float }
    struct Layer: Encodable {
        let layer: Int, input: Float, attention: Float, afterAttention: Float, ffn: Float, output: Float
        let attentionCosine: Float, ffnCosine: Float
        let attentionLayerNorm: Moments, outputLayerNorm: Moments
        let neurons: [Neuron], promotes: [Word], difference: Float
    }
    struct Cell: Encodable {
        let layer: Int, head: Int, query: Int, key: Int
        let q: [Float], k: [Float], products: [Float]
        /// qᵢ·kⱼ, the scale (1/√dₕ), and qᵢ·kⱼ × scale.
        let dot: Float, scale: Float, scaled: Float
        let c2p: Float?, p2c: Float?, distance: Int?, bucket: Int?
        let masked: Bool, score: Float, rowMax: Float, rowSum: Float, probability: Float, row: [Float]
        let context: [Float], contributionNorm: Float, headsTotalNorm: Float
        let maxDifferenceFromTrace: Float
        /// ModernBERT: the rotary base, q̃ᵢ·k̃ⱼ before the rotation, i − j, and the local window (nil: global).
        let rotary: Rotary?
    }
    struct Rotary: Encodable { let theta: Double, unrotatedDot: Float, distance: Int, window: Int? }

    let tokens: [String]
    let token: Token
    let layersShown: String
    /// "post" (BERT: LN after each residual sum) or "pre" (ModernBERT: LN before each sublayer, a final LN).
    let layerNorm: String
    let embedding: Embedding
    let layers: [Layer]
    let cell: Cell

    init(
        _ a: LayerAnatomy, _ cell: CellArithmetic, _ h: HeadArithmetic, _ e: Encoding, token i: Int, key j: Int,
        layersShown: String, promotes: [[Word]]
    ) {
        tokens = e.tokens
        token = Token(position: i, text: e.tokens[i])
        self.layersShown = layersShown
        layerNorm = a.preLayerNorm ? "pre" : "post"
        let emb = a.embedding(token: i) ?? a.embeddings[0]
        embedding = Embedding(
            word: emb.word, position: emb.position, tokenType: emb.tokenType, sum: emb.sum, projected: emb.projected,
            projectedBeforeNorm: emb.projectedBeforeNorm,
            layerNorm: Moments(mean: emb.moments.mean, variance: emb.moments.variance, gammaMean: nil, betaMean: nil),
            output: emb.output)
        layers = (0..<a.layers).compactMap { l in
            guard let s = a.step(layer: l, token: i), a.norms.indices.contains(l) else { return nil }
            let n = a.norms[l]
            return Layer(
                layer: l + 1, input: s.input, attention: s.attention, afterAttention: s.afterAttention, ffn: s.ffn,
                output: s.output, attentionCosine: s.attentionCosine, ffnCosine: s.ffnCosine,
                attentionLayerNorm: Moments(
                    mean: s.attentionLN.mean, variance: s.attentionLN.variance, gammaMean: n.attention.gammaMean,
                    betaMean: n.attention.betaMean),
                outputLayerNorm: Moments(
                    mean: s.outputLN.mean, variance: s.outputLN.variance, gammaMean: n.output.gammaMean,
                    betaMean: n.output.betaMean),
                neurons: zip(s.neurons, s.activations).map { Neuron(index: $0, activation: $1) },
                promotes: promotes.indices.contains(l) ? promotes[l] : [], difference: s.difference)
        }
        self.cell = Cell(
            layer: h.layer + 1, head: h.head + 1, query: i, key: j, q: cell.query, k: cell.key, products: cell.products,
            dot: cell.dot, scale: h.scale, scaled: cell.scaled, c2p: cell.relative?.contentToPosition,
            p2c: cell.relative?.positionToContent, distance: cell.relative?.distance, bucket: cell.relative?.bucket,
            masked: cell.masked, score: cell.score, rowMax: cell.rowMax, rowSum: cell.rowSum,
            probability: cell.probability, row: cell.row, context: cell.context,
            contributionNorm: cell.contributionNorm, headsTotalNorm: cell.headsTotalNorm,
            maxDifferenceFromTrace: cell.maxDifferenceFromTrace,
            rotary: cell.rotary.map {
                Rotary(theta: $0.theta, unrotatedDot: $0.unrotatedDot, distance: $0.distance, window: $0.window)
            })
    }

    /// The text form: the token's layers as a table, then the cell's steps.
    var table: [String] {
        // A masked score is the float32 minimum added: shown as the −∞ it stands for.
        func f(_ v: Float) -> String { v < -1e30 ? "−∞" : String(format: "%.3f", v) }
        func pad(_ s: String, _ w: Int) -> String { s.count >= w ? s : String(repeating: " ", count: w - s.count) + s }
        let e = embedding
        var parts = ["word \(f(e.word))"]
        if let p = e.position { parts.append("position \(f(p))") }
        if let t = e.tokenType { parts.append("type \(f(t))") }
        var out = [
            "token \(token.position) \"\(token.text)\" · \(layersShown)"
                + (layerNorm == "pre" ? " · pre-LN: h = x + attention(LN(x)), y = h + FFN(LN(h))" : ""),
            "embedding: " + parts.joined(separator: " + ") + " → ‖sum‖ \(f(e.sum)) → LayerNorm input mean "
                + "\(f(e.layerNorm.mean)), variance \(f(e.layerNorm.variance)) → ‖h₀‖ \(f(e.output))",
            "",
            ["layer", "‖x‖", "‖attn‖", "‖h‖", "‖FFN‖", "‖y‖", "cos x,h", "cos h,y"].enumerated().map {
                pad($1, $0 == 0 ? 5 : 8)
            }.joined(separator: " ") + "  neurons · promotes",
        ]
        for l in layers {
            let cells = [l.input, l.attention, l.afterAttention, l.ffn, l.output, l.attentionCosine, l.ffnCosine]
            out.append(
                pad("L\(l.layer)", 5) + " " + cells.map { pad(f($0), 8) }.joined(separator: " ") + "  "
                    + l.neurons.map { "#\($0.index) \(String(format: "%.2f", $0.activation))" }.joined(separator: " ")
                    + " · " + l.promotes.map(\.token).joined(separator: " "))
        }
        let c = cell
        let window = c.rotary.map { $0.window.map { " (local layer: keys within ±\($0))" } ?? " (global layer)" } ?? ""
        out += [
            "",
            "layer \(c.layer), head \(c.head): query \(c.query) \"\(tokens[c.query])\" → key \(c.key) \"\(tokens[c.key])\""
                + window,
            "qᵢ·kⱼ = \(f(c.dot)) × \(f(c.scale)) = \(f(c.scaled))"
                + (c.c2p.map { " + c2p \(f($0))" } ?? "") + (c.p2c.map { " + p2c \(f($0))" } ?? "")
                + (c.masked ? " + mask −∞" : "") + " = score \(f(c.score))",
        ]
        if let r = c.rotary {
            out.insert(
                "rotary (θ \(Int(r.theta))): unrotated q̃ᵢ·k̃ⱼ = \(f(r.unrotatedDot)); the rotation adds "
                    + "\(f(c.dot - r.unrotatedDot)) (i − j = \(r.distance))", at: out.count - 1)
        }
        out += [
            "softmax: exp(\(f(c.score)) − \(f(c.rowMax))) ÷ \(f(c.rowSum)) = p "
                + String(format: "%.6f", c.probability),
            "‖W_Oʰ c‖ \(f(c.contributionNorm)) of all heads' \(f(c.headsTotalNorm))",
        ]
        return out
    }
}
