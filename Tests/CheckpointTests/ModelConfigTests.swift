import Checkpoint
import Foundation
import Testing
import TestSupport

@Suite struct ModelConfigTests {
    private func config(_ json: String) throws -> ModelConfig { try ModelConfig(json: Data(json.utf8)) }
    private let base =
        #""vocab_size":100,"hidden_size":32,"num_hidden_layers":2,"num_attention_heads":4,"intermediate_size":64"#

    @Test func decodesEverythingFromConfig() throws {
        let c = try config(
            #"{"model_type":"bert","# + base
                + #","hidden_act":"gelu_new","layer_norm_eps":1e-5,"max_position_embeddings":128,"type_vocab_size":3}"#)
        #expect(
            c.activation == .geluTanh && c.layerNormEps == 1e-5 && c.maxPositions == 128 && c.typeVocabSize == 3
                && c.headDim == 8)
        let d = try config(#"{"model_type":"bert","# + base + #"}"#)
        #expect(d.activation == .gelu && d.layerNormEps == 1e-12 && d.maxPositions == 512 && d.typeVocabSize == 2)
        #expect(try config(#"{"model_type":"bert","# + base + #","hidden_act":"relu"}"#).activation == .relu)
        #expect(
            try config(#"{"model_type":"bert","# + base + #","hidden_act":"gelu_pytorch_tanh"}"#).activation
                == .geluTanh)
    }

    @Test func unsupportedSettingsNameTheField() {
        let cases: [(String, String)] = [
            // Found by the config fuzzer: one bucket made the log-bucket formula divide by zero (a trap at forward).
            (
                #"{"model_type":"deberta-v2","# + base + #","relative_attention":true,"position_buckets":1}"#,
                "position_buckets = 1 needs 2 or more"
            ),
            (
                #"{"model_type":"deberta-v2","# + base
                    + #","relative_attention":true,"position_buckets":256,"max_relative_positions":100}"#,
                "above half of it plus one"
            ),
            (
                #"{"model_type":"bert","# + base + #","layer_norm_eps":-1e-12}"#,
                "layer_norm_eps = -1e-12 must be a small positive number"
            ),
            (#"{"model_type":"bert","# + base + #","layer_norm_eps":"x"}"#, "layer_norm_eps = nan"),
            (
                #"{"model_type":"albert","vocab_size":100,"hidden_size":32,"num_hidden_layers":4611686018427387903,"inner_group_num":4,"num_attention_heads":4,"intermediate_size":64}"#,
                "num_hidden_layers = 4611686018427387903 is out of range (1…256 with inner_group_num 4)"
            ),
            (
                #"{"model_type":"bert","vocab_size":100,"hidden_size":32,"num_hidden_layers":2000,"num_attention_heads":4,"intermediate_size":64}"#,
                "num_hidden_layers = 2000 is out of range (1…1024)"
            ),
            (
                #"{"model_type":"gpt2","# + base + #"}"#,
                "model_type \"gpt2\" is not supported (supported: bert, distilbert, electra, roberta, albert"
            ),
            (#"{"model_type":"albert","# + base + #","inner_group_num":0}"#, "inner_group_num = 0 is out of range"),
            (#"{"model_type":"albert","# + base + #","num_hidden_groups":9}"#, "num_hidden_groups = 9"),
            (
                #"{"model_type":"deberta-v2","# + base + #","conv_kernel_size":3,"conv_groups":2}"#,
                "conv_groups = 2 is not supported"
            ),
            (
                #"{"model_type":"deberta-v2","# + base + #","conv_kernel_size":3,"conv_act":"mish"}"#,
                "conv_act \"mish\" is not supported"
            ),
            (
                #"{"model_type":"deberta-v2","# + base + #","relative_attention":true,"pos_att_type":"p2c|p2p"}"#,
                "pos_att_type \"p2p\" is not supported (supported: c2p, p2c)"
            ),
            (#"{"model_type":"deberta-v2","# + base + #","attention_head_size":16}"#, "attention_head_size = 16"),
            (#"{"model_type":"bert","# + base + #","hidden_act":"mish"}"#, "hidden_act \"mish\""),
            (
                #"{"model_type":"bert","# + base + #","position_embedding_type":"relative_key"}"#,
                "position_embedding_type"
            ),
            (#"{"model_type":"bert","vocab_size":100}"#, "hidden_size"),
            (
                #"{"model_type":"bert","vocab_size":100,"hidden_size":30,"num_hidden_layers":2,"num_attention_heads":4,"intermediate_size":64}"#,
                "not divisible"
            ),
            (#"{"vocab_size":1}"#, "no model_type"),
            ("[1,2]", "not a JSON object"),
        ]
        for (json, expected) in cases {
            do { _ = try config(json); Issue.record("accepted \(json)") } catch {
                #expect("\(error)".contains(expected), "\(error)")
            }
        }
    }

    @Test func albertAppliesItsLayerGroupsAsTransformersDoes() throws {
        func groups(_ layers: Int, _ g: Int) throws -> [Int] {
            let c = try config(
                #"{"model_type":"albert","vocab_size":100,"hidden_size":32,"num_attention_heads":4,"intermediate_size":64,"num_hidden_layers":\#(layers),"num_hidden_groups":\#(g)}"#
            )
            #expect(c.storedLayers == g && c.activation == .geluTanh && c.embeddingSize == 128)
            return (0..<layers).map(c.weightLayer)
        }
        #expect(try groups(12, 1) == Array(repeating: 0, count: 12))
        #expect(try groups(4, 2) == [0, 0, 1, 1])
        #expect(try groups(3, 2) == [0, 0, 1])  // int(l / 1.5)
        #expect(try config(#"{"model_type":"bert","# + base + #"}"#).weightLayer(1) == 1)
        // Two layers per group: 3 applications of groups [0, 0, 1] run 6 layers.
        let inner = try config(
            #"{"model_type":"albert","vocab_size":100,"hidden_size":32,"num_attention_heads":4,"intermediate_size":64,"num_hidden_layers":3,"num_hidden_groups":2,"inner_group_num":2}"#
        )
        #expect(
            inner.numLayers == 6 && inner.storedLayers == 4 && (0..<6).map(inner.weightLayer) == [0, 1, 0, 1, 2, 3])
    }

    @Test func debertaRelativeSettingsAndBuckets() throws {
        let c = try config(
            #"{"model_type":"deberta-v2","# + base
                + #","relative_attention":true,"position_buckets":256,"max_relative_positions":-1,"pos_att_type":"p2c|c2p","share_att_key":true,"norm_rel_ebd":"layer_norm","position_biased_input":false}"#
        )
        let r = try #require(c.relative)
        #expect(r.span == 256 && r.maxRelative == 512 && r.scaleFactor == 3 && r.shareKey && r.normEmbeddings)
        #expect(c.layerNormEps == 1e-7 && c.typeVocabSize == 0 && !c.positionBiasedInput)
        // make_log_bucket_position(·, 256, 512): exact below 128, log-spaced beyond, odd in sign.
        #expect((0...127).allSatisfy { r.bucket($0) == $0 && r.bucket(-$0) == -$0 })
        #expect(
            r.bucket(128) == 128 && r.bucket(129) == 129 && r.bucket(511) == 255 && r.bucket(-300) == -r.bucket(300))
        #expect(try config(#"{"model_type":"deberta-v2","# + base + #"}"#).relative == nil)
    }

    @Test func shapeMismatchNamesTheTensor() throws {
        let dir = try temporaryDirectory()
        let src = Fixtures.model("tiny-bert")
        try FileManager.default.copyItem(
            at: src.appendingPathComponent("model.safetensors"), to: dir.appendingPathComponent("model.safetensors"))
        var cfg = try String(contentsOf: src.appendingPathComponent("config.json"), encoding: .utf8)
        cfg = cfg.replacingOccurrences(of: "\"intermediate_size\": 64", with: "\"intermediate_size\": 128")
        try cfg.write(to: dir.appendingPathComponent("config.json"), atomically: false, encoding: .utf8)
        let store = try WeightStore(directory: dir)
        #expect(store.contains("encoder.layer.0.intermediate.dense.weight"))
        // The encoder layer lives in another module; the shape check itself is Tensor.expectShape.
        let t = try store.tensor("encoder.layer.0.intermediate.dense.weight")
        do { try t.expectShape([128, 32]); Issue.record("accepted wrong shape") } catch {
            #expect(
                "\(error)"
                    == "tensor encoder.layer.0.intermediate.dense.weight has shape [64, 32], expected [128, 32] from config.json"
            )
        }
    }

    @Test func missingWeightsAreExplained() throws {
        let dir = try temporaryDirectory()
        do { _ = try WeightStore(directory: dir); Issue.record("accepted empty dir") } catch {
            #expect("\(error)".contains("has no model.safetensors, pytorch_model.bin or a sharded index of either"))
        }
        try Data([0]).write(to: dir.appendingPathComponent("pytorch_model.bin"))
        do { _ = try WeightStore(directory: dir); Issue.record("accepted .bin") } catch {
            #expect(
                "\(error)"
                    == "pytorch_model.bin: not a PyTorch checkpoint (neither a zip archive nor the legacy pickle format)"
            )
        }
    }
}
