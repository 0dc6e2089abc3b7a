import Checkpoint
import Encoder
import Foundation
import Testing
import TestSupport

@Suite struct EncoderBehaviourTests {
    static let tiny = try! BertEncoder(directory: Fixtures.model("tiny-bert"))

    /// An ablated head reads as zero attention, leaves the layers before it
    /// untouched, changes what follows, and the batched forward agrees.
    @Test func ablatedHeadsAreZeroedAndOnlyDownstreamChanges() throws {
        let ids = [2, 17, 300, 45, 99, 1000, 7]
        let heads = try HeadSet.parse("2.3", layers: Self.tiny.config.numLayers, heads: Self.tiny.config.numHeads)
        let plain = try Self.tiny.forward(ids: ids), cut = try Self.tiny.forward(ids: ids, ablate: heads)
        let n = ids.count, d = plain.hidden
        #expect(
            (0..<n).allSatisfy { r in (0..<n).allSatisfy { cut.attention(layer: 1, head: 2, row: r, column: $0) == 0 } }
        )
        #expect(
            Array(cut.hiddenStates[0..<(2 * n * d)]) == Array(plain.hiddenStates[0..<(2 * n * d)]),
            "embeddings and layer 1 unchanged")
        #expect(
            Array(cut.hiddenStates[(2 * n * d)..<(3 * n * d)]) != Array(plain.hiddenStates[(2 * n * d)..<(3 * n * d)]))
        var batched: [Float] = []
        try Self.tiny.lastHidden(
            batch: [ids, ids], typeIds: nil, ablate: heads, workspace: Self.tiny.makeWorkspace(), into: &batched)
        let last = Array(cut.hiddenStates[(cut.layers * n * d)..<((cut.layers + 1) * n * d)])
        #expect(zip(batched[(n * d)..<(2 * n * d)], last).allSatisfy { abs($0 - $1) <= 1e-5 })
        #expect(throws: EncoderError.self) { try HeadSet.parse("0.1", layers: 3, heads: 4) }
        #expect(throws: EncoderError.self) { try HeadSet.parse("1.5", layers: 3, heads: 4) }
        #expect(try HeadSet.parse("3.4, 1.2", layers: 3, heads: 4).description == "1.2, 3.4")
    }

    /// Resuming a pass at a layer (head importance) gives the full ablated pass's last layer, every family.
    @Test(arguments: [
        "tiny-bert-pretraining", "tiny-albert-pretraining", "tiny-deberta-v3-mlm", "tiny-deberta-v2-conv",
        "tiny-distilbert-mlm", "tiny-roberta-mlm",
    ])
    func resumedPassesEqualFullPasses(model: String) throws {
        let enc = try BertEncoder(directory: Fixtures.model(model))
        let ids = [2, 17, 30, 45, 9, 100, 3], n = ids.count, d = enc.config.hiddenSize, L = enc.config.numLayers
        let base = try enc.forward(ids: ids)
        var last: [Float] = []
        for l in 0..<L where enc.canResume(at: l) {
            let heads = HeadSet([HeadSet.Head(layer: l, head: 1)])
            try enc.lastHidden(resuming: base, at: l, ablate: heads, workspace: enc.makeWorkspace(), into: &last)
            let full = try enc.forward(ids: ids, ablate: heads)
            let want = Array(full.hiddenStates[(L * n * d)..<((L + 1) * n * d)])
            #expect(zip(last, want).allSatisfy { abs($0 - $1) <= 1e-5 }, "\(model) layer \(l)")
        }
    }

    @Test func paddingDoesNotChangeRealPositions() throws {
        let ids = [2, 17, 300, 45, 99, 1000, 7]
        let plain = try Self.tiny.forward(ids: ids)
        let padded = try Self.tiny.forward(
            ids: ids + [0, 0, 0], typeIds: nil, attentionMask: [1, 1, 1, 1, 1, 1, 1, 0, 0, 0])
        let d = Self.tiny.config.hiddenSize
        for l in 0...Self.tiny.config.numLayers {
            for t in ids.indices {
                // Equal up to float rounding: a longer row takes another SIMD path.
                #expect(
                    maxAbsDiff(plain.hiddenState(layer: l, token: t), padded.hiddenState(layer: l, token: t)) <= 1e-5)
            }
        }
        // Padded keys get exactly zero attention from real queries.
        for l in 0..<Self.tiny.config.numLayers {
            for h in 0..<Self.tiny.config.numHeads {
                for row in ids.indices {
                    for col in 7..<10 { #expect(padded.attention(layer: l, head: h, row: row, column: col) == 0) }
                }
            }
        }
        #expect(padded.hiddenStates.count == (Self.tiny.config.numLayers + 1) * 10 * d)
    }

    @Test func attentionRowsAreDistributions() throws {
        let t = try Self.tiny.forward(ids: [2, 5, 6, 7, 8])
        for l in 0..<t.layers {
            for h in 0..<t.heads {
                for r in 0..<t.tokens {
                    let sum = (0..<t.tokens).reduce(Float(0)) {
                        $0 + t.attention(layer: l, head: h, row: r, column: $1)
                    }
                    #expect(abs(sum - 1) < 1e-5)
                }
            }
        }
    }

    @Test func reusedWorkspaceAndTraceGiveFreshResults() throws {
        let ws = Self.tiny.makeWorkspace()
        var trace = Trace()
        let long = Array(2..<40), short = [2, 9, 10]
        try Self.tiny.forward(ids: long, typeIds: nil, attentionMask: nil, workspace: ws, into: &trace)
        try Self.tiny.forward(ids: short, typeIds: nil, attentionMask: nil, workspace: ws, into: &trace)
        #expect(trace == (try Self.tiny.forward(ids: short)))
        try Self.tiny.forward(ids: long, typeIds: nil, attentionMask: nil, workspace: ws, into: &trace)
        #expect(trace == (try Self.tiny.forward(ids: long)))
    }

    @Test func traceCarriesQueriesAndKeys() throws {
        let t = try Self.tiny.forward(ids: [2, 5, 6])
        #expect(t.queries.count == 3 * 3 * 32 && t.keys.count == 3 * 3 * 32)
        #expect(t.queries.contains { $0 != 0 } && t.queries != t.keys)
    }

    @Test func badInputsAreErrorsNotCrashes() {
        let e = Self.tiny
        #expect(throws: EncoderError.self) { try e.forward(ids: []) }
        #expect(throws: EncoderError.self) { try e.forward(ids: [2, 99_999]) }
        #expect(throws: EncoderError.self) { try e.forward(ids: [2, -1]) }
        #expect(throws: EncoderError.self) { try e.forward(ids: Array(repeating: 5, count: 65)) }
        #expect(throws: EncoderError.self) { try e.forward(ids: [2, 5], typeIds: [0, 2]) }
        #expect(throws: EncoderError.self) { try e.forward(ids: [2, 5], typeIds: [0]) }
        #expect(throws: EncoderError.self) { try e.forward(ids: [2, 5], attentionMask: [1]) }
        #expect((try? e.forward(ids: Array(repeating: 5, count: 64))) != nil)
    }

    @Test func headsAreLoadedWhenPresent() throws {
        let bare = Self.tiny.weights
        #expect(bare.prefix == "" && bare.maskedLM == nil && bare.nextSentence == nil && bare.pooler != nil)

        let pre = try BertEncoder(directory: Fixtures.model("tiny-bert-pretraining")).weights
        #expect(pre.prefix == "bert.")
        let mlm = try #require(pre.maskedLM)
        #expect(mlm.decoderIsTied && mlm.decoder.shape == [1106, 32] && mlm.bias.shape == [1106])
        #expect(pre.nextSentence?.weight.shape == [2, 32])

        let f16 = try BertEncoder(directory: Fixtures.model("tiny-bert-mlm-f16"))
        #expect(f16.weights.maskedLM != nil && f16.weights.nextSentence == nil)
        #expect(f16.config.activation == .geluTanh)

        let cls = try BertEncoder(directory: Fixtures.model("tiny-bert-cls-bf16-sharded"))
        #expect(cls.weights.task?.out.weight.shape == [3, 32] && cls.weights.task?.task.labels.count == 3)
        #expect(cls.store.files.count == 5 && cls.config.activation == .relu)
    }
}

