import Foundation
import Testing
import TestSupport

/// Text from shared files (tours, themes) and from arguments reaches the
/// terminal: none of its control characters may (ESC[2J clears the screen,
/// OSC 0 sets the window title, OSC 52 writes the clipboard).
@Suite struct TerminalTrustTests {
    /// ESC sequences, a BEL, DEL and a C1 CSI (U+009B).
    static let hostile = "\u{1b}[2J\u{1b}]0;pwned\u{07}\u{1b}]52;c;ZWNobyBoaQ==\u{07}\u{7f}\u{9b}31m"
    let tiny = Fixtures.model("tiny-bert").path

    /// Any C0 or C1 control (or DEL) but the line breaks between lines.
    static func controls(_ s: String) -> [String] {
        s.unicodeScalars.filter { ($0.value < 0x20 && $0 != "\n") || (0x7F..<0xA0).contains($0.value) }.map {
            String(format: "U+%04X", $0.value)
        }
    }

    private func run(_ args: [String], data: URL? = nil) throws -> ProcessOutput {
        var env = ProcessInfo.processInfo.environment
        if let data { env["XDG_DATA_HOME"] = data.path }
        return try runProcess([try bertscopeBinary()] + args, environment: env)
    }

    /// A user tour whose title and check line carry the sequences.
    private func hostileTour() throws -> (data: URL, file: URL) {
        let data = try temporaryDirectory()
        let dir = data.appendingPathComponent("bertscope/tours")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("evil.tour")
        try Data(
            "title = Evil \(Self.hostile)\n[step]\ntext = hi\ncheck = token 1 is \(Self.hostile)\n> a caption\n".utf8
        ).write(to: file)
        return (data, file)
    }

    @Test func theTourListingEscapesTitles() throws {
        let (data, _) = try hostileTour()
        let r = try run(["tour"], data: data)
        #expect(r.stdout.contains("evil — Evil \\u{1b}[2J"), "\(r.stdout)")
        #expect(Self.controls(r.stdout + r.stderr).isEmpty, "\(Self.controls(r.stdout + r.stderr))")
    }

    @Test func tourCheckEscapesCheckLines() throws {
        let (data, file) = try hostileTour()
        let r = try run(["tour", "--check", file.path, "--model", tiny], data: data)
        #expect(r.status == 1 && r.stdout.contains("token 1 is \\u{1b}[2J"), "\(r.stdout)\(r.stderr)")
        #expect(Self.controls(r.stdout + r.stderr).isEmpty, "\(Self.controls(r.stdout + r.stderr))")
    }

    @Test func errorsAboutBadLinesEscapeThem() throws {
        let dir = try temporaryDirectory()
        let tour = dir.appendingPathComponent("bad.tour"), theme = dir.appendingPathComponent("bad.theme")
        try Data("bad \(Self.hostile) line\n".utf8).write(to: tour)
        try Data("x \(Self.hostile)\n".utf8).write(to: theme)
        let runs = [
            try run(["tour", "--check", tour.path, "--model", tiny]),
            try run(["render", "--model", tiny, "--view", "tokens", "--format", "txt", "--theme", theme.path, "hi"]),
            try run(["info", "--model", dir.path + "/no-model-" + Self.hostile]),
            try run(["info", "--model", "hub/" + Self.hostile]),
        ]
        for r in runs {
            #expect(r.status == 1 && r.stderr.hasPrefix("bertscope: error: "), "\(r.stderr)")
            #expect(r.stderr.contains("\\u{1b}[2J"), "the bytes are shown, escaped: \(r.stderr)")
            #expect(Self.controls(r.stderr).isEmpty, "\(Self.controls(r.stderr)) in \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1)
        }
    }
}
