import Analysis
import Encoder
import Testing
import TestSupport

@Suite struct AttentionViewsTests {
    static let trace = try! BertEncoder(directory: Fixtures.model("tiny-bert")).forward(ids: [2, 40, 41, 42, 43, 3])

    private func rowsSumToOne(_ m: AttentionMap) -> Bool {
        (0..<m.size).allSatisfy { abs(m.row($0).reduce(0, +) - 1) < 1e-4 }
    }

    @Test func headAndMeanMatchTheTrace() {
        let t = Self.trace
        let h = AttentionViews.head(t, layer: 1, head: 2)
        #expect(h[3, 4] == t.attention(layer: 1, head: 2, row: 3, column: 4))
        let m = AttentionViews.meanOverHeads(t, layer: 1)
        let expected =
            (0..<t.heads).map { t.attention(layer: 1, head: $0, row: 2, column: 5) }.reduce(0, +) / Float(t.heads)
        #expect(abs(m[2, 5] - expected) < 1e-6)
        #expect(rowsSumToOne(h) && rowsSumToOne(m))
    }

    @Test func rolloutOfOneLayerIsHalfAttentionHalfIdentity() {
        let t = Self.trace
        let r0 = AttentionViews.rollout(t, throughLayer: 0)
        let m0 = AttentionViews.meanOverHeads(t, layer: 0)
        for i in 0..<t.tokens {
            for j in 0..<t.tokens {
                #expect(abs(r0[i, j] - (0.5 * m0[i, j] + (i == j ? 0.5 : 0))) < 1e-5)
            }
        }
        let r2 = AttentionViews.rollout(t, throughLayer: 2)
        #expect(rowsSumToOne(r2))
        #expect(r2 != r0)
    }

    @Test func wordsSumTargetsAndAverageSources() {
        let m = AttentionMap(
            size: 3,
            values: [
                0.5, 0.25, 0.25,
                0.2, 0.3, 0.5,
                0.0, 0.6, 0.4,
            ])
        let w = AttentionViews.words(m, groups: [[0], [1, 2]])
        #expect(w.size == 2 && w.groups == [[0], [1, 2]])
        #expect(w[0, 0] == 0.5 && w[0, 1] == 0.5)  // to word {1,2}: 0.25 + 0.25
        #expect(abs(w[1, 0] - 0.1) < 1e-6)  // from word: mean of 0.2 and 0.0
        #expect(abs(w[1, 1] - 0.9) < 1e-6)  // mean of (0.8, 1.0)
    }

    @Test func hidingRenormalizesRows() {
        let m = AttentionMap(size: 3, values: [0.5, 0.25, 0.25, 0.8, 0.1, 0.1, 0.6, 0.2, 0.2])
        let h = AttentionViews.hiding(m, [0])
        #expect(h.size == 2 && h.groups == [[1], [2]])
        #expect(h[0, 0] == 0.5 && h[0, 1] == 0.5 && h[1, 0] == 0.5)
    }

    @Test func headStatisticsOnKnownPatterns() {
        // Every query attends fully to the previous token (the first to itself).
        let n = 4
        var v = [Float](repeating: 0, count: n * n)
        v[0] = 1
        for i in 1..<n { v[i * n + i - 1] = 1 }
        let kinds: [TokenKind] = [.cls, .other, .punctuation, .sep]
        let s = HeadStatistics(AttentionMap(size: n, values: v), kinds: kinds)
        #expect(s.entropy == 0)
        #expect(s.toPrevious == 0.75 && s.toNext == 0 && s.toSelf == 0.25)
        #expect(s.toCLS == 0.5 && s.toPunctuation == 0.25 && s.toSEP == 0)
        let uniform = HeadStatistics(AttentionMap(size: 4, values: Array(repeating: 0.25, count: 16)), kinds: kinds)
        #expect(abs(uniform.entropy - 2) < 1e-6)
        #expect(TokenKind.of("[SEP]", special: true) == .sep && TokenKind.of(",", special: false) == .punctuation)
    }
}
