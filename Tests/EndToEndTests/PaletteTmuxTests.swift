import Foundation
import Testing
import TestSupport

/// Ctrl-P in the real workbench at 80×24: the palette opens, typing filters
/// it, Enter runs the highlighted key or opens the command line for a command.
@Suite(.serialized) struct PaletteTmuxTests {
    @Test func openFilterAndRun() throws {
        let state = try temporaryDirectory()
        let tiny = Fixtures.model("tiny-bert-pretraining").path
        let t = try Tmux.bertscope(width: 80, height: 24, state: state, "--model \(tiny) 'he said here'")
        try t.waitFor(text: "Tokens (")
        try t.leaveInputLine()
        try t.waitFor(text: "Ctrl-P all keys")
        try t.send("C-p")
        try t.waitFor(text: "Commands, keys and terms")
        try t.send("overv", literal: true)
        try t.waitFor("the overview first") { s in
            s.split(separator: "\n").contains { $0.contains("› overv") }
                && s.split(separator: "\n").contains { $0.contains("│ o ") && $0.contains("overview of all layers") }
        }
        try t.send("Enter")
        let overview = try t.waitFor("the head overview") { $0.contains("All heads") && !$0.contains("Commands, keys") }
        #expect(overview.contains("Enter open"), "the hint line follows the overview:\n\(overview)")
        try t.send("C-p")
        try t.waitFor(text: "Commands, keys and terms")
        try t.send(":layer N", literal: true)
        try t.waitFor(text: "show layer N")
        try t.send("Enter")
        try t.waitFor("the command line with :layer") { $0.split(separator: "\n").last?.hasPrefix(":layer ") == true }
        try t.send("2", literal: true)
        try t.send("Enter")
        try t.send("o")
        try t.waitFor(text: "Attention · layer 2/")
        try t.send("q")
    }
}
