import Checkpoint
import Analysis
import Encoder
import Foundation
import Session
import Testing
import TestSupport
import Tokenizers
@testable import WorkbenchUI

@Suite struct ProbingPaneTests {
    static func trainedProbes() throws -> TrainedProbes {
        let all = try LabeledCorpus.read(Fixtures.packageRoot.appendingPathComponent("Samples/probing/dev.conllu"))
        let (train, dev, test) = (Array(all[0..<60]), Array(all[60..<75]), Array(all[75..<95]))
        let f = try [train, dev, test].map {
            try ProbeFeatures.extract($0, encoder: tinyModel.encoder, tokenizer: tinyModel.tokenizer)
        }
        var o = LogisticRegression.Options()
        o.maxEpochs = 4
        return try Prober.train(
            task: "upos", train: train, dev: dev, test: test, features: (f[0].0, f[1].0, f[2].0),
            kept: (f[0].1, f[1].1, f[2].1), options: o)
    }

    @Test func showsAccuracyPerLayerAndEachWordsLabels() throws {
        let w = makeWorkbench("the cat sat on the mat")
        w.state.focus = .probing
        var g = w.render(width: 120, height: 40)
        #expect(g.contains("No probes trained for this model yet"))
        let probes = try Self.trainedProbes()
        w.probes = [probes]
        g = w.render(width: 120, height: 40)
        #expect(g.contains("┌ Probing · what each layer knows"))
        #expect(g.contains("▶ upos") && g.contains("expected layer"))
        #expect(g.contains("word \\ layer") && g.contains("emb") && g.contains("L3"))
        let row = try #require(g.row(containing: "││the "))
        let pane = g.line(row).components(separatedBy: "││").last ?? ""
        let cells = pane.split(separator: " ").map(String.init).filter { !$0.isEmpty && $0 != "│" }.dropFirst()
        #expect(cells.count >= 4 && cells.prefix(4).allSatisfy { probes.labels.contains($0) }, "\(cells)")
        w.press(.char("r"))
        g = w.render(width: 120, height: 40)
        #expect(g.contains("cosine to the same token one layer down"))
    }

    /// A damaged cache file (bad offset, bias of the wrong length, labels that
    /// do not match) is set aside with one notice; the workbench starts. (A bad
    /// offset crashed every start, a short bias hit a precondition.)
    @Test func poisonedProbeCachesAreSetAside() throws {
        let p = try Self.trainedProbes()
        let dir = try temporaryDirectory()
        let key = ProbeCache.modelKey(tinyModel.directory)
        try ProbeCache.save(p, key: key + "-good-upos", in: dir)
        // A bad offset: the first tensor claims bytes far past the file.
        var bytes = [UInt8](try Data(contentsOf: dir.appendingPathComponent(key + "-good-upos.safetensors")))
        let headerLength = Int(bytes[0..<8].withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        var header = String(decoding: bytes[8..<(8 + headerLength)], as: UTF8.self)
        header = header.replacingOccurrences(of: #""data_offsets":[0,"#, with: #""data_offsets":[9223372036854775000,"#)
        bytes.replaceSubrange(8..<(8 + headerLength), with: Array(header.utf8))
        try Data(bytes).write(to: dir.appendingPathComponent(key + "-offset-upos.safetensors"))
        // Labels that no longer match the probes' classes.
        var fewer = p.labels
        fewer.removeLast()
        try ProbeCache.save(
            TrainedProbes(task: "upos", labels: fewer, report: p.report, probes: p.probes), key: key + "-labels-upos",
            in: dir)
        // A bias one class short of its weights.
        let w0 = p.probes[0]
        try SafeTensorsWriter.write(
            dir.appendingPathComponent(key + "-bias-upos.safetensors"),
            tensors: [
                ("layer0.weight", [w0.classes, w0.inputs], w0.weights),
                ("layer0.bias", [w0.classes - 1], Array(w0.bias.dropLast())),
            ],
            metadata: [
                "task": "upos", "labels": p.labels.joined(separator: "\u{1F}"), "accuracy": "0.5",
                "control_accuracy": "0.5",
            ])
        let w = makeWorkbench("the cat sat")
        w.loadProbes(in: dir)
        #expect(w.probes.count == 1)
        #expect(
            w.state.notice?.isError == true && w.state.notice!.text.contains("set aside")
                && w.state.notice!.text.contains("and 2 more"), "\(String(describing: w.state.notice))")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(names.filter { $0.hasSuffix(".bad") }.count == 3)
        w.state.focus = .probing
        _ = w.render(width: 120, height: 40)
        w.loadProbes(in: dir)  // the next start: no notice, nothing left to set aside
        #expect(w.probes.count == 1)
    }

    @Test func cachedProbesRoundTrip() throws {
        let p = try Self.trainedProbes()
        let dir = try temporaryDirectory()
        try ProbeCache.save(p, key: "m-d-upos", in: dir)
        let back = try #require(try ProbeCache.load(key: "m-d-upos", in: dir))
        #expect(
            back.labels == p.labels && back.report.accuracy == p.report.accuracy
                && back.report.controlAccuracy == p.report.controlAccuracy)
        #expect(back.probes.map(\.weights) == p.probes.map(\.weights))
        #expect(
            ProbeCache.all(model: "m", in: dir).probes.count == 1
                && ProbeCache.all(model: "x", in: dir).probes.isEmpty)
        let k1 = ProbeCache.key(modelDirectory: Fixtures.model("tiny-bert"), task: "upos", dataFiles: [])
        let k2 = ProbeCache.key(modelDirectory: Fixtures.model("tiny-electra"), task: "upos", dataFiles: [])
        #expect(k1 != k2 && k1.hasSuffix("-upos") && k1.hasPrefix(ProbeCache.modelKey(Fixtures.model("tiny-bert"))))
        // pytorch_model.bin weights are part of the key: same config, different weights, different probes.
        let torch = Fixtures.root.appendingPathComponent("models/torch-formats")
        #expect(
            ProbeCache.modelKey(torch.appendingPathComponent("zip"))
                != ProbeCache.modelKey(torch.appendingPathComponent("legacy")))
    }
}

@Suite struct GoldSentenceTests {
    @Test func goldLabelsFromTheDataAreShown() throws {
        let w = makeWorkbench("")
        w.gold.source = Fixtures.packageRoot.appendingPathComponent("Samples/probing/test.conllu")
        w.probes = [try ProbingPaneTests.trainedProbes()]
        w.run(command: "gold mother can spare")
        w.session.waitUntilIdle()
        #expect(w.state.editorA.text.hasPrefix("I am sure your mother can spare you very well"))
        #expect(w.state.focus == .probing)
        let g = w.render(width: 120, height: 40)
        #expect(g.contains("gold"))
        let row = try #require(g.row(containing: "│mother "))
        #expect(
            g.line(row).trimmingCharacters(in: .whitespaces).hasSuffix("NOUN                  │"),
            "gold NOUN in the last column")
        w.run(command: "gold no such words anywhere")
        #expect(w.state.notice?.isError == true)
    }
}
