#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import SafeIO

/// Arguments and stdin lines as text. Swift repairs bytes that are not UTF-8
/// with U+FFFD, and the tokenizers' normalizers then drop U+FFFD like any
/// control: "café" in Latin-1 became "caf" without a word. The repair stays;
/// a warning now names the argument or line it happened to.
enum InputText {
    /// Warns about each command-line argument that is not valid UTF-8.
    static func checkArguments() {
        for k in 1..<Int(CommandLine.argc) {
            guard let raw = CommandLine.unsafeArgv[k], String(validatingCString: raw) == nil else { continue }
            writeStderr(
                "bertscope: warning: argument \(k) (\"\(String(cString: raw))\") is not valid UTF-8: its bad bytes became U+FFFD"
            )
        }
    }

    /// The line as text, its bad bytes replaced and said (`line` counts from 1).
    static func decode(_ bytes: ArraySlice<UInt8>, line: Int) -> String {
        if let s = String(validating: bytes, as: UTF8.self) { return s }
        writeStderr("bertscope: warning: stdin line \(line) is not valid UTF-8: its bad bytes became U+FFFD")
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Lines of stdin without "\n" or "\r\n", read as bytes (readLine repairs them
/// before anyone can tell) and held to the corpus limit and to
/// `CorpusLines.maxLine` bytes a line: `/dev/zero` is an error, not gigabytes.
struct StdinLines {
    private var reader = LineReader(fd: 0, name: "stdin", limit: Limits.corpus, maxLine: CorpusLines.maxLine)
    var number: Int { reader.lineNumber }

    /// The next line as text (see `InputText.decode`); nil at the end of input.
    mutating func next() throws(FileReadError) -> String? {
        guard var bytes = try reader.next() else { return nil }
        if bytes.last == 0x0D { bytes.removeLast() }
        return InputText.decode(bytes[...], line: reader.lineNumber)
    }
}
