import Foundation
import SafeIO

/// `tokenize --stats`' corpus, a line at a time: FILE or stdin (`-`), both
/// held to the corpus limit and to `maxLine` bytes a line, so neither a
/// 300 MB file nor `/dev/zero` is ever held whole. A file must be UTF-8
/// (the line that is not is named); stdin's invalid bytes are replaced and
/// said (`StdinLines`).
enum CorpusLines {
    /// A line longer than this is refused: tokenizing it holds ~100 bytes a token.
    static let maxLine = 1 << 20

    static func forEach(_ path: String, _ body: (String) -> Void) throws {
        if path == "-" {
            var lines = StdinLines()
            while let line = try lines.next() { body(line) }
            return
        }
        let url = URL(fileURLWithPath: (path as NSString).expandingTildeInPath)
        let (fd, size) = try SafeFile.openRegular(url.path)
        defer { close(fd) }
        guard size <= Limits.corpus else {
            throw FileReadError(url.path, "is \(ByteCount(size)), over the \(ByteCount(Limits.corpus)) limit")
        }
        var reader = LineReader(fd: fd, name: url.path, limit: Limits.corpus, maxLine: maxLine)
        while let bytes = try reader.next() {
            guard let line = String(validating: bytes, as: UTF8.self) else {
                throw FileReadError(url.path, "line \(reader.lineNumber) is not UTF-8 text")
            }
            body(line)
        }
    }
}
