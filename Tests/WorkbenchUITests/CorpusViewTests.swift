import Foundation
import CorpusText
import Testing
import TextCells

@testable import WorkbenchUI

/// The probing pane's corpus view: frames from hand-made views at the sizes people use,
/// its context cutting, its layer stepping and what its keys refuse.
@Suite struct CorpusViewTests {
    static func view(selected: Int = 1) -> CorpusView {
        let rows: [(Float, String, String, String, String?)] = [
            (0.934, "They sat on the ", "bank", " of the river and watched the boats go by.", "NOUN"),
            (0.871, "She walked along the grassy ", "bank", ", picking flowers.", "NOUN"),
            (
                0.802, "After a long and rather tiresome morning spent in the town, Elinor reached the ", "shore",
                " at last.", "NOUN"
            ),
            (0.655, "The ", "banks", " of the Thames were crowded.", "NOUN"),
            (0.512, "He will ", "bank", " on her good sense.", "VERB"),
            (0.433, "東京の", "川", "の岸", nil),
        ]
        let matches = rows.enumerated().map { i, r in
            CorpusView.Match(
                cosine: r.0, left: r.1, token: r.2, right: r.3, sentence: 100 + i, position: 5, tag: r.4)
        }
        return CorpusView(
            index: "austen-index · 500 rows · 12,873 tokens", layers: [0, 3, 6], layer: 3, query: "bank",
            position: 5, matches: matches, selected: selected, tags: [("NOUN", 4), ("VERB", 1)],
            milliseconds: 21, status: .ready)
    }

    func frame(_ c: CorpusView, _ w: Int, _ h: Int) -> CellGrid {
        var v = ViewFixtures.view()
        v.probing = ProbingView(content: .corpus(c))
        var s = ViewFixtures.state(.probing)
        s.probing.corpus = true
        return FrameGoldenTests().frame(v, s, w, h)
    }

    @Test func framesAtTheSizesPeopleUse() {
        FrameGoldenTests().expectGolden("corpus-80x24", frame(Self.view(), 80, 24))
        var tagged = Self.view(selected: 4)
        tagged.moreTags = [("deprel", [("pobj", 3), ("nsubj", 2)]), ("ner", [("O", 5), ("GPE", 1)])]
        FrameGoldenTests().expectGolden("corpus-160x48", frame(tagged, 160, 48))
        var byHead = Self.view(selected: 2)
        (byHead.head, byHead.layers, byHead.silverTags) = (4, [3, 6], true)
        FrameGoldenTests().expectGolden("corpus-by-head-80x24", frame(byHead, 80, 24))
        var none = Self.view()
        none.index = nil
        none.status = .noIndex
        FrameGoldenTests().expectGolden("corpus-none-80x24", frame(none, 80, 24))
    }

    /// A hand-made projection: three clusters (NOUN, VERB, PUNCT) and stragglers without tags.
    static func scatter() -> ScatterView {
        var points: [Float] = [], codes: [UInt16] = []
        for (k, centre) in [(-2.0, 1.0), (1.5, 1.5), (0.0, -2.0)].enumerated() {
            for i in 0..<60 {
                let a = Double(i) * 0.7, radius = 0.15 + 0.012 * Double(i)
                points += [Float(centre.0 + radius * cos(a)), Float(centre.1 + radius * sin(a))]
                codes.append(UInt16(k + 1))
            }
        }
        points += [2.8, -2.6, -2.9, -2.7]
        codes += [0, 9]
        let under = CorpusView.Match(
            cosine: 0, left: "They sat on the ", token: "bank", right: " of the river.", sentence: 3, position: 5,
            tag: "NOUN")
        let grid = ScatterGrid(points: points, codes: codes, tags: ["NOUN", "VERB", "PUNCT"], tagName: "upos")
        func place(_ row: Int) -> [Double] {
            let f = ScatterGrid.fraction(points[2 * row], points[2 * row + 1], bounds: grid.bounds)!
            return [f.0, f.1]
        }
        let query = ScatterGrid.fraction(-1.9, 1.1, bounds: grid.bounds)!
        return ScatterView(
            grid: grid, explained: [0.123, 0.081], query: [query.0, query.1], neighbours: [0, 3, 7].map(place),
            cursor: [0.25, 0.3], underCursor: under)
    }

