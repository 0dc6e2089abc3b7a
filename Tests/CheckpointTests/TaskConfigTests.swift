import Checkpoint
import Foundation
import Testing

@Suite struct TaskConfigTests {
    private let base =
        #""model_type":"bert","vocab_size":100,"hidden_size":32,"num_hidden_layers":2,"num_attention_heads":4,"intermediate_size":64"#

    private func task(_ extra: String) throws -> TaskConfig? {
        try ModelConfig(json: Data(("{" + base + "," + extra + "}").utf8)).task
    }

    private func error(_ extra: String) -> String {
        do { _ = try task(extra); return "" } catch { return "\(error)" }
    }

    @Test func kindLabelsAndProblemTypeComeFromConfig() throws {
        #expect(try task(#""architectures":["BertModel"]"#) == nil)
        let seq = try #require(
            try task(#""architectures":["BertForSequenceClassification"],"id2label":{"1":"pos","0":"neg"}"#))
        #expect(seq.kind == .sequenceClassification && seq.labels == ["neg", "pos"] && seq.problemType == .singleLabel)
        let tok = try #require(try task(#""architectures":["RobertaForTokenClassification"],"num_labels":3"#))
        #expect(tok.kind == .tokenClassification && tok.labels == ["LABEL_0", "LABEL_1", "LABEL_2"])
        #expect(try task(#""architectures":["DistilBertForQuestionAnswering"]"#)?.kind == .questionAnswering)
        let multi = try task(
            #""architectures":["BertForSequenceClassification"],"problem_type":"multi_label_classification""#)
        #expect(multi?.problemType == .multiLabel)
        // One output and no problem type: transformers' pipelines apply a sigmoid.
        #expect(
            try task(#""architectures":["BertForSequenceClassification"],"num_labels":1"#)?.problemType == .multiLabel)
        #expect(
            try task(#""architectures":["BertForSequenceClassification"],"num_labels":1,"problem_type":"regression""#)?
                .problemType == .regression)
    }

    @Test func badLabelTablesAreOneLineErrors() {
        let arch = #""architectures":["BertForSequenceClassification"],"#
        #expect(
            error(arch + #""id2label":{"0":"a","2":"b"}"#)
                == "config.json: id2label key \"2\" is not an id from 0 to 1")
        #expect(
            error(arch + #""id2label":{"zero":"a"}"#) == "config.json: id2label key \"zero\" is not an id from 0 to 0")
        #expect(error(arch + #""id2label":{"0":5}"#) == "config.json: id2label[0] is not a string")
        #expect(error(arch + #""num_labels":0"#) == "config.json: num_labels = 0 is out of range (1…65536)")
        #expect(error(arch + #""num_labels":99999999999"#).contains("num_labels = 99999999999 is out of range"))
        #expect(error(arch + #""problem_type":"ranking""#).contains("problem_type \"ranking\" is not supported"))
        #expect(error(arch + #""problem_type":7"#) == "config.json: problem_type is not a string")
    }

    @Test func overlayMetadataDescribesItsHead() throws {
        let t = try #require(
            try TaskConfig(metadata: [
                "task": "sequence-classification", "id2label": #"{"0":"negative","1":"positive"}"#,
            ]))
        #expect(t.kind == .sequenceClassification && t.labels == ["negative", "positive"])
        #expect(try TaskConfig(metadata: [:]) == nil)
    }
}
