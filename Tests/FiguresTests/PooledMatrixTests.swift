@testable import Figures
import Testing

/// Pooling a long input's matrix for a figure: block means, the last block
/// averaged over what it has, and the names a figure shows for the blocks.
@Suite struct PooledMatrixTests {
    @Test func blocksAreMeansAndTheLastBlockIsAveragedOverWhatItHas() {
        // 5 × 5, entry (i, j) = 10 i + j; blocks of 2: rows {0,1} {2,3} {4}.
        let values = (0..<25).map { Float(($0 / 5) * 10 + $0 % 5) }
        let p = PooledMatrix(values, size: 5, factor: 2)
        #expect(p.size == 3 && p.isPooled)
        #expect(p.values[0] == Float(0 + 1 + 10 + 11) / 4)
        #expect(p.values[2] == Float(4 + 14) / 2, "a 2 × 1 block")
        #expect(p.values[8] == 44, "the 1 × 1 corner")
        #expect(p.note == "pooled 2×2: 5 tokens shown as 3 rows")
        #expect(p.indexNames == ["0–1", "2–3", "4"])
        #expect(p.labels(["a", "b", "c", "d", "e"]) == ["a·b", "c·d", "e"])
        #expect(p.labels(["abcdefgh", "ijklmnop"], width: 10).first == "abcdefgh·…")
    }

    @Test func factorKeepsRowsWithinTheLimit() {
        #expect(PooledMatrix.factor(256, limit: 256) == 1)
        #expect(PooledMatrix.factor(257, limit: 256) == 2)
        #expect(PooledMatrix.factor(512, limit: 96) == 6)
        let same = PooledMatrix([1, 2, 3, 4], size: 2, factor: 1)
        #expect(!same.isPooled && same.values == [1, 2, 3, 4])
    }

    /// The streamed SVG is the String form byte for byte (files get the stream).
    @Test func streamingWritesTheSameBytes() throws {
        var streamed = ""
        try SVGWriter.write(FigureWriterTests.heatmap().figure, to: &streamed)
        #expect(streamed == SVGWriter.svg(FigureWriterTests.heatmap().figure))
        var page = ""
        try HTMLWriter.write(FigureWriterTests.heatmap().figure, title: "t", to: &page)
        #expect(page == HTMLWriter.html(FigureWriterTests.heatmap().figure, title: "t"))
    }
}
