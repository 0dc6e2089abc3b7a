import Testing
import TestSupport

@testable import Session

/// Once the session is idle, the result on screen asks for no analysis any
/// more: a record whose output can stay empty must not be wanted again (it
/// would run again on every view toggle that reuses the trace).
@Suite struct SettledResultTests {
    static func stillWanted(_ s: ModelSession) -> [AnalysisKind] {
        guard let r = s.snapshot.result else { return [] }
        return SessionAnalysis.all.filter { $0.wanted(s, r) }.map(\.kind)
    }

    /// A long text whose only [MASK] is in the first window: no other window
    /// holds it, so there is nothing to predict elsewhere.
    @Test func aMaskOnlyTheShownWindowHoldsIsSettled() throws {
        let text = "[MASK] " + (0..<80).map { "sentence \($0) is unaffable" }.joined(separator: " ")
        let s = ModelSession(model: ModelSessionTests.model, input: SessionInput(text: text))
        s.waitUntilIdle()
        let r = try #require(s.snapshot.result)
        try #require((r.windows?.count ?? 1) > 1)
        #expect(Self.stillWanted(s).isEmpty, "\(Self.stillWanted(s))")
        // A view toggle reuses the trace: nothing but the toggled analysis should run.
        var toggled = SessionInput(text: text)
        toggled.requests[.headEntropies] = AnalysisRequest(true)
        s.submit(toggled)
        s.waitUntilIdle()
        #expect(Self.stillWanted(s).isEmpty, "\(Self.stillWanted(s))")
    }
}
