import Dispatch
import Foundation
import SafeIO

/// Work a command starts off the key path (an export's encoding and
/// writing): it runs on its own serial queue, and what it has to say comes
/// back to the loop as a notice, so keys and Ctrl-C are answered meanwhile.
public final class BackgroundJobs: @unchecked Sendable {
    private let queue = DispatchQueue(label: "bertscope.jobs", qos: .utility)
    private let lock = NSLock()
    private var finished: [Notice] = []
    private var running = 0
    private var changes = 0

    public init() {}

    /// Runs `work` in the background; its returned line (or its error, after
    /// `failure`) becomes a notice.
    func run(failure: String, _ work: @escaping @Sendable () throws -> String) {
        lock.withLock {
            running += 1; changes += 1
        }
        queue.async {
            let notice: Notice
            do { notice = Notice(text: try work(), isError: false) } catch {
                notice = Notice(text: failure + IOErrorText.describe(error), isError: true)
            }
            self.lock.withLock {
                self.finished.append(notice)
                self.running -= 1
                self.changes += 1
            }
        }
    }

    public var isRunning: Bool { lock.withLock { running > 0 } }

    /// Changes whenever a job starts or ends: part of what a frame depends on.
    public var generation: Int { lock.withLock { changes } }

    /// The notices of jobs finished since the last call.
    func collect() -> [Notice] {
        lock.withLock {
            defer { finished.removeAll() }
            return finished
        }
    }

    /// Blocks until every job started so far has ended (tests, headless use).
    public func waitUntilDone() { queue.sync {} }
}
