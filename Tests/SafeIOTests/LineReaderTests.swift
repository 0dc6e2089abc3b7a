import Foundation
import SafeIO
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Reading a corpus a line at a time: lines split at "\n" across chunk
/// boundaries, and a line or a stream over its limit refused in one line
/// (`/dev/zero` is one endless line, `/dev/urandom` an endless stream).
@Suite struct LineReaderTests {
    func lines(_ text: [UInt8], limit: Int = 1 << 30, maxLine: Int = 1 << 20) throws -> [String] {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bertscope-lines-\(UUID())")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(text).write(to: url)
        let fd = open(url.path, O_RDONLY)
        defer { close(fd) }
        var reader = LineReader(fd: fd, name: "corpus", limit: limit, maxLine: maxLine)
        var out: [String] = []
        while let l = try reader.next() { out.append(String(decoding: l, as: UTF8.self)) }
        return out
    }

    @Test func linesSplitAtNewlinesAcrossChunks() throws {
        #expect(try lines(Array("a\nbb\n\nccc".utf8)) == ["a", "bb", "", "ccc"])
        #expect(try lines(Array("a\n".utf8)) == ["a"])
        #expect(try lines([]) == [])
        // 200 KB lines: each spans several 64 KB chunks.
        let long = String(repeating: "x", count: 200_000)
        #expect(try lines(Array((long + "\n" + long + "\n").utf8)) == [long, long])
    }

    @Test func aLineOrAStreamOverItsLimitIsOneLine() throws {
        #expect {
            try lines(Array(repeating: 0, count: 100_000), maxLine: 50_000)
        } throws: { "\($0)" == "corpus: line 1 is over 49 KB; the text is read a line at a time" }
        #expect {
            try lines(Array(String(repeating: "short\n", count: 20_000).utf8), limit: 100_000)
        } throws: { "\($0)".hasPrefix("corpus: is over the 98 KB limit") }
        let fd = open("/dev/urandom", O_RDONLY)
        defer { close(fd) }
        var endless = LineReader(fd: fd, name: "stdin", limit: 1 << 20, maxLine: 1 << 20)
        #expect(throws: FileReadError.self) { while try endless.next() != nil {} }
    }
}
