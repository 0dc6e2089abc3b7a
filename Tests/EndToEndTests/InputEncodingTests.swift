import Foundation
import Testing
import TestSupport

/// Text that is not valid UTF-8 is never dropped silently: its bad bytes
/// become U+FFFD and a warning names the argument or line. A byte-order
/// mark at the start of a theme or a tour file is skipped.
@Suite struct InputEncodingTests {
    let tiny = Fixtures.model("tiny-bert").path

    /// Runs `script` in sh with $0 the binary and $1 the model (printf makes the Latin-1 bytes).
    private func sh(_ script: String) throws -> ProcessOutput {
        try runProcess(["/bin/sh", "-c", script, try bertscopeBinary(), tiny])
    }

    @Test func aLatin1ArgumentIsReplacedAndSaid() throws {
        let r = try sh(#""$0" tokenize --model "$1" --json "$(printf 'caf\351')""#)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(
            r.stderr
                == "bertscope: warning: argument 5 (\"caf\u{FFFD}\") is not valid UTF-8: its bad bytes became U+FFFD\n",
            "\(r.stderr)")
    }

    @Test func aLatin1JSONLLineIsReplacedAndSaid() throws {
        let r = try sh(#"printf '"ok"\n"caf\351"\n' | "$0" tokenize --model "$1" --jsonl"#)
        #expect(r.status == 0 && r.stdout.split(separator: "\n").count == 2, "\(r.stdout)\(r.stderr)")
        #expect(
            r.stderr == "bertscope: warning: stdin line 2 is not valid UTF-8: its bad bytes became U+FFFD\n",
            "\(r.stderr)")
    }

    @Test func aByteOrderMarkStartsAThemeOrATour() throws {
        let dir = try temporaryDirectory()
        let theme = dir.appendingPathComponent("bom.theme"), tour = dir.appendingPathComponent("bom.tour")
        try Data("\u{FEFF}accent = 33\n".utf8).write(to: theme)
        try Data("\u{FEFF}title = With a BOM\r\n[step]\r\ntext = hi\r\n> x\r\n".utf8).write(to: tour)
        let rendered = try runProcess([
            try bertscopeBinary(), "render", "--model", tiny, "--view", "tokens", "--format", "txt", "--theme",
            theme.path, "hi",
        ])
        #expect(rendered.status == 0, "\(rendered.stderr)")
        let checked = try runProcess([try bertscopeBinary(), "tour", "--check", tour.path, "--model", tiny])
        #expect(checked.status == 0 && checked.stdout.contains("step 1/1: ok"), "\(checked.stdout)\(checked.stderr)")
    }
}