    @Test func projectorFrames() {
        var v = Self.view()
        v.scatter = Self.scatter()
        v.projecting = true
        var fv = ViewFixtures.view()
        fv.probing = ProbingView(content: .corpus(v))
        var s = ViewFixtures.state(.probing)
        s.probing.corpus = true
        s.probing.corpusProjection = true
        FrameGoldenTests().expectGolden("corpus-projector-80x24", FrameGoldenTests().frame(fv, s, 80, 24))
        FrameGoldenTests().expectGolden("corpus-projector-160x48", FrameGoldenTests().frame(fv, s, 160, 48))
        // Matching by a head does not change what the projector draws (hidden states): no head named over it.
        var byHead = v
        byHead.head = 2
        fv.probing = ProbingView(content: .corpus(byHead))
        #expect(!FrameGoldenTests().frame(fv, s, 160, 48).text.contains("by head"))
        fv.probing = ProbingView(content: .corpus(v))
        // Sentences coloured by whether the classifier was right: the legend names it, no token singled out.
        var sentences = Self.scatter()
        sentences.grid = ScatterGrid(
            counts: sentences.grid.counts, bounds: sentences.grid.bounds, tags: ["right", "wrong"], tagName: "correct")
        (sentences.sentences, sentences.colouring, sentences.neighbours) = (true, "correct", [])
        v.scatter = sentences
        fv.probing = ProbingView(content: .corpus(v))
        s.probing.projectorSentences = true
        FrameGoldenTests().expectGolden("corpus-projector-sentences-80x24", FrameGoldenTests().frame(fv, s, 80, 24))
    }

    /// `s` switches tokens and sentences; `o` cycles what the index can colour by, and says why not
    /// when there is one choice or none.
    @Test func theProjectorSwitchesPointsAndCyclesColourings() {
        var s = ViewFixtures.state(.probing)
        s.probing.corpus = true
        s.probing.corpusProjection = true
        var e = Extent()
        e.corpusLayers = [0, 3]
        func press(_ k: Key) { s = Update.update(s, k, FrameFacts(extent: e)).0 }
        press(.char("s"))
        #expect(s.probing.projectorSentences)
        #expect(ProbingPane.oneColouring(s, e)?.contains("--silver") == true)
        e.corpusColourings = ["upos", "label", "correct"]
        e.corpusColouring = "upos"
        press(.char("o"))
        #expect(s.probing.projectorColour == "label")
        e.corpusColouring = "correct"
        press(.char("o"))
        #expect(s.probing.projectorColour == "upos", "wraps")
        e.corpusColourings = ["label"]
        #expect(ProbingPane.oneColouring(s, e) == "label is all this index can colour by")
        press(.char("s"))
        #expect(!s.probing.projectorSentences)
    }

    @Test func theGridHoldsEveryPointAndTheCursorFindsTheNearest() {
        let points: [Float] = [0, 0, 1, 1, 2.8, -2.6, -2.9, 2.7, .nan, 5]
        let grid = ScatterGrid(points: points, codes: [1, 2, 3, 0, 1], tags: ["A", "B", "C"], tagName: "upos")
        #expect(grid.bounds == [-2.9, 2.8, -2.6, 2.7], "the NaN point is left out of the box")
        #expect(grid.counts.reduce(0, +) == 4, "every finite point is binned once")
        // Fractions of the box: x right, y down. The bottom-right corner is the point (2.8, -2.6).
        #expect(ScatterGrid.nearest(points, bounds: grid.bounds, fraction: (1, 1)) == 2)
        #expect(ScatterGrid.nearest(points, bounds: grid.bounds, fraction: (0, 0)) == 3)
        #expect(ScatterGrid.bounds([1, 1, 1, 1]) == [0, 2, 0, 2])
        #expect(ScatterGrid.fraction(9, 0, bounds: grid.bounds) == nil)
    }

    @Test func theTokenIsAlwaysShownAndTheSidesCutWithEllipses() {
        let m = Self.view().matches[2]
        for width in [12, 20, 40, 80] {
            let (left, right) = ProbingPane.split(m, width: width)
            #expect(displayWidth(left + m.token + right) <= width, "width \(width)")
            #expect(left.isEmpty || left.hasPrefix("…") || m.left.hasSuffix(left))
            #expect(right.isEmpty || right.hasSuffix("…") || m.right.hasPrefix(right))
        }
        let (l, r) = ProbingPane.split(m, width: 200)
        #expect(l == m.left && r == m.right)
    }

