import Foundation
import SafeIO
import TestSupport
import Testing

@testable import WorkbenchUI

#if canImport(Glibc)
    import Glibc
#endif

/// The state folder holds what the user typed, and may be pointed anywhere:
/// only BertScope's own files there are ever renamed, rewritten or deleted.
@Suite struct StateFileTests {
    func mode(_ url: URL) -> mode_t {
        var st = stat()
        return stat(url.path, &st) == 0 ? st.st_mode & 0o777 : 0
    }

    func names(_ dir: URL) -> Set<String> {
        Set((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [])
    }

    /// 60 JSON files of another program's, some shaped like drafts: a drafts
    /// folder that is a symlink to them is not used (was: 60 files → 1).
    @Test func aSymlinkedDraftsFolderIsNotUsedAndItsFilesAreUntouched() throws {
        let root = try temporaryDirectory()
        let theirs = root.appendingPathComponent("their-json")
        try FileManager.default.createDirectory(at: theirs, withIntermediateDirectories: true)
        for i in 0..<60 {
            let name = i % 2 == 0 ? "settings-\(i).json" : "\(1000 + i)-\(i).json"
            try Data("[\"line \(i)\", \"\"]".utf8).write(to: theirs.appendingPathComponent(name))
        }
        let state = root.appendingPathComponent("state/bertscope")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        #expect(symlink(theirs.path, state.appendingPathComponent("drafts").path) == 0)
        let before = names(theirs)
        let store = DraftStore(directory: state.appendingPathComponent("drafts"))
        #expect(store.problem?.contains("is a symlink") == true)
        #expect(store.orphans().isEmpty && store.adoptNewest() == nil)
        #expect(throws: FileWriteError.self) { try store.save(a: "typed", b: "") }
        #expect(names(theirs) == before)
    }

    /// In a real drafts folder, only `PID-NUMBER.json` files that parse as drafts count as drafts.
    @Test func onlyParsedDraftsOfOurNamingAreAdoptedOrDeleted() throws {
        let dir = try temporaryDirectory().appendingPathComponent("drafts")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let foreign = [
            "settings.json": "{\"a\": 1}", "12-34.json": "{\"not\": \"a draft\"}", "x-1.json": "[\"a\",\"b\"]",
        ]
        for (name, text) in foreign { try Data(text.utf8).write(to: dir.appendingPathComponent(name)) }
        for i in 0..<(DraftStore.keep + 5) {
            let gone = DraftStore(directory: dir)
            try gone.save(a: "draft \(i)", b: "")
            let when = Date(timeIntervalSinceNow: Double(i - 100))
            try FileManager.default.setAttributes([.modificationDate: when], ofItemAtPath: gone.file.path)
        }
        let store = DraftStore(directory: dir)
        #expect(store.orphans().count == DraftStore.keep)
        for name in foreign.keys {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(name).path))
        }
        #expect(store.adoptNewest()?.a == "draft \(DraftStore.keep + 4)")
        for (name, text) in foreign {
            #expect(try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8) == text)
        }
    }

    @Test func draftsAndHistoryAreReadableByTheirOwnerOnly() throws {
        let state = try temporaryDirectory().appendingPathComponent("bertscope")
        let store = DraftStore(directory: state.appendingPathComponent("drafts"))
        try store.save(a: "a secret", b: "")
        var history = History(file: state.appendingPathComponent("history"))
        try history.add("a secret")
        #expect(mode(store.file) == 0o600)
        #expect(mode(state.appendingPathComponent("history")) == 0o600)
    }

    /// 300 entries and one line that is not UTF-8: the 300 are read, the line
    /// is counted and kept, and the next Enter adds one (was: 300 → 1).
    @Test func aBadHistoryLineIsSkippedCountedAndKept() throws {
        let file = try temporaryDirectory().appendingPathComponent("history")
        var bytes = [UInt8]()
        for i in 0..<300 {
            bytes += Array("\"entry \(i)\"\n".utf8)
            if i == 150 { bytes += [0x22, 0x63, 0x61, 0x66, 0xE9, 0x22, 0x0A] }  // "caf\xE9": Latin-1
        }
        try Data(bytes).write(to: file)
        var history = History(file: file)
        #expect(history.entries.count == 300)
        #expect(history.notice?.contains("1 line of") == true)
        try history.add("one more")
        let again = History(file: file)
        #expect(again.entries.count == 301 && again.entries.last == "one more")
        let raw = try Data(contentsOf: file)
        #expect(raw.range(of: Data([0x63, 0x61, 0x66, 0xE9])) != nil, "the unreadable line is still in the file")
    }

    /// A history file too large to read (or another program's file) is never written.
    @Test func aHistoryFileThatCannotBeReadIsNeverWritten() throws {
        let dir = try temporaryDirectory()
        let big = dir.appendingPathComponent("history")
        let line = Data(("\"" + String(repeating: "x", count: 1 << 20) + "\"\n").utf8)
        #expect(FileManager.default.createFile(atPath: big.path, contents: nil))
        let handle = try FileHandle(forWritingTo: big)
        for _ in 0..<17 { handle.write(line) }
        try handle.close()
        let size = try FileManager.default.attributesOfItem(atPath: big.path)[.size] as? Int
        var history = History(file: big)
        #expect(history.entries.isEmpty && history.notice?.contains("this session only") == true)
        #expect(throws: FileWriteError.self) { try history.add("typed") }
        #expect(history.entries == ["typed"], "the line stays in this session's history")
        #expect(try FileManager.default.attributesOfItem(atPath: big.path)[.size] as? Int == size)

        let other = dir.appendingPathComponent("not-history")
        try Data("PATH=/usr/bin\nHOME=/root\n".utf8).write(to: other)
        var wrong = History(file: other)
        #expect(throws: FileWriteError.self) { try wrong.add("typed") }
        #expect(try String(contentsOf: other, encoding: .utf8) == "PATH=/usr/bin\nHOME=/root\n")
    }

    @Test func aSymlinkedHistoryIsNotFollowed() throws {
        let dir = try temporaryDirectory()
        let target = dir.appendingPathComponent("elsewhere")
        try Data("\"theirs\"\n".utf8).write(to: target)
        let link = dir.appendingPathComponent("history")
        #expect(symlink(target.path, link.path) == 0)
        var history = History(file: link)
        #expect(history.notice?.contains("symlink") == true)
        #expect(throws: FileWriteError.self) { try history.add("typed") }
        #expect(try String(contentsOf: target, encoding: .utf8) == "\"theirs\"\n")
    }
}
