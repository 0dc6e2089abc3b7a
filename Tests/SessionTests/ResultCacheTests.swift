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
