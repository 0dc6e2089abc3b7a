import Encoder
import Foundation
import Testing
import TestSupport
import Tokenizers

@testable import Session

/// Later analyses are records the session runs after publishing the
/// encoding: each is published as it finishes, with a new version number.
@Suite struct AnalysisRecordTests {
    typealias Publication = (version: Int, early: Bool, late: Bool, progress: AnalysisKind?)

    /// Every publication of `input` on a new session of `model`, in order:
    /// its version, whether the early and the late part are in, and the analysis running.
    static func publications(
        _ model: LoadedModel, _ input: SessionInput, early: @escaping @Sendable (EncodeResult) -> Bool?,
        late: @escaping @Sendable (EncodeResult) -> Bool
    ) -> (ModelSession, [Publication]) {
        final class Log: @unchecked Sendable {
            let lock = NSLock()
            var seen: [Publication] = []
        }
        let s = ModelSession(model: model, input: SessionInput(text: ""), scheduler: ManualScheduler())
        let log = Log()
        s.onResult = { [weak s] in
            guard let snap = s?.snapshot, let r = snap.result, r.input == input, let e = early(r) else { return }
            log.lock.withLock { log.seen.append((snap.version, e, late(r), snap.progress?.analysis)) }
        }
        s.submit(input)
        s.waitUntilIdle()
        return (s, log.lock.withLock { log.seen })
    }

    /// Head importance (72 passes on a real model) no longer holds back the
    /// masked-LM's answer: the answer is published first, the ranking after,
    /// and every publication carries a larger version number.
    @Test func theAnswerIsPublishedBeforeHeadImportance() throws {
        let input = SessionInput(text: "the cat sat on the mat", masked: [2], importance: true)
        let (s, seen) = Self.publications(
            ModelSessionTests.model, input, early: { $0.mlm != nil }, late: { $0.importance != nil })
        let answer = try #require(seen.firstIndex { $0.early && !$0.late }, "\(seen)")
        let ranked = try #require(seen.firstIndex { $0.late }, "\(seen)")
        #expect(answer < ranked)
        #expect(seen.contains { $0.progress == .importance && !$0.late })
        #expect(zip(seen, seen.dropFirst()).allSatisfy { $0.version <= $1.version })
        #expect(s.snapshot.result?.importance != nil && s.snapshot.version > seen[answer].version)
    }

    /// The classifier's labels are published before their attribution (a
    /// long text's window explained by integrated gradients took 16 s, and the
    /// labels waited for it).
    @Test func theLabelsArePublishedBeforeTheirAttribution() throws {
        let model = try LoadedModel.load(Fixtures.model("tiny-bert-cls-bf16-sharded").path)
        let (s, seen) = Self.publications(
            model, SessionInput(text: "the cat sat on the mat"), early: { $0.task.map { !$0.labels.isEmpty } },
            late: { $0.task?.attribution != nil })
        let labels = try #require(seen.firstIndex { $0.early && !$0.late }, "\(seen)")
        let explained = try #require(seen.firstIndex { $0.late }, "\(seen)")
        #expect(labels < explained)
        #expect(s.snapshot.result?.task?.explaining == false)
    }

    /// A long text's answer for the shown window comes first; every other
    /// window's label follows as its own record (it waited for all the windows).
    @Test func aLongTextsShownWindowIsAnsweredBeforeTheOtherWindows() throws {
        let dir = Fixtures.model("heads/bert-sequence")
        let model = LoadedModel(
            directory: dir, encoder: try BertEncoder(directory: dir), tokenizer: try Tokenizer.load(directory: dir))
        let text = Array(repeating: "he said that it was here and the one was there", count: 12).joined(separator: " ")
        let (s, seen) = Self.publications(
            model, SessionInput(text: text), early: { $0.task.map { !$0.labels.isEmpty } },
            late: { ($0.task?.windowLabels.count ?? 0) > 1 })
        let answer = try #require(seen.firstIndex { $0.early && !$0.late }, "\(seen)")
        let windows = try #require(seen.firstIndex { $0.late }, "\(seen)")
        #expect(answer < windows)
        let r = try #require(s.snapshot.result)
        #expect(r.task?.windowLabels.count == r.windows?.count && r.task?.labellingWindows == false)
    }

    /// A result shown again from the cache is a new version too (the frame loop redraws).
    @Test func aCacheHitIsANewVersion() {
        let s = ModelSession(model: ModelSessionTests.model, input: SessionInput(text: "a"))
        s.waitUntilIdle()
        s.submit(SessionInput(text: "a b"))
        s.waitUntilIdle()
        let before = s.snapshot.version
        s.submit(SessionInput(text: "a"))
        #expect(!s.snapshot.isStale && s.snapshot.version > before)
    }

    /// Every record runs under a name of its own (progress and outcomes are filed by it).
    @Test func everyRecordHasItsOwnKind() {
        let kinds = SessionAnalysis.all.map(\.kind)
        #expect(Set(kinds).count == kinds.count && kinds.contains(.headEntropies))
    }
}

extension AnalysisRecordTests {
    /// A view toggle (a mixing layer, the overview's entropies) changes only
    /// what the analyses are asked: the trace on screen is reused, no forward
    /// pass runs, and an analysis asked differently is dropped and run again.
    @Test func aViewToggleReusesTheTraceAndRunsOnlyTheAnalysis() throws {
        let s = ModelSession(model: ModelSessionTests.model, input: SessionInput(text: "the cat sat on the mat"))
        s.waitUntilIdle()
        let trace = try #require(s.snapshot.result?.trace)
        let runs = s.encodingsRun
        var mixing = SessionInput(text: "the cat sat on the mat", mixing: 1...1)
        s.submit(mixing)
        s.waitUntilIdle()
        #expect(s.encodingsRun == runs && s.snapshot.result?.trace == trace)
        #expect(s.snapshot.result?.mixing?.layers.keys.sorted() == [1])
        mixing.requests[.headEntropies] = AnalysisRequest(true)
        mixing.mixingLayers = nil
        s.submit(mixing)
        s.waitUntilIdle()
        let r = try #require(s.snapshot.result)
        #expect(s.encodingsRun == runs && r.mixing == nil)
        let entropies = try #require(r.headEntropies)
        #expect(entropies.kept.count == trace.layers * trace.heads)
        // Another text is another encoding.
        s.submit(SessionInput(text: "a dog"))
        s.waitUntilIdle()
        #expect(s.encodingsRun == runs + 1)
    }
}
