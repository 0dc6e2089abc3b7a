import Dispatch

/// A terminal that types a script at set times and keeps the frames in
/// memory: `bertscope bench --workbench` drives the real loop with it, and
/// tests use it to replay a session at human speed without tmux.
public final class ScriptedTerminal: TerminalBackend {
    public let size: (width: Int, height: Int)
    private var script: [(at: UInt64, key: Key)]
    public private(set) var frames = 0
    public private(set) var lastFrame: CellGrid?

    /// `keys` are sent `intervalMilliseconds` apart (0: all at once, like a
    /// fast paste), then Ctrl-C once `tailMilliseconds` have passed.
    public init(width: Int, height: Int, keys: [Key], intervalMilliseconds: Double, tailMilliseconds: Double = 300) {
        size = (width, height)
        let start = DispatchTime.now().uptimeNanoseconds
        let step = UInt64(intervalMilliseconds * 1e6)
        script = keys.enumerated().map { (start + UInt64($0.offset) * step, $0.element) }
        script.append((start + UInt64(keys.count) * step + UInt64(tailMilliseconds * 1e6), .ctrl("c")))
    }

    public func readKey(timeoutMilliseconds: Int) -> Key? {
        guard let next = script.first else { return nil }
        let now = DispatchTime.now().uptimeNanoseconds
        if next.at > now {
            let wait = min(UInt64(max(0, timeoutMilliseconds)) * 1_000_000, next.at - now)
            if wait > 0 { usleepNanoseconds(wait) }
            if DispatchTime.now().uptimeNanoseconds < next.at { return nil }
        }
        script.removeFirst()
        return next.key
    }

    public func draw(_ grid: CellGrid) {
        frames += 1
        lastFrame = grid
    }

    private func usleepNanoseconds(_ ns: UInt64) {
        var ts = timespec(tv_sec: Int(ns / 1_000_000_000), tv_nsec: Int(ns % 1_000_000_000))
        nanosleep(&ts, nil)
    }
}

#if canImport(Glibc)
import Glibc
#endif