@Suite struct EncoderLoadingErrorTests {
    /// A copy of tiny-bert whose config.json is edited by `edit`.
    private func load(editing edit: (String) -> String) throws -> String {
        let dir = try temporaryDirectory()
        let src = Fixtures.model("tiny-bert")
        try FileManager.default.copyItem(
            at: src.appendingPathComponent("model.safetensors"), to: dir.appendingPathComponent("model.safetensors"))
        let cfg = try String(contentsOf: src.appendingPathComponent("config.json"), encoding: .utf8)
        try edit(cfg).write(to: dir.appendingPathComponent("config.json"), atomically: false, encoding: .utf8)
        do { _ = try BertEncoder(directory: dir); return "" } catch { return "\(error)" }
    }

    @Test func configThatDisagreesWithWeightsIsNamed() throws {
        #expect(
            try load { $0.replacingOccurrences(of: "\"intermediate_size\": 64", with: "\"intermediate_size\": 128") }
                == "tensor encoder.layer.0.intermediate.dense.weight has shape [64, 32], expected [128, 32] from config.json"
        )
        #expect(
            try load { $0.replacingOccurrences(of: "\"num_hidden_layers\": 3", with: "\"num_hidden_layers\": 4") }
                == "checkpoint is missing tensor encoder.layer.3.attention.self.query.weight")
        #expect(
            try load { $0.replacingOccurrences(of: "\"model_type\": \"bert\"", with: "\"model_type\": \"mpnet\"") }
                .contains(
                    "model_type \"mpnet\" is not supported (supported: bert, distilbert, electra, roberta, albert"))
        #expect(try load { $0 } == "")
    }
}

