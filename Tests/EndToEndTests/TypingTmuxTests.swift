import Foundation
import Testing
import TestSupport
import Tokenizers

/// A person typing into the real binary on the default model, key by key at
/// about 12 keys/s (the sequence that crashed after 120–210 characters):
/// sentences, backspaces, history recall, pane switches and a 250-character
/// paragraph. After each part the process is alive and answering: the input
/// line holds the text and the tokens pane counts exactly its tokens.
@Suite struct TypingTmuxTests {
    static let sentence = "The quick brown fox jumps over the lazy dog. "
    static let paragraph =
        "When the river rose in the spring, the old bank by the water flooded, and the clerks at the bank on the hill "
        + "counted the money twice because nobody trusted the ledgers after the storm had carried the records down to the sea."

    @Test func typingKeyByKeyAtHumanSpeedNeverCrashes() throws {
        let model = try #require(Fixtures.defaultModel(), "the default model is installed by .ci/setup")
        let tokenizer = try Tokenizer.load(directory: model)
        let state = try temporaryDirectory()
        let t = try Tmux.bertscope(width: 120, height: 40, state: state, then: "echo \"EXIT=$?\"; sleep 120")
        try t.waitFor(text: "all-MiniLM-L6-v2")
        var text = ""
        func type(_ s: String) throws {
            for c in s { try t.send(String(c), literal: true); usleep(80_000) }
            text += s
        }
        func press(_ key: String, times: Int = 1) throws { for _ in 0..<times { try t.send(key); usleep(80_000) } }
        func answering() throws {
            let count = tokenizer.encode(text).count,
                tail = String(text.trimmingCharacters(in: .whitespaces).suffix(30))
            let s = try t.waitFor("\"\(tail)\" with \(count) tokens", timeout: 20) { screen in
                (screen.split(separator: "\n").first.map(String.init) ?? "").trimmingCharacters(in: .whitespaces)
                    .hasSuffix(tail)
                    && screen.contains("Tokens (\(count))")
            }
            #expect(!s.contains("EXIT="), "the workbench exited: \(s)")
        }
        for _ in 0..<5 { try type(Self.sentence) }
        try answering()
        try press("BSpace", times: 6)
        text.removeLast(6)
        try type("cat. ")
        try answering()
        let first = text
        try press("Enter")  // into the history
        try press("C-u")
        text = ""
        try type("a second sentence")
        try answering()
        try press("Up")
        text = first
        try answering()
        try press("Down")
        text = "a second sentence"
        try answering()
        try press("Tab", times: 4)
        try press("BTab", times: 3)
        try press("Escape")  // line B → the tokens pane
        try press("Tab", times: 4)  // attention, predictions, probing, line A
        try press("C-u")
        text = ""
        try type(Self.paragraph)
        try answering()
        #expect(t.screen().contains("┌ Attention"))
        try t.send("C-c")
        try t.waitFor(text: "EXIT=0")
    }
}
