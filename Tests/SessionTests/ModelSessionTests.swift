import Encoder
import Foundation
import Session
import Testing
import TestSupport
import Tokenizers

@Suite struct ModelSessionTests {
    static let model: LoadedModel = {
        let dir = Fixtures.model("tiny-bert-pretraining")
        return LoadedModel(
            directory: dir, encoder: try! BertEncoder(directory: dir), tokenizer: try! Tokenizer.load(directory: dir))
    }()

    @Test func encodesOffTheCallerAndMatchesADirectForwardPass() throws {
        let s = ModelSession(model: Self.model, input: SessionInput(text: "the cat sat"))
        s.waitUntilIdle()
        let snap = s.snapshot
        #expect(!snap.isStale)
        let r = try #require(snap.result)
        #expect(r.encoding.tokens == ["[CLS]", "the", "[UNK]", "[UNK]", "[SEP]"])
        let direct = try Self.model.encoder.forward(ids: r.encoding.ids, typeIds: r.encoding.typeIds)
        #expect(r.trace == direct)
        #expect(r.milliseconds > 0)
    }

    @Test func latestInputWinsAndEarlierResultsAreCached() throws {
        let s = ModelSession(model: Self.model)
        for i in 0..<30 { s.submit(SessionInput(text: String(repeating: "the ", count: i))) }
        s.waitUntilIdle()
        #expect(s.snapshot.result?.input == SessionInput(text: String(repeating: "the ", count: 29)))
        #expect(!s.snapshot.isStale)
        // Going back to an input already computed shows at once, without waiting.
        s.submit(SessionInput(text: String(repeating: "the ", count: 29)))
        s.submit(SessionInput(text: "a"))
        s.waitUntilIdle()
        s.submit(SessionInput(text: String(repeating: "the ", count: 29)))
        #expect(!s.snapshot.isStale)
    }

    @Test func staleUntilTheNewInputIsDone() {
        let s = ModelSession(model: Self.model, input: SessionInput(text: "a"))
        s.waitUntilIdle()
        s.submit(SessionInput(text: "a b c d e f"))
        let snap = s.snapshot
        #expect(snap.input.text == "a b c d e f")
        if snap.isStale { #expect(snap.result?.input.text == "a") }  // the old result stays on screen meanwhile
        s.waitUntilIdle()
        #expect(!s.snapshot.isStale)
    }

    @Test func maskedPositionsUseTheMaskToken() throws {
        let s = ModelSession(model: Self.model, input: SessionInput(text: "the a", masked: [1, 0]))
        s.waitUntilIdle()
        let e = try #require(s.snapshot.result).encoding
        #expect(e.tokens == ["[CLS]", "[MASK]", "a", "[SEP]"])  // [CLS] itself is never masked
        #expect(e.ids[1] == Self.model.tokenizer.id(for: "[MASK]"))
    }

    @Test func inputsCompareByExactScalars() {
        let composed = SessionInput(text: "caf\u{E9}"), decomposed = SessionInput(text: "cafe\u{301}")
        #expect(composed != decomposed)
        #expect(Set([composed, decomposed]).count == 2)
        #expect(SessionInput(text: "a", pair: "") == SessionInput(text: "a"))
    }

    @Test func pairsAndExport() throws {
        let s = ModelSession(model: Self.model, input: SessionInput(text: "the", pair: "a"))
        s.waitUntilIdle()
        #expect(s.snapshot.result?.encoding.typeIds == [0, 0, 0, 1, 1])
        let dir = try temporaryDirectory().appendingPathComponent("export")
        try s.export(to: dir)
        let h = try readNPY(dir.appendingPathComponent("hidden_states.npy"))
        #expect(h.shape == [4, 5, 32])
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("tokens.json").path))
    }

    @Test func defaultModelNameIsFriendly() throws {
        let dir = try #require(Fixtures.defaultModel())
        let m = try LoadedModel.load(dir.path)
        #expect(m.name == "all-MiniLM-L6-v2")
    }
}
