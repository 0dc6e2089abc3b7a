import Dispatch
import Foundation
import SafeIO

/// Work a command starts off the key path (an export's encoding and
/// writing, loading a model or tokenizers): it runs on its own serial
/// queue, and what it has to say — a notice, or a value the loop applies —
/// comes back to the loop, so keys and Ctrl-C are answered meanwhile.
public final class BackgroundJobs: @unchecked Sendable {
    /// What a finished job hands the loop: a notice, or a change to apply there.
    enum Outcome {
        case notice(Notice)
        case apply(() -> Void)
    }

    private let queue = DispatchQueue(label: "bertscope.jobs", qos: .utility)
    private let lock = NSLock()
    private var finished: [Outcome] = []
    private var running = 0
    private var changes = 0
    /// The latest load asked for in each slot (`:model`, `:compare-model`,
    /// `:tokenizers`): a load overtaken by a later command in its slot is not applied.
    private var latestLoad: [String: Int] = [:]

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
            self.finish(.notice(notice))
        }
    }

    /// Loads a value in the background (a model, tokenizers) and hands it to
    /// `apply` on the loop, unless a later load or `supersede` in the same
    /// `slot` overtook it; a failure becomes a notice after `failure`.
    func load<T>(
        slot: String, failure: String, _ work: @escaping @Sendable () throws -> T,
        then apply: @escaping (T) -> Void
    ) {
        let ticket: Int = lock.withLock {
            running += 1; changes += 1
            latestLoad[slot, default: 0] += 1
            return latestLoad[slot]!
        }
        // The value and `apply` cross to the loop's thread once, through the lock.
        nonisolated(unsafe) let apply = apply
        queue.async {
            do {
                nonisolated(unsafe) let value = try work()
                self.finish(
                    .apply {
                        // Checked on the loop, when it applies: a command given after the load finished still wins.
                        if self.lock.withLock({ self.latestLoad[slot] == ticket }) { apply(value) }
                    })
            } catch {
                // An overtaken load's failure is not news: the user asked for something else since.
                let current = self.lock.withLock { self.latestLoad[slot] == ticket }
                let notice = Notice(text: failure + IOErrorText.describe(error), isError: true)
                self.finish(current ? .notice(notice) : .apply {})
            }
        }
    }

    private func finish(_ outcome: Outcome) {
        lock.withLock {
            finished.append(outcome)
            running -= 1
            changes += 1
        }
    }

    /// A command that settles `slot` at once (`:compare-model none`): loads asked for before it are not applied.
    func supersede(_ slot: String) {
        lock.withLock { latestLoad[slot, default: 0] += 1 }
    }

    public var isRunning: Bool { lock.withLock { running > 0 } }

    /// Changes whenever a job starts or ends: part of what a frame depends on.
    public var generation: Int { lock.withLock { changes } }

    /// What the jobs finished since the last call hand the loop.
    func collect() -> [Outcome] {
        lock.withLock {
            defer { finished.removeAll() }
            return finished
        }
    }

    /// Blocks until every job started so far has ended (tests, headless use).
    public func waitUntilDone() { queue.sync {} }
}
