#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a descriptor (a file, a pipe, stdin) a line at a time in bounded
/// memory: a line longer than `maxLine` bytes or a stream longer than
/// `limit` is a one-line error instead of a buffer that grows until the
/// process aborts (`/dev/zero` is one endless line, `/dev/urandom` an
/// endless stream of short ones).
public struct LineReader {
    let fd: Int32, name: String, limit: Int, maxLine: Int
    private var chunk = [UInt8](repeating: 0, count: 64 << 10)
    private var start = 0, end = 0, finished = false
    public private(set) var bytesRead = 0, lineNumber = 0

    public init(fd: Int32, name: String, limit: Int, maxLine: Int) {
        self.fd = fd; self.name = name; self.limit = limit; self.maxLine = maxLine
    }

    /// The next line without its "\n"; nil at the end of the stream.
    public mutating func next() throws(FileReadError) -> [UInt8]? {
        var line: [UInt8] = []
        while true {
            if start == end, try !fill() {
                guard !line.isEmpty else { return nil }
                lineNumber += 1
                return line
            }
            let stop = newline() ?? end
            line.append(contentsOf: chunk[start..<stop])
            guard line.count <= maxLine else {
                throw FileReadError(
                    name, "line \(lineNumber + 1) is over \(ByteCount(maxLine)); the text is read a line at a time")
            }
            start = min(stop + 1, end)
            if stop < end {
                lineNumber += 1
                return line
            }
        }
    }

    /// Where the next "\n" in the chunk is (memchr: a corpus is hundreds of MB).
    private func newline() -> Int? {
        chunk.withUnsafeBytes { raw in
            memchr(raw.baseAddress! + start, 0x0A, end - start).map { raw.baseAddress!.distance(to: $0) }
        }
    }

    /// Reads the next chunk; false at the end of the stream.
    private mutating func fill() throws(FileReadError) -> Bool {
        guard !finished else { return false }
        while true {
            let n = chunk.withUnsafeMutableBytes { posixRead(fd, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw FileReadError(name, errno: errno) }
            if n == 0 { finished = true; return false }
            bytesRead += n
            guard bytesRead <= limit else {
                throw FileReadError(name, "is over the \(ByteCount(limit)) limit for this kind of input")
            }
            start = 0; end = n
            return true
        }
    }
}

/// The C `read`, named apart from the reader's methods.
private func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { read(fd, buffer, count) }
