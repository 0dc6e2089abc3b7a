import Dispatch
import Testing
@testable import WorkbenchUI

/// The in-memory terminal `bench --workbench --view` drives the loop with.
@Suite struct ScriptedTerminalTests {
    @Test func aCapEndsTheScriptWithKeysLeft() {
        let t = ScriptedTerminal(
            width: 80, height: 24, timed: [(.char("a"), 0), (.char("b"), 0), (.char("c"), 10_000)],
            stopAfterMilliseconds: 100)
        #expect(t.readKey(timeoutMilliseconds: 0) == .char("a"))
        #expect(t.readKey(timeoutMilliseconds: 0) == .char("b"))
        var key: Key?
        while key == nil { key = t.readKey(timeoutMilliseconds: 20) }
        #expect(key == .ctrl("c") && t.capped && t.keysSent == 2)
        #expect(t.readKey(timeoutMilliseconds: 0) == nil)
    }

    @Test func aScriptThatEndsInTimeIsNotCapped() {
        let t = ScriptedTerminal(
            width: 80, height: 24, timed: [(.char("a"), 0)], tailMilliseconds: 0, stopAfterMilliseconds: 10_000)
        #expect(t.readKey(timeoutMilliseconds: 0) == .char("a"))
        #expect(t.readKey(timeoutMilliseconds: 0) == .ctrl("c"))
        #expect(!t.capped && t.keysSent == 1)
    }

    /// A last key read late (the loop was busy) still gets the tail before Ctrl-C.
    @Test func theTailCountsFromTheLastKeyRead() {
        let t = ScriptedTerminal(width: 80, height: 24, timed: [(.char("a"), 0)], tailMilliseconds: 100)
        var ts = timespec(tv_sec: 0, tv_nsec: 150_000_000)
        nanosleep(&ts, nil)
        #expect(t.readKey(timeoutMilliseconds: 0) == .char("a"))
        #expect(t.readKey(timeoutMilliseconds: 0) == nil, "not at once: the loop gets the tail to answer it")
        var key: Key?
        while key == nil { key = t.readKey(timeoutMilliseconds: 20) }
        #expect(key == .ctrl("c"))
    }

    /// A key read late (the loop was busy) is stamped with when it was typed.
    @Test func keysAreStampedWithTheirScriptTime() throws {
        let before = DispatchTime.now().uptimeNanoseconds
        let t = ScriptedTerminal(width: 80, height: 24, timed: [(.char("a"), 0)], stampsKeys: true)
        var ts = timespec(tv_sec: 0, tv_nsec: 30_000_000)
        nanosleep(&ts, nil)
        #expect(t.readKey(timeoutMilliseconds: 0) == .char("a"))
        let sent: UInt64 = try #require(t.keySentAt)
        #expect(sent >= before && DispatchTime.now().uptimeNanoseconds - sent >= 30_000_000)
        let unstamped = ScriptedTerminal(width: 80, height: 24, timed: [(.char("a"), 0)])
        _ = unstamped.readKey(timeoutMilliseconds: 0)
        #expect(unstamped.keySentAt == nil)
    }
}

#if canImport(Glibc)
    import Glibc
#endif
