import CorpusText
import Testing

@testable import WorkbenchUI

/// The dataset table: scores and confusion over every labelled row, filters and
/// orders, frames at the sizes people use, and its keys.
@Suite struct DatasetViewTests {
    static let dataset: CorpusDataset = {
        let rows: [(String, String?, String, Float, Float?, Int)] = [
            ("The movie was wonderful.", "positive", "positive", 0.98, 0.02, 6),
            ("The tea tasted like dishwater.", "negative", "positive", 0.92, 2.49, 8),
            ("I could not put this book down.", "positive", "negative", 0.85, 1.88, 9),
            ("The service was slow and rude.", "negative", "negative", 0.97, 0.03, 8),
            ("The train leaves at four.", nil, "positive", 0.54, nil, 7),
            ("An utterly joyless evening.", "negative", "negative", 0.71, 0.34, 6),
        ]
        return CorpusDataset(
            classifier: "BertScope sentiment head on layers 5–6 · held-out 85% · silver labels",
            classes: ["negative", "positive"],
            rows: rows.enumerated().map { i, r in
                DatasetRow(
                    sentence: i, text: r.0, pair: nil, gold: r.1, predicted: r.2, probability: r.3, loss: r.4,
                    tokens: r.5)
            },
            pushes: [
                [
                    TokenPush(token: "rude", total: 2.41, count: 1), TokenPush(token: "joy", total: 1.9, count: 1),
                    TokenPush(token: "##less", total: 1.2, count: 1),
                ],
                [TokenPush(token: "wonderful", total: 3.05, count: 1), TokenPush(token: "tea", total: 0.61, count: 1)],
            ])
    }()

    @Test func scoresCountEveryLabelledRowAndFiltersAndOrdersHold() {
        let all = DatasetView(Self.dataset, sort: .loss, filter: 0, selected: 0)
        #expect(all.labelled == 5 && all.answered == 6)
        #expect(all.confusion == [[2, 1], [1, 1]])
        #expect(abs(all.accuracy - 0.6) < 1e-12)
        // negative: P 2/3, R 2/3; positive: P 1/2, R 1/2 → macro F1 (2/3 + 1/2) / 2.
        #expect(abs(all.macroF1 - (2.0 / 3 + 0.5) / 2) < 1e-12)
        #expect(all.rows.map(\.sentence) == [1, 2, 5, 3, 0, 4], "highest loss first, unlabelled last")
        let wrong = DatasetView(Self.dataset, sort: .confidence, filter: 1, selected: 9)
        #expect(wrong.rows.map(\.sentence) == [2, 1] && wrong.selected == 1 && wrong.filter == "misclassified")
        let positive = DatasetView(Self.dataset, sort: .length, filter: 3, selected: 0)
        #expect(positive.rows.map(\.sentence) == [2, 0] && positive.filter == "gold positive")
        #expect(
            DatasetView(Self.dataset, sort: .corpus, filter: 0, selected: 0).rows.map(\.sentence) == [0, 1, 2, 3, 4, 5])
        let the = DatasetView(Self.dataset, sort: .corpus, filter: 0, word: "THE", selected: 0)
        #expect(the.rows.map(\.sentence) == [0, 1, 3, 4] && the.filter == "every row containing \"THE\"")
        #expect(the.labelled == 5, "the scores stay the whole corpus's")
    }

    func frame(_ w: Int, _ h: Int, selected: Int, heads: Bool = false) -> CellGrid {
        var c = CorpusViewTests.view(), d = Self.dataset
        // Head importance over the rows (corpus report --heads): L2·H1 helps most.
        if heads {
            d.heads = DatasetHeadImportance(layers: 2, heads: 3, rows: 5, mean: [0.01, -0.004, 0, -0.21, 0.02, -0.05])
        }
        c.dataset = DatasetView(d, sort: .loss, filter: 0, selected: selected)
        c.readingDataset = true
        var v = ViewFixtures.view()
        v.probing = ProbingView(content: .corpus(c))
        var s = ViewFixtures.state(.probing)
        s.probing.corpus = true
        s.probing.dataset = true
        return FrameGoldenTests().frame(v, s, w, h)
    }

    @Test func framesAtTheSizesPeopleUse() {
        FrameGoldenTests().expectGolden("corpus-dataset-80x24", frame(80, 24, selected: 1))
        FrameGoldenTests().expectGolden("corpus-dataset-160x48", frame(160, 48, selected: 2, heads: true))
        let h = DatasetView(
            {
                var d = Self.dataset;
                d.heads = .init(layers: 2, heads: 3, rows: 5, mean: [0.01, -0.004, 0, -0.21, 0.02, -0.05]); return d
            }(),
            sort: .loss, filter: 0, selected: 0)
        #expect(h.helpfulHeads.map(\.0).prefix(3) == ["L2·H1", "L2·H3", "L1·H2"] && h.headRows == 5)
    }

    @Test func keysSortFilterAndMoveWithinTheRows() {
        var s = ViewFixtures.state(.probing)
        s.probing.corpus = true
        s.probing.dataset = true
        #expect(s.context == .dataset)
        var e = Extent()
        e.corpusLayers = [0, 6]
        e.datasetClasses = 2
        e.datasetRows = 6
        let facts = FrameFacts(extent: e)
        for _ in 0..<3 { s = Update.update(s, .char("f"), facts).0 }
        #expect(s.probing.datasetFilter == 3)
        s = Update.update(s, .char("f"), facts).0
        #expect(s.probing.datasetFilter == 0, "after the last class, every row again")
        s = Update.update(s, .char("s"), facts).0
        #expect(s.probing.datasetSort == .confidence)
        for _ in 0..<10 { s = Update.update(s, .down, facts).0 }
        #expect(s.probing.datasetRow == 5)
        s = Update.update(s, .char("d"), facts).0
        #expect(!s.probing.dataset && s.context == .corpus)
    }

    @Test func theFilterCommandOpensTheTableOnTheRowsWithTheWord() {
        var s = ViewFixtures.state(.tokens)
        _ = s.filterDataset(" tea ")
        #expect(s.probing.corpus && s.probing.dataset && s.probing.datasetWord == "tea" && s.focus == .probing)
        _ = s.filterDataset("")
        #expect(s.probing.datasetWord == nil)
    }
}
