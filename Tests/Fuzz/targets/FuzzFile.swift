import Foundation

/// Writes a fuzz input to a per-process file in /dev/shm (or /tmp), for the readers that take paths.
enum FuzzFile {
    static let dir: String = {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let d = base + "/bertscope-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }()

    static func write(_ data: UnsafePointer<UInt8>, _ count: Int, name: String) -> String {
        let path = dir + "/" + name
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var done = 0
        while done < count { let n = Foundation.write(fd, data + done, count - done); if n <= 0 { break }; done += n }
        close(fd)
        return path
    }

    static func write(_ bytes: [UInt8], _ count: Int, name: String) -> String {
        bytes.withUnsafeBufferPointer { write($0.baseAddress!, count, name: name) }
    }
}
