import Testing

@testable import Corpus

/// The views' caches stay within their byte budget, dropping the least recently used.
@Suite struct ByteBoundedCacheTests {
    @Test func theLeastRecentlyUsedGoFirstAndTheBudgetHolds() {
        var c = ByteBoundedCache<Int>(budget: 100)
        c.keep(1, bytes: 40, "a")
        c.keep(2, bytes: 40, "b")
        #expect(c.value("a") == 1, "a used after b")
        c.keep(3, bytes: 40, "c")
        #expect(c.value("b") == nil && c.value("a") == 1 && c.value("c") == 3 && c.bytes == 80)
        c.keep(4, bytes: 101, "huge")
        #expect(c.value("huge") == nil && c.bytes <= 100, "larger than the budget: not kept")
        c.keep(5, bytes: 100, "all")
        #expect(c.count == 1 && c.bytes == 100)
        c.keep(6, bytes: 10, "all")
        #expect(c.value("all") == 6 && c.bytes == 10, "a replaced value's bytes are given back")
    }
}
