import Foundation

/// Runs `bertscope ARGS` with its address space limited to `kilobytes`, as
/// `ulimit -v` does: what a user on a small machine or in a container gets.
public func runBertscope(limitKB kilobytes: Int, _ args: [String], stdin: String = "") throws -> ProcessOutput {
    try runProcess(
        ["/bin/bash", "-c", "ulimit -v \(kilobytes) && exec \"$0\" \"$@\"", try bertscopeBinary()] + args, stdin: stdin)
}

extension ProcessOutput {
    /// Finished by itself: success, or a one-line error (never a crash, an abort or a backtrace).
    public var endedCleanly: Bool {
        let lines = stderr.split(separator: "\n").filter { $0.hasPrefix("bertscope: error") || $0.contains("Fatal") }
        return (status == 0 || status == 1) && !stderr.contains("Fatal error") && !stderr.contains("Backtracing")
            && (status == 0 || lines.count == 1)
    }
}
