import Encoder
import Testing
import TestSupport
import Tokenizers

@testable import Session

/// The session's cache of results is bounded by bytes as well as count: long
/// texts make each trace large, and every keystroke is a new input.
@Suite struct ResultCacheTests {
    static func result(_ text: String) throws -> EncodeResult {
        let m = ModelSessionTests.model
        let e = m.tokenizer.encode(text, maxLength: m.encoder.config.maxTokens)
        let t = try m.encoder.forward(ids: e.ids, typeIds: e.typeIds)
        return EncodeResult(input: SessionInput(text: text), encoding: e, trace: t, error: nil, milliseconds: 1)
    }

    @Test func evictsTheOldestPastTheByteBudget() throws {
        let texts = (1...8).map { String(repeating: "the cat ", count: $0 * 3) }
        let results = try texts.map(Self.result)
        let sizes = results.map(\.approximateBytes)
        // Room for about the last three results.
        let budget = sizes[5] + sizes[6] + sizes[7]
        var cache = ResultCache(capacity: 256, byteBudget: budget)
        for r in results { cache.put(r) }
        #expect(cache.bytes <= budget && cache.bytes == sizes[5...].reduce(0, +))
        #expect(cache.count == 3 && cache.get(results[7].input) != nil && cache.get(results[4].input) == nil)
        // The trace is what counts: hidden states, attentions, queries and keys, as floats.
        let t = try #require(results[0].trace)
        #expect(t.approximateBytes == 4 * (t.hiddenStates.count + t.attentions.count + 2 * t.queries.count))
        #expect(sizes[0] >= t.approximateBytes && sizes[0] < t.approximateBytes + 64 * 1024)
        // A result larger than the budget alone is still kept: it is the one on screen.
        var tiny = ResultCache(capacity: 256, byteBudget: 1)
        tiny.put(results[0])
        tiny.put(results[1])
        #expect(tiny.count == 1 && tiny.get(results[1].input) != nil)
        // Putting the same input again replaces it without counting it twice.
        var again = ResultCache(capacity: 256, byteBudget: budget)
        again.put(results[2])
        again.put(results[2])
        #expect(again.bytes == sizes[2] && again.count == 1)
        // The count bound still holds.
        var two = ResultCache(capacity: 2)
        for r in results { two.put(r) }
        #expect(two.count == 2 && two.get(results[6].input) != nil)
    }
}

/// The one cache type every result cache uses: least recently used goes first
/// once the count or the bytes are over, and the newest always stays.
@Suite struct ByteBudgetCacheTests {
    @Test func evictsLeastRecentlyUsedByBytes() {
        var c = ByteBudgetCache<Int, [Float]>(capacity: 10, byteBudget: 40) { $0.count * 4 }
        c.put(1, [Float](repeating: 0, count: 4))
        c.put(2, [Float](repeating: 0, count: 4))
        _ = c.get(1)  // 2 is now the least recently used
        c.put(3, [Float](repeating: 0, count: 4))
        #expect(c.count == 2 && c.get(2) == nil && c.get(1) != nil && c.get(3) != nil && c.bytes == 32)
        c.put(4, [Float](repeating: 0, count: 100))
        #expect(c.count == 1 && c.get(4) != nil && c.bytes == 400, "the newest stays even over the budget")
        c.removeAll()
        #expect(c.count == 0 && c.bytes == 0)
    }
}
