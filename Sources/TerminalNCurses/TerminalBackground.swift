import Foundation
import WorkbenchUI

/// The terminal's background, asked before curses starts: OSC 11 ("what is
/// your background colour?") followed by a device-attributes request, which
/// every terminal answers. Terminals answer in order, so the DA reply ends
/// the wait whether or not OSC 11 was understood: nothing arrives later to be
/// read as keys.
public enum TerminalBackground {
    /// true for a light background, false for a dark one, nil when the terminal did not say.
    public static func query(timeoutMilliseconds: Int32 = 250) -> Bool? {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var saved = termios()
        guard isatty(fd) == 1, tcgetattr(fd, &saved) == 0 else { return nil }
        var raw = saved
        cfmakeraw(&raw)
        guard tcsetattr(fd, TCSANOW, &raw) == 0 else { return nil }
        defer { tcsetattr(fd, TCSANOW, &saved) }
        let ask = Array("\u{1b}]11;?\u{1b}\\\u{1b}[c".utf8)
        guard ask.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == ask.count else { return nil }
        return oscBackgroundIsLight(String(decoding: readReplies(fd, timeoutMilliseconds), as: UTF8.self))
    }

    /// Bytes until the device-attributes reply (`ESC [ ? … c`) or the timeout; at most 256.
    private static func readReplies(_ fd: Int32, _ timeout: Int32) -> [UInt8] {
        var got: [UInt8] = []
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(timeout) * 1_000_000
        var buffer = [UInt8](repeating: 0, count: 64)
        while got.count < 256 {
            let now = DispatchTime.now().uptimeNanoseconds
            guard now < deadline else { break }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, Int32((deadline - now) / 1_000_000) + 1) > 0 else { break }
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { break }
            got += buffer[0..<n]
            if answeredDeviceAttributes(got) { break }
        }
        return got
    }

    private static func answeredDeviceAttributes(_ bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let start = text.range(of: "\u{1b}[?") else { return false }
        return text[start.upperBound...].contains("c")
    }
}