    @Test func layersStepThroughTheStoredOnesAndWrap() {
        var s = ProbingState()
        #expect(s.corpusLevel(in: [0, 3, 6]) == 6)
        #expect(s.corpusLevel(in: []) == nil)
        s.corpusLayer = 4
        #expect(s.corpusLevel(in: [0, 3, 6]) == 3)
        #expect(ProbingPane.stepped(6, 1, [0, 3, 6]) == 0)
        #expect(ProbingPane.stepped(0, -1, [0, 3, 6]) == 6)
        #expect(ProbingPane.stepped(3, 1, [0, 3, 6]) == 6)
    }

    @Test func keysSayWhyTheyCannotActWithoutAnIndex() {
        var s = ViewFixtures.state(.probing)
        s.probing.corpus = true
        #expect(s.context == .corpus)
        let e = Extent()
        #expect(ProbingPane.noIndex(s, e)?.contains("--corpus DIR") == true)
        var withIndex = e
        withIndex.corpusLayers = [0, 3]
        #expect(ProbingPane.noIndex(s, withIndex) == nil)
        #expect(ProbingPane.noCorpusMatches(s, withIndex) == "nothing on screen to open")
        s.probing.corpusProjection = true
        #expect(s.context == .projector && Context.projector.chain.prefix(3) == [.projector, .corpus, .probing])
    }

    /// `a` matches by the attention pane's head, `,` `.` change it (the attention pane follows, at
    /// the layer searched), `[` `]` step through the layers whose head outputs are stored.
    @Test func matchingByAHeadStepsHeadsAndTheLayersWithHeadOutputs() {
        var s = ViewFixtures.state(.probing)
        s.probing.corpus = true
        s.attention.head = 5
        var e = Extent(layers: 6, heads: 12)
        e.corpusLayers = [0, 3, 6]
        func press(_ k: Key) { s = Update.update(s, k, FrameFacts(extent: e)).0 }
        #expect(ProbingPane.noHeadOutputs(s, e)?.contains("corpus index --contexts") == true)
        press(.char("a"))
        #expect(s.probing.corpusHead == nil, "no head outputs stored: a refuses")
        e.corpusHeadLayers = [3, 6]
        #expect(ProbingPane.notByHead(s, e) == "a matches by a head first")
        press(.char("a"))
        #expect(s.probing.corpusHead == 5)
        press(.char("."))
        #expect(s.probing.corpusHead == 6 && s.attention.head == 6 && s.attention.layer == 5)
        press(.char("]"))
        #expect(s.probing.corpusLevel(in: s.probing.corpusSteps(layers: [0, 3, 6], headLayers: [3, 6])) == 3)
        for _ in 0..<7 { press(.char(",")) }
        #expect(s.probing.corpusHead == 11 && s.attention.head == 11 && s.attention.layer == 2, "wraps below 0")
        press(.char("a"))
        #expect(
            s.probing.corpusHead == nil && s.probing.corpusSteps(layers: [0, 3, 6], headLayers: [3, 6]) == [0, 3, 6])
    }

    /// The projector's keys move its cursor within the plot; the corpus view's keys still apply under it.
    @Test func theProjectorCursorStaysInsideThePlot() {
        var s = ViewFixtures.state(.probing)
        s.probing.corpus = true
        s.probing.corpusProjection = true
        var e = Extent()
        e.corpusLayers = [0, 3]
        for _ in 0..<100 { s = Update.update(s, .left, FrameFacts(extent: e)).0 }
        #expect(s.probing.plotX == 0 && s.probing.plotY == 0.5)
        s = Update.update(s, .down, FrameFacts(extent: e)).0
        #expect(abs(s.probing.plotY - 0.525) < 1e-9)
        s = Update.update(s, .char("["), FrameFacts(extent: e)).0
        #expect(s.probing.corpusLayer == 0)
        s = Update.update(s, .char("p"), FrameFacts(extent: e)).0
        #expect(!s.probing.corpusProjection && s.context == .corpus)
    }
}
