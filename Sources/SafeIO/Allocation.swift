#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Asks before a large allocation: a Swift array that cannot be allocated
/// aborts the process, so a buffer sized by the input (a figure's pixels, a
/// document's hidden states) is tried with malloc first and refused in one
/// line when the memory (or `ulimit -v`) is not there.
public enum Allocation {
    /// Whether `bytes` can be had now (the block is given back at once).
    public static func possible(_ bytes: Int) -> Bool {
        guard bytes > 0 else { return true }
        guard let p = malloc(bytes) else { return false }
        free(p)
        return true
    }
}
