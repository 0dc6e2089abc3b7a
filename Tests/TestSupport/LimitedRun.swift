import Foundation

/// Runs `bertscope ARGS` with its address space limited to `kilobytes`, as
/// `ulimit -v` does: what a user on a small machine or in a container gets.
/// The Swift backtracer is off: under a tight limit it can spin instead of
/// reporting, and an abort must show as an abort.
public func runBertscope(
    limitKB kilobytes: Int, _ args: [String], stdin: String = "", environment extra: [String: String] = [:]
) throws -> ProcessOutput {
    var env = ProcessInfo.processInfo.environment.merging(extra) { $1 }
    env["SWIFT_BACKTRACE"] = "enable=no"
    return try runProcess(
        ["/bin/bash", "-c", "ulimit -v \(kilobytes) && exec \"$0\" \"$@\"", try bertscopeBinary()] + args,
        stdin: stdin, environment: env)
}

extension ProcessOutput {
    /// Finished by itself: success, or a one-line error (never a crash, an abort or a backtrace).
    public var endedCleanly: Bool {
        let errors = stderr.split(separator: "\n").filter { $0.hasPrefix("bertscope: error") }
        return (status == 0 || (status == 1 && errors.count == 1)) && !stderr.contains("Fatal error")
    }
}
