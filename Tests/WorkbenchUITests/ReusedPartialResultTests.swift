import Foundation
import Session
import Testing
import TestSupport
@testable import WorkbenchUI

/// A view toggle that overtakes the other windows' explanations reuses the
/// partial result on screen: the explanations run to the end on it, and
/// neither input is ever cached (or shown from the cache) half done.
@Suite struct ReusedPartialResultTests {
    final class Once: @unchecked Sendable {
        let lock = NSLock()
        var fired = false
    }

    @Test func aToggleDuringWindowExplanationsFinishesThem() throws {
        let model = try LongTextTests.classifier()
        let scheduler = ManualScheduler()
        let s = ModelSession(model: model, input: SessionInput(text: ""), scheduler: scheduler)
        scheduler.waitUntilIdle()
        let plain = SessionInput(text: LongTextTests.text)
        let toggled = {
            var t = plain
            t.requests[.headEntropies] = AnalysisRequest(true)
            return t
        }()
        let once = Once()
        s.onResult = { [weak s] in
            guard let s, let r = s.snapshot.result, r.input == plain, r.task?.explainingWindows == true else { return }
            let first = once.lock.withLock { () -> Bool in
                defer { once.fired = true }
                return !once.fired
            }
            if first { s.submit(toggled) }
        }
        s.submit(plain)
        scheduler.waitUntilIdle()
        #expect(once.lock.withLock { once.fired })
        let r = try #require(s.snapshot.result)
        #expect(r.input == toggled)
        let t = try #require(r.task)
        #expect(!t.explainingWindows && !t.windowExplanations.isEmpty)
        #expect(r.headEntropies != nil)
        // Back to the plain input: whatever shows, at once or after the session's turn, is complete.
        s.submit(plain)
        scheduler.waitUntilIdle()
        let back = try #require(s.snapshot.result?.task)
        #expect(s.snapshot.result?.input == plain && !back.explainingWindows && !back.windowExplanations.isEmpty)
    }
}
