import Foundation
import Testing
import TestSupport

/// `tokenize --models M --stats FILE|-`: the corpus is read a line at a
/// time, stdin held to the same limits as a file, and a line too long to
/// tokenize in bounded memory refused in one line.
@Suite struct TokenizerStatsCLITests {
    let tiny = Fixtures.model("tiny-bert-pretraining").path

    func stats(_ corpus: String, stdin: String = "") throws -> ProcessOutput {
        try runBertscope(limitKB: 1 << 20, ["tokenize", "--models", tiny, "--stats", corpus], stdin: stdin)
    }

    /// One 2 MB line (as `/dev/zero` sends one endless line): an error naming the line, from stdin or a file.
    @Test func aLineOverOneMegabyteIsOneLineOfError() throws {
        let line = String(repeating: "a", count: 2 << 20)
        let file = try temporaryDirectory().appendingPathComponent("long.txt")
        try Data(line.utf8).write(to: file)
        for (corpus, name) in [("-", "stdin"), (file.path, file.path)] {
            let r = try stats(corpus, stdin: corpus == "-" ? line : "")
            #expect(r.status == 1 && r.endedCleanly, "\(corpus): \(r.stderr.prefix(300))")
            let message = "--stats: \(name): line 1 is over 1 MB; the text is read a line at a time"
            #expect(r.stderr == "bertscope: error: \(message)\n")
            #expect(r.stdout.isEmpty)
        }
    }

    /// Stdin and the file give the same table, line endings and blank lines included.
    @Test func stdinAndFileAgree() throws {
        let text = Fixtures.longText(words: 300).split(separator: ".").joined(separator: ".\r\n\n")
        let file = try temporaryDirectory().appendingPathComponent("c.txt")
        try Data(text.utf8).write(to: file)
        let fromFile = try stats(file.path), fromStdin = try stats("-", stdin: text)
        #expect(fromFile.status == 0 && fromStdin.status == 0, "\(fromFile.stderr) \(fromStdin.stderr)")
        #expect(fromFile.stdout == fromStdin.stdout && fromFile.stdout.contains("tokens/word"))
    }
}
