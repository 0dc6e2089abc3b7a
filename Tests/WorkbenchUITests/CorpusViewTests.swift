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
        FrameGoldenTests().expectGolden("corpus-160x48", frame(Self.view(selected: 4), 160, 48))
        var none = Self.view()
        none.index = nil
        none.status = .noIndex
        FrameGoldenTests().expectGolden("corpus-none-80x24", frame(none, 80, 24))
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
        let e = Extent()
        #expect(ProbingPane.noCorpusView(s, e)?.contains("--corpus DIR") == true)
        var withIndex = e
        withIndex.corpusLayers = [0, 3]
        #expect(ProbingPane.noCorpusView(s, withIndex) == nil)
        #expect(ProbingPane.noCorpusMatches(s, withIndex) == "no matches on screen")
        s.probing.corpus = false
        #expect(ProbingPane.noCorpusView(s, withIndex) == "c opens the corpus view first")
    }
}
