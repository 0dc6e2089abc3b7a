#if canImport(Glibc)
    import Glibc
#endif
import Dispatch

/// A terminal that types a script at set times and keeps the frames in
/// memory: `bertscope bench --workbench` drives the real loop with it, and
/// tests use it to replay a session at human speed without tmux.
public final class ScriptedTerminal: TerminalBackend {
    public let size: (width: Int, height: Int)
    private var script: [(at: UInt64, key: Key)]
    private var next = 0
    public private(set) var frames = 0
    public private(set) var lastFrame: CellGrid?
    /// Script keys delivered so far (the closing Ctrl-C not counted).
    public private(set) var keysSent = 0
    /// The run was stopped at `stopAfterMilliseconds` with keys still to send.
    public private(set) var capped = false
    /// When the key last read was sent (its time in the script), if `stampsKeys`.
    public private(set) var keySentAt: UInt64?
    private let stopAt: UInt64?
    private let stampsKeys: Bool
    private let tail: UInt64

    /// `keys` are sent `intervalMilliseconds` apart (0: all at once, like a
    /// fast paste), then Ctrl-C `tailMilliseconds` after the last key was read.
    public convenience init(
        width: Int, height: Int, keys: [Key], intervalMilliseconds: Double, tailMilliseconds: Double = 300
    ) {
        self.init(
            width: width, height: height, timed: keys.map { ($0, intervalMilliseconds) },
            tailMilliseconds: tailMilliseconds)
    }

    /// Each key after its own delay (milliseconds after the previous one).
    /// `stopAfterMilliseconds`: Ctrl-C then, keys left or not (a loop that
    /// blocks for seconds per frame still ends). `stampsKeys`: the loop times
    /// a key from when the script sent it, so waiting behind a busy frame counts.
    public init(
        width: Int, height: Int, timed: [(key: Key, afterMilliseconds: Double)], tailMilliseconds: Double = 300,
        stopAfterMilliseconds: Double? = nil, stampsKeys: Bool = false
    ) {
        size = (width, height)
        var t = DispatchTime.now().uptimeNanoseconds
        stopAt = stopAfterMilliseconds.map { t + UInt64($0 * 1e6) }
        self.stampsKeys = stampsKeys
        tail = UInt64(tailMilliseconds * 1e6)
        script = timed.map { k in
            t += UInt64(k.afterMilliseconds * 1e6); return (t, k.key)
        }
        script.append((t + tail, .ctrl("c")))
    }

    public func readKey(timeoutMilliseconds: Int) -> Key? {
        guard next < script.count else { return nil }
        let next = script[self.next]
        let now = DispatchTime.now().uptimeNanoseconds
        if let stopAt, now >= stopAt {
            capped = self.next < script.count - 1
            self.next = script.count
            return .ctrl("c")
        }
        if next.at > now {
            let wait = min(UInt64(max(0, timeoutMilliseconds)) * 1_000_000, next.at - now)
            if wait > 0 { usleepNanoseconds(wait) }
            if DispatchTime.now().uptimeNanoseconds < next.at { return nil }
        }
        if self.next < script.count - 1 { keysSent += 1 }
        // The tail counts from when the last key was read: a loop that was busy still answers it.
        if self.next == script.count - 2 { script[script.count - 1].at = max(script[script.count - 1].at, now + tail) }
        self.next += 1
        keySentAt = stampsKeys ? next.at : nil
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
