import Dispatch
import Foundation

/// Where a session's encoding work runs. The app uses a background queue;
/// model-based tests use `ManualScheduler` to decide exactly when results
/// arrive (late, mid-frame, after a model swap).
public protocol SessionScheduler: Sendable {
    func schedule(_ work: @escaping @Sendable () -> Void)
    /// Blocks until work scheduled so far has run (tests, export).
    func waitUntilIdle()
}

/// A serial background queue: the workbench's default.
public final class QueueScheduler: SessionScheduler {
    private let queue: DispatchQueue

    public init(label: String = "bertscope.session.encode") {
        queue = DispatchQueue(label: label, qos: .userInitiated)
    }

    public func schedule(_ work: @escaping @Sendable () -> Void) { queue.async(execute: work) }
    public func waitUntilIdle() { queue.sync {} }
}

/// Runs scheduled work only when asked, on the caller's thread.
public final class ManualScheduler: SessionScheduler, @unchecked Sendable {
    private let lock = NSLock()
    private var jobs: [@Sendable () -> Void] = []

    public init() {}

    public func schedule(_ work: @escaping @Sendable () -> Void) { lock.withLock { jobs.append(work) } }

    public var pendingJobs: Int { lock.withLock { jobs.count } }

    /// Runs the oldest scheduled job; false when there was none.
    @discardableResult
    public func runNext() -> Bool {
        guard let job = lock.withLock({ jobs.isEmpty ? nil : jobs.removeFirst() }) else { return false }
        job()
        return true
    }

    public func waitUntilIdle() { while runNext() {} }
}