@Suite struct TaskHeadLoadingTests {
    @Test func labelCountThatDisagreesWithTheClassifierIsNamed() throws {
        let dir = try temporaryDirectory()
        let src = Fixtures.model("heads/bert-sequence")
        try FileManager.default.copyItem(
            at: src.appendingPathComponent("model.safetensors"), to: dir.appendingPathComponent("model.safetensors"))
        var cfg = try String(contentsOf: src.appendingPathComponent("config.json"), encoding: .utf8)
        cfg = cfg.replacingOccurrences(of: "\"2\": \"positive\"", with: "\"2\": \"positive\", \"3\": \"mixed\"")
        try cfg.write(to: dir.appendingPathComponent("config.json"), atomically: false, encoding: .utf8)
        do { _ = try BertEncoder(directory: dir); Issue.record("accepted 4 labels for 3 rows") } catch {
            #expect("\(error)" == "classifier.weight has 3 rows but config.json names 4 labels (id2label / num_labels)")
        }
    }

    @Test func eachFamilysSequenceHeadHasItsOwnLayout() throws {
        let expected: [String: TaskHead.Pooling] = [
            "bert": .tanh, "albert": .tanh, "roberta": .tanh, "xlm-roberta": .tanh, "electra": .activation(.gelu),
            "distilbert": .activation(.relu), "deberta-v3": .activation(.gelu), "camembert": .tanh,
            "deberta-v2": .activation(.gelu),
        ]
        for (family, pooling) in expected {
            let e = try BertEncoder(directory: Fixtures.model("heads/\(family)-sequence"))
            let head = try #require(e.taskHead)
            #expect(head.pooling == pooling && head.dense != nil && head.out.outFeatures == 3, "\(family)")
            let token = try #require(try BertEncoder(directory: Fixtures.model("heads/\(family)-token")).taskHead)
            #expect(token.dense == nil && token.out.outFeatures == 5)
            let qa = try #require(try BertEncoder(directory: Fixtures.model("heads/\(family)-qa")).taskHead)
            #expect(qa.out.outFeatures == 2 && qa.task.kind == .questionAnswering)
        }
    }
}
