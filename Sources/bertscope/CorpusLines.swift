import Foundation
import SafeIO

/// `tokenize --stats`' corpus, a line at a time: FILE or stdin (`-`), both
/// held to the corpus limit and to `maxLine` bytes a line, so neither a
/// 300 MB file nor `/dev/zero` is ever held whole. A file must be UTF-8
/// (the line that is not is named); stdin's invalid bytes are replaced,
/// as `readLine` did.
enum CorpusLines {
    /// A line longer than this is refused: tokenizing it holds ~100 bytes a token.
    static let maxLine = 1 << 20

    static func forEach(_ path: String, _ body: (String) -> Void) throws {
        if path == "-" { return try read(fd: 0, name: "stdin", strict: false, body) }
        let url = URL(fileURLWithPath: (path as NSString).expandingTildeInPath)
        let (fd, size) = try SafeFile.openRegular(url.path)
        defer { close(fd) }
        guard size <= Limits.corpus else {
            throw FileReadError(url.path, "is \(ByteCount(size)), over the \(ByteCount(Limits.corpus)) limit")
        }
        try read(fd: fd, name: url.path, strict: true, body)
    }

    private static func read(fd: Int32, name: String, strict: Bool, _ body: (String) -> Void) throws {
        var reader = LineReader(fd: fd, name: name, limit: Limits.corpus, maxLine: maxLine)
        while var bytes = try reader.next() {
            if !strict, bytes.last == 0x0D { bytes.removeLast() }  // readLine took "\r\n" as the line end
            guard let line = strict ? String(validating: bytes, as: UTF8.self) : String(decoding: bytes, as: UTF8.self)
            else { throw FileReadError(name, "line \(reader.lineNumber) is not UTF-8 text") }
            body(line)
        }
    }
}
