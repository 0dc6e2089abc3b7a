import Foundation
import Testing
import TestSupport

/// `bertscope tour --check` fails, naming the step, whenever a step cannot be
/// shown as its author wrote it.
@Suite struct TourCheckTests {
    let tiny = Fixtures.model("tiny-bert").path

    private func check(_ tour: String, _ extra: [String] = []) throws -> ProcessOutput {
        let file = try temporaryDirectory().appendingPathComponent("t.tour")
        try Data(tour.utf8).write(to: file)
        return try runProcess([try bertscopeBinary(), "tour", "--check", file.path, "--model", tiny] + extra)
    }

    @Test func aStepModelThatDoesNotLoadFails() throws {
        let r = try check("[step]\ntext = a\n> x\n[step]\ntext = b\nmodel = /nonexistent/m\n> y\n")
        #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("step 1/2: ok") && r.stdout.contains("step 2/2: FAILED"), "\(r.stdout)")
        #expect(r.stdout.contains("model /nonexistent/m did not load"), "\(r.stdout)")
    }

    @Test func headsTheModelLacksFail() throws {
        let r = try check("[step]\ntext = a\nablate = 2.2,7.1\n> x\n")
        #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("step 1/1: FAILED") && r.stdout.contains("ablate 7.1"), "\(r.stdout)")
    }
}

extension TourCheckTests {
    /// A tour reached through a symlink finds its tokenizer beside the real file, not beside the link.
    @Test func aSymlinkedTourResolvesPathsBesideTheRealFile() throws {
        let root = try temporaryDirectory()
        let real = root.appendingPathComponent("lessons"), links = root.appendingPathComponent("links")
        let toks = real.appendingPathComponent("toks")
        try FileManager.default.createDirectory(at: links, withIntermediateDirectories: true)
        try Fixtures.copyTokenizer(of: "tiny-albert-pretraining", to: toks)
        try Data("[step]\ntext = he said\ntokenizers = toks\ncheck = tokenizer 1 is ▁he·▁said\n> x\n".utf8).write(
            to: real.appendingPathComponent("t.tour"))
        let link = links.appendingPathComponent("t.tour")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: real.appendingPathComponent("t.tour"))
        let r = try runProcess([try bertscopeBinary(), "tour", "--check", link.path, "--model", tiny])
        #expect(r.status == 0 && r.stdout.contains("step 1/1: ok (1 check)"), "\(r.stdout)\(r.stderr)")
    }
}

extension TourCheckTests {
    /// A 5,000-word step (which ran for minutes with no output) is one line naming the step, at once.
    @Test func aHugeStepIsRefusedAtOnce() throws {
        let words = String(repeating: "the quick brown fox ", count: 1250)
        let started = Date()
        let r = try check("title = long\n[step]\ntext = a\n> x\n[step]\ntext = \(words)\n> y\n")
        #expect(r.status == 1 && r.stdout.isEmpty, "\(r.stdout)")
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains("step 2: text is"), "\(r.stderr)")
        #expect(Date().timeIntervalSince(started) < 20)
    }
}
