import Analysis
import Foundation
import SafeIO

/// A corpus file read through `CorpusParser`: regular files only, held to the
/// corpus size limit, a line at a time.
public enum CorpusFile {
    /// A line longer than this ends the read (a row over 1 MiB is only skipped).
    static let maxLine = 16 << 20

    /// The rows and problems, and an FNV-1a hash of the file's lines (a changed input makes an index stale).
    public static func read(_ path: String, format: CorpusFormat? = nil, columns: ColumnNames = .standard)
        throws(FileReadError) -> (parser: CorpusParser, hash: String)
    {
        let (fd, size) = try SafeFile.openRegular(path)
        defer { close(fd) }
        guard size <= Limits.corpus else {
            throw FileReadError(path, "is \(ByteCount(size)), over the \(ByteCount(Limits.corpus)) limit")
        }
        let name = (path as NSString).lastPathComponent
        var parser = CorpusParser(format: format ?? .guess(path: path), file: name, columns: columns)
        var reader = LineReader(fd: fd, name: path, limit: Limits.corpus, maxLine: maxLine)
        var hash = FNV1a()
        while let bytes = try reader.next() {
            hash.mix(bytes); hash.mix([0x0A])
            parser.feed(bytes, line: reader.lineNumber)
        }
        parser.finish(lastLine: reader.lineNumber)
        return (parser, hash.hex)
    }
}
