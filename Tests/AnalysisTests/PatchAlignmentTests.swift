import Analysis
import Testing
import TestSupport
import Tokenizers

/// Word alignment for patching sentences of different token counts (tiny BERT's vocabulary:
/// "here" is her ##e, "nurses" is [UNK]).
@Suite struct PatchAlignmentTests {
    let tok = try! Tokenizer.load(directory: Fixtures.model("tiny-bert-pretraining"))

    func partner(_ a: String, _ b: String) -> [Int?] {
        PatchAlignment(clean: tok.encode(a), counterfactual: tok.encode(b)).partner
    }

    @Test func equalCountsPairPositionWithPosition() {
        let a = PatchAlignment(clean: tok.encode("he said here"), counterfactual: tok.encode("she was here"))
        #expect(a.isPositional && a.partner == [0, 1, 2, 3, 4, 5] && a.unpaired.isEmpty)
    }

    @Test func anInsertedWordShiftsTheRest() {
        // [CLS] he said [MASK] was her ##e [SEP] against [CLS] he said that [MASK] was her ##e [SEP].
        #expect(partner("he said [MASK] was here", "he said that [MASK] was here") == [0, 1, 2, 4, 5, 6, 7, 8])
        // And deleted: the clean word with no counterpart is unpaired.
        #expect(partner("he said that [MASK] was here", "he said [MASK] was here") == [0, 1, 2, nil, 3, 4, 5, 6, 7])
    }

    @Test func aWordOfAnotherPieceCountIsUnpaired() {
        // he ↔ her ##e: same slot, different piece counts.
        #expect(partner("he said [MASK] was here", "here said [MASK] was here") == [0, nil, 3, 4, 5, 6, 7, 8])
        // Changed words between a shared start and end pair in order when both sides have as many.
        // [CLS] he said it was her ##e [SEP] against [CLS] her ##e told me was her ##e [SEP].
        #expect(partner("he said it was here", "here told me was here") == [0, nil, 3, 4, 5, 6, 7, 8])
    }

    @Test func unequalMiddlesLeaveTheMiddleUnpaired() {
        // Two changed words against three: only the shared start and end pair.
        #expect(partner("he said it was", "she told me that it was") == [0, nil, nil, 5, 6, 7])
    }
}
