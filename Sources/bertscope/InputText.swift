#if canImport(Glibc)
    import Glibc
#endif
import Foundation

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

/// Lines of stdin as bytes (readLine repairs them before anyone can tell), without "\n" or "\r\n".
struct StdinLines {
    private var buffer: [UInt8] = []
    private var start = 0
    private var ended = false
    private(set) var number = 0

    /// The next line as text (see `InputText.decode`); nil at the end of input.
    mutating func next() -> String? {
        while true {
            if let nl = buffer[start...].firstIndex(of: 0x0A) { return take(upTo: nl, skip: 1) }
            if ended { return start < buffer.count ? take(upTo: buffer.count, skip: 0) : nil }
            fill()
        }
    }

    private mutating func take(upTo end: Int, skip: Int) -> String {
        var line = buffer[start..<end]
        if line.last == 0x0D { line = line.dropLast() }
        start = end + skip
        number += 1
        return InputText.decode(line, line: number)
    }

    private mutating func fill() {
        buffer.removeSubrange(0..<start)
        start = 0
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        let n = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { return }
        if n <= 0 { ended = true; return }
        buffer += chunk[0..<n]
    }
}
