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

    /// `keys` are sent `intervalMilliseconds` apart (0: all at once, like a
    /// fast paste), then Ctrl-C once `tailMilliseconds` have passed.
    public convenience init(
        width: Int, height: Int, keys: [Key], intervalMilliseconds: Double, tailMilliseconds: Double = 300
    ) {
        self.init(
            width: width, height: height, timed: keys.map { ($0, intervalMilliseconds) },
            tailMilliseconds: tailMilliseconds)
    }

    /// Each key after its own delay (milliseconds after the previous one).
    public init(width: Int, height: Int, timed: [(key: Key, afterMilliseconds: Double)], tailMilliseconds: Double = 300)
    {
        size = (width, height)
        var t = DispatchTime.now().uptimeNanoseconds
        script = timed.map { k in
            t += UInt64(k.afterMilliseconds * 1e6); return (t, k.key)
        }
        script.append((t + UInt64(tailMilliseconds * 1e6), .ctrl("c")))
    }

    public func readKey(timeoutMilliseconds: Int) -> Key? {
        guard next < script.count else { return nil }
        let next = script[self.next]
        let now = DispatchTime.now().uptimeNanoseconds
        if next.at > now {
            let wait = min(UInt64(max(0, timeoutMilliseconds)) * 1_000_000, next.at - now)
            if wait > 0 { usleepNanoseconds(wait) }
            if DispatchTime.now().uptimeNanoseconds < next.at { return nil }
        }
        self.next += 1
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
