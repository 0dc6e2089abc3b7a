#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation

/// How much memory a model may plan to use: physical memory, or the
/// address-space limit (`ulimit -v`) when that is lower, less room for the
/// program itself. `BERTSCOPE_MEMORY_LIMIT` (bytes, or with K/M/G) overrides.
public enum MemoryBudget {
    /// The runtime, libraries, thread stacks and the terminal UI: the default
    /// model's `predict` runs in 400 MB of address space in all, so 256 MB on
    /// top of the model's own estimate leaves room (768 MB kept it from
    /// starting at all under `ulimit -v` 1 GB).
    static let reserve: Double = 256 * 1024 * 1024

    public static var bytes: Double {
        if let s = ProcessInfo.processInfo.environment["BERTSCOPE_MEMORY_LIMIT"], let v = parse(s) { return v }
        var limit = Double(ProcessInfo.processInfo.physicalMemory)
        var rl = rlimit()
        if getrlimit(Int32(RLIMIT_AS.rawValue), &rl) == 0, rl.rlim_cur != rlim_t.max {
            limit = min(limit, Double(rl.rlim_cur))
        }
        return max(0, limit - reserve)
    }

    static func parse(_ s: String) -> Double? {
        let units: [Character: Double] = ["K": 1024, "M": 1024 * 1024, "G": 1024 * 1024 * 1024]
        let t = s.trimmingCharacters(in: .whitespaces).uppercased()
        if let u = t.last, let m = units[u], let v = Double(t.dropLast()) { return v * m }
        return Double(t)
    }
}
