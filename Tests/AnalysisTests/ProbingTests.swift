import Analysis
import Encoder
import Foundation
import Testing
import TestSupport
import Tokenizers

@Suite struct ProbingTests {
    static let conllu = """
        # sent_id = 1
        # text = Mr. Darcy bowed; she didn't.
        1\tMr.\tMr.\tPROPN\tNNP\t_\t2\tcompound\t_\tNER=B-PERSON
        2\tDarcy\tDarcy\tPROPN\tNNP\t_\t3\tnsubj\t_\tNER=I-PERSON
        3\tbowed\tbow\tVERB\tVBD\t_\t0\tROOT\t_\tNER=O|SpaceAfter=No
        4\t;\t;\tPUNCT\t:\t_\t3\tpunct\t_\tNER=O
        5-6\tdidn't\t_\t_\t_\t_\t_\t_\t_\t_
        5\tshe\tshe\tPRON\tPRP\t_\t6\tnsubj\t_\tNER=O
        6\tdid\tdo\tAUX\tVBD\t_\t3\tconj:and\t_\tNER=O|SpaceAfter=No
        7\t.\t.\tPUNCT\t.\t_\t3\tpunct\t_\tNER=O

        """

    @Test func readsCoNLLUWithEntitiesAndSpacing() throws {
        let s = try LabeledCorpus.conllu(Self.conllu)
        #expect(s.count == 1)
        let sent = s[0]
        #expect(sent.words == ["Mr.", "Darcy", "bowed", ";", "she", "did", "."])
        #expect(sent.labels["upos"] == ["PROPN", "PROPN", "VERB", "PUNCT", "PRON", "AUX", "PUNCT"])
        #expect(sent.labels["ner"] == ["B-PERSON", "I-PERSON", "O", "O", "O", "O", "O"])
        #expect(sent.labels["deprel"]?[5] == "conj")  // subtype dropped
        #expect(sent.text.0 == "Mr. Darcy bowed; she did.")
        #expect(sent.text.1[4] == 17..<20)
        #expect(throws: LabeledCorpus.ParseError.self) { try LabeledCorpus.conllu("1\tonly\tthree\n") }
        let tsv = try LabeledCorpus.tsv("a\tX\nb\tY\n\nc\tZ\n")
        #expect(tsv.map(\.words) == [["a", "b"], ["c"]] && tsv[1].labels["label"] == ["Z"])
    }

    @Test func controlTaskIsPerWordTypeAndSeeded() throws {
        var splits = [try LabeledCorpus.conllu(Self.conllu + "\n" + Self.conllu)]
        LabeledCorpus.addControl(to: &splits, task: "upos", seed: 3)
        let c = splits[0].map { $0.labels["control"]! }
        #expect(c[0] == c[1])  // same words, same labels
        var again = [try LabeledCorpus.conllu(Self.conllu + "\n" + Self.conllu)]
        LabeledCorpus.addControl(to: &again, task: "upos", seed: 3)
        #expect(again[0].map { $0.labels["control"]! } == c)
        #expect(Set(c[0]).isSubset(of: ["PROPN", "VERB", "PUNCT", "PRON", "AUX"]))
    }

    @Test func logisticRegressionLearnsASeparableProblem() {
        // Three Gaussian blobs in 4-D.
        var rng = SystemRandomNumberGenerator()
        func data(_ n: Int) -> ([Float], [Int]) {
            var x: [Float] = [], y: [Int] = []
            for i in 0..<n {
                let c = i % 3
                for k in 0..<4 { x.append((k == c ? 3 : 0) + Float.random(in: -0.5...0.5, using: &rng)) }
                y.append(c)
            }
            return (x, y)
        }
        let (x, y) = data(600), (dx, dy) = data(90), (tx, ty) = data(90)
        var m = LogisticRegression(classes: 3, inputs: 4)
        m.fit(x, y, devX: dx, devY: dy)
        #expect(m.accuracy(tx, ty) > 0.97)
        #expect(m.epochsRun >= 1)
    }

    /// Features extracted in length-grouped batches are the ones a forward
    /// pass per sentence gives (first piece and mean of pieces), in sentence order.
    @Test func batchedFeaturesEqualOneSentenceAtATime() throws {
        let dir = Fixtures.model("tiny-bert")
        let enc = try BertEncoder(directory: dir), tok = try Tokenizer.load(directory: dir)
        let all = try LabeledCorpus.read(Fixtures.packageRoot.appendingPathComponent("Samples/probing/dev.conllu"))
        let sentences = Array(all[0..<60])
        for pooling in [ProbeFeatures.Pooling.first, .mean] {
            let (f, kept) = try ProbeFeatures.extract(sentences, encoder: enc, tokenizer: tok, pooling: pooling)
            var w = 0
            for (si, s) in sentences.enumerated() {
                let e = tok.encode(s.text.0, maxLength: enc.config.maxTokens)
                let t = try enc.forward(ids: e.ids, typeIds: e.typeIds)
                for (k, r) in s.text.1.enumerated() where kept[si][k] {
                    let pieces = e.typedPositions.filter {
                        e.offsets[$0].start >= r.lowerBound && e.offsets[$0].end <= r.upperBound
                            && e.offsets[$0].end > e.offsets[$0].start
                    }
                    for l in 0...t.layers {
                        var want = [Float](repeating: 0, count: f.width)
                        for p in (pooling == .first ? [pieces[0]] : pieces) {
                            for (c, x) in t.hiddenState(layer: l, token: p).enumerated() {
                                want[c] += x / Float(pooling == .first ? 1 : pieces.count)
                            }
                        }
                        let got = Array(f.vectors[l][(w * f.width)..<((w + 1) * f.width)])
                        #expect(
                            zip(got, want).allSatisfy { abs($0 - $1) <= 1e-5 }, "sentence \(si) word \(k) layer \(l)")
                    }
                    w += 1
                }
            }
            #expect(w == f.count)
        }
    }

    @Test func probesEveryLayerOfARealEncoder() throws {
        let dir = Fixtures.model("tiny-bert")
        let enc = try BertEncoder(directory: dir), tok = try Tokenizer.load(directory: dir)
        let all = try LabeledCorpus.read(Fixtures.packageRoot.appendingPathComponent("Samples/probing/dev.conllu"))
        let (train, dev, test) = (Array(all[0..<120]), Array(all[120..<150]), Array(all[150..<190]))
        let f = try [train, dev, test].map { try ProbeFeatures.extract($0, encoder: enc, tokenizer: tok) }
        #expect(f[0].0.layers == 4 && f[0].0.width == 32)
        #expect(f[0].0.count == f[0].1.joined().filter { $0 }.count)
        var o = LogisticRegression.Options()
        o.maxEpochs = 8
        let r = try Prober.run(
            task: "upos", train: train, dev: dev, test: test, features: (f[0].0, f[1].0, f[2].0),
            kept: (f[0].1, f[1].1, f[2].1), options: o)
        #expect(r.accuracy.count == 4 && r.controlAccuracy.count == 4)
        #expect(r.accuracy.allSatisfy { $0 >= 0 && $0 <= 1 })
        // Even random weights keep word identity in the embeddings: better than always guessing the commonest tag.
        let tags = test.flatMap { $0.labels["upos"] ?? [] }
        let majority =
            Double(Dictionary(grouping: tags, by: { $0 }).values.map(\.count).max() ?? 0) / Double(tags.count)
        #expect(r.accuracy[0] > majority + 0.05, "embeddings \(r.accuracy[0]) vs majority \(majority)")
        #expect(r.expectedLayer >= 0 && r.expectedLayer <= 3)
    }
}
