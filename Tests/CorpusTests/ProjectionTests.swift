import Corpus
import CorpusText
import Foundation
import Testing
import TestSupport

@testable import Corpus

/// The projector's PCA: axes equal the covariance's top eigenvectors (Jacobi's
/// method as the reference), points equal (v − mean)·axis, tags by frequency.
@Suite struct ProjectionTests {
    /// All eigenpairs of a small symmetric matrix by cyclic Jacobi rotations (the reference).
    static func jacobi(_ a0: [Double], d: Int) -> [(value: Double, vector: [Double])] {
        var a = a0, v = (0..<(d * d)).map { $0 % (d + 1) == 0 ? 1.0 : 0.0 }
        for _ in 0..<100 {
            var off = 0.0
            for p in 0..<d { for q in (p + 1)..<d { off += a[p * d + q] * a[p * d + q] } }
            if off < 1e-22 { break }
            for p in 0..<d {
                for q in (p + 1)..<d where abs(a[p * d + q]) > 1e-300 {
                    let theta = (a[q * d + q] - a[p * d + p]) / (2 * a[p * d + q])
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<d {
                        let akp = a[k * d + p], akq = a[k * d + q]
                        a[k * d + p] = c * akp - s * akq; a[k * d + q] = s * akp + c * akq
                    }
                    for k in 0..<d {
                        let apk = a[p * d + k], aqk = a[q * d + k]
                        a[p * d + k] = c * apk - s * aqk; a[q * d + k] = s * apk + c * aqk
                    }
                    for k in 0..<d {
                        let vkp = v[k * d + p], vkq = v[k * d + q]
                        v[k * d + p] = c * vkp - s * vkq; v[k * d + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        return (0..<d).map { j in (a[j * d + j], (0..<d).map { v[$0 * d + j] }) }.sorted { $0.value > $1.value }
    }

    @Test func axesAreTheCovariancesTopEigenvectors() throws {
        let m = try CorpusIndexTests.Model("tiny-bert")
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try CorpusIndexTests.build(m, dir, rows: CorpusIndexTests.rows())
        let index = try CorpusIndex(files: IndexFiles(directory: dir))
        let p = try index.projection(layer: 2)
        let d = index.meta.width, n = index.tokenCount
        // The reference covariance, from the stored vectors in double.
        let rows = (0..<n).map { index.vector(row: $0, layer: 2)!.map(Double.init) }
        let mean = (0..<d).map { i in rows.reduce(0.0) { $0 + $1[i] } / Double(n) }
        var cov = [Double](repeating: 0, count: d * d)
        for r in rows {
            for i in 0..<d { for j in 0..<d { cov[i * d + j] += (r[i] - mean[i]) * (r[j] - mean[j]) / Double(n) } }
        }
        let eig = Self.jacobi(cov, d: d)
        let total = eig.reduce(0) { $0 + $1.value }
        for axis in 0..<2 {
            let mine = (0..<d).map { Double(p.axes[axis * d + $0]) }
            let dot = zip(mine, eig[axis].vector).reduce(0) { $0 + $1.0 * $1.1 }
            #expect(abs(abs(dot) - 1) < 1e-4, "axis \(axis): |cos| to the reference \(abs(dot))")
            #expect(abs(Double(p.explained[axis]) - eig[axis].value / total) < 1e-4)
        }
        #expect(eig[0].value > eig[1].value * 1.0001, "distinct top eigenvalues (else the test is vacuous)")
        // Every point is its row's projection.
        for r in [0, n / 2, n - 1] {
            let (x, y) = p.project(index.vector(row: r, layer: 2)!)
            #expect(abs(x - p.points[2 * r]) < 1e-4 && abs(y - p.points[2 * r + 1]) < 1e-4)
        }
        #expect(p.count == n)
    }

    @Test func tagColumnsCodeEveryRowMostFrequentFirst() throws {
        let m = try CorpusIndexTests.Model("tiny-bert")
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sentence = [
            "1\tThe\tthe\tDET\tDT\t_\t2\tdet\t_\t_", "2\tcat\tcat\tNOUN\tNN\t_\t0\troot\t_\t_",
            "3\tcats\tcat\tNOUN\tNNS\t_\t2\tdep\t_\t_",
        ].joined(separator: "\n")
        let parsed = CorpusParser.parse(Array((sentence + "\n\n" + sentence + "\n").utf8), format: .conllu)
        let rows = parsed.rows.enumerated().map { IndexRow(id: $0, file: "c.conllu", row: $1) }
        try CorpusIndexTests.build(m, dir, rows: rows)
        let index = try CorpusIndex(files: IndexFiles(directory: dir))
        let tags = try index.tagColumn("upos")
        #expect(tags.values.first == "NOUN" && tags.values.contains("DET"))
        #expect(tags.codes.count == index.tokenCount && tags.codes.allSatisfy { $0 > 0 })
        #expect(throws: CorpusError.self) { try index.tagColumn("colour") }
    }

    /// Sentence points: each the mean of its stored tokens' vectors, projected on the top axes of
    /// those means' own covariance; a point opens its sentence's first token.
    @Test func sentencePointsAreTheirTokensMeansOnTheirOwnAxes() throws {
        let m = try CorpusIndexTests.Model("tiny-bert")
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try CorpusIndexTests.build(m, dir, rows: CorpusIndexTests.rows())
        let index = try CorpusIndex(files: IndexFiles(directory: dir))
        let p = try index.projection(layer: 2, unit: .sentences)
        let spans = try index.sentenceSpans()
        #expect(p.count == spans.count && spans.count == CorpusIndexTests.sentences.filter { !$0.isEmpty }.count)
        let d = index.meta.width
        let means = spans.map { s in
            (0..<d).map { i in
                (s.first..<(s.first + s.count)).reduce(0.0) { $0 + Double(index.vector(row: $1, layer: 2)![i]) }
                    / Double(s.count)
            }
        }
        let mean = (0..<d).map { i in means.reduce(0.0) { $0 + $1[i] } / Double(means.count) }
        var cov = [Double](repeating: 0, count: d * d)
        for r in means {
            for i in 0..<d {
                for j in 0..<d { cov[i * d + j] += (r[i] - mean[i]) * (r[j] - mean[j]) / Double(means.count) }
            }
        }
        let eig = Self.jacobi(cov, d: d)
        let mine = (0..<d).map { Double(p.axes[$0]) }
        #expect(abs(abs(zip(mine, eig[0].vector).reduce(0) { $0 + $1.0 * $1.1 }) - 1) < 1e-4)
        for (k, s) in spans.enumerated() {
            let (x, y) = p.project(means[k].map(Float.init))
            #expect(abs(x - p.points[2 * k]) < 1e-4 && abs(y - p.points[2 * k + 1]) < 1e-4)
            #expect(p.row(ofPoint: k) == s.first)
        }
        #expect(p.row(ofPoint: spans.count) == nil)
        // The token projection of the same layer is another, kept apart.
        #expect(try index.projection(layer: 2).count == index.tokenCount)
    }

    /// What can colour the points: the tags present (tokens only), then labels, answers and right/wrong.
    @Test func colouringsAreWhatTheIndexHolds() throws {
        let m = try CorpusIndexTests.Model("tiny-bert")
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var rows = CorpusIndexTests.rows()
        rows[0] = IndexRow(id: 0, file: "c.txt", row: CorpusRow(text: rows[0].row.text, label: "cats", line: 1))
        try CorpusIndexTests.build(m, dir, rows: rows)
        let index = try CorpusIndex(files: IndexFiles(directory: dir))
        #expect(try index.colourings(unit: .tokens) == ["label"])
        #expect(try index.colourings(unit: .sentences) == ["label"])
        let labels = try index.tagColumn("label")
        #expect(labels.values == ["cats"])
        let first = try index.rows(of: 0)
        #expect(first.allSatisfy { labels.codes[$0] == 1 } && labels.codes.filter { $0 > 0 }.count == first.count)
        let grid = try index.scatterGrid(layer: 2, tag: "label", unit: .sentences)
        #expect(grid.counts.reduce(0, +) == UInt32(try index.sentenceSpans().count))
        #expect(
            grid.counts.enumerated().filter { $0.offset % ScatterGrid.slots == 1 }.reduce(0) { $0 + $1.element } == 1)
    }
}
