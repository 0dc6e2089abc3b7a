import Dispatch
import Foundation

/// `--stats`: start-up to first frame, and keystroke to the first frame that
/// shows the model's answer for it (not a stale one).
public final class FrameStats {
    let start: UInt64
    public private(set) var firstFrameMilliseconds: Double?
    public private(set) var latencies: [Double] = []
    /// Keystroke to the next frame of any kind: how soon typing shows.
    public private(set) var echoes: [Double] = []
    private var pendingKey: UInt64?
    private var pendingEcho: UInt64?

    /// `start`: uptime in nanoseconds when the process began its work.
    public init(start: UInt64 = DispatchTime.now().uptimeNanoseconds) { self.start = start }

    func keyArrived(at t: UInt64 = DispatchTime.now().uptimeNanoseconds) {
        if pendingKey == nil { pendingKey = t }
        if pendingEcho == nil { pendingEcho = t }
    }

    func frameDrawn(current: Bool, at t: UInt64 = DispatchTime.now().uptimeNanoseconds) {
        if firstFrameMilliseconds == nil { firstFrameMilliseconds = Double(t - start) / 1e6 }
        if let e = pendingEcho { echoes.append(Double(t - e) / 1e6); pendingEcho = nil }
        guard current, let k = pendingKey else { return }
        latencies.append(Double(t - k) / 1e6)
        pendingKey = nil
    }

    public func percentile(_ q: Double, of values: [Double]? = nil) -> Double? {
        let v = values ?? latencies
        guard !v.isEmpty else { return nil }
        let s = v.sorted()
        return s[min(s.count - 1, Int((Double(s.count) * q).rounded(.up)) - 1)]
    }

    /// The percentile over the last `window` keystrokes: one slow first
    /// build must not pin the status bar's figure for the whole run.
    public func recentPercentile(_ q: Double, window: Int = 50) -> Double? {
        percentile(q, of: Array(latencies.suffix(window)))
    }

    public var summary: String {
        var parts: [String] = []
        if let f = firstFrameMilliseconds { parts.append(String(format: "start-up to first frame %.0f ms", f)) }
        if let p50 = percentile(0.5), let p95 = percentile(0.95) {
            parts.append(
                String(format: "keystroke to frame p50 %.1f ms, p95 %.1f ms over %d keys", p50, p95, latencies.count))
        }
        if let p50 = percentile(0.5, of: echoes), let p95 = percentile(0.95, of: echoes) {
            parts.append(String(format: "keystroke to echo p50 %.1f ms, p95 %.1f ms", p50, p95))
        }
        return parts.joined(separator: "; ")
    }
}
