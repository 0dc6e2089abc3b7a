import Foundation

/// A private tmux server for driving the real binary as a person would:
/// send keys, read the screen, wait for conditions (never fixed sleeps).
public final class Tmux {
    public let socket: String
    let tmux: String

    public init(width: Int, height: Int, command: String) throws {
        socket = "bertscope-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        guard
            let path = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].first(
                where: FileManager.default.isExecutableFile)
        else {
            throw NSError(
                domain: "tmux", code: 1,
                userInfo: [NSLocalizedDescriptionKey: "tmux is not installed (apt-get install tmux)"])
        }
        tmux = path
        try run(["new-session", "-d", "-x", "\(width)", "-y", "\(height)", command])
    }

    deinit { _ = try? run(["kill-server"]) }

    @discardableResult
    public func run(_ args: [String]) throws -> String {
        let out = try runProcess([tmux, "-L", socket, "-f", "/dev/null"] + args)
        return out.stdout
    }

    /// The visible screen as text, or with colour escapes when `escapes`.
    public func screen(escapes: Bool = false) -> String {
        (try? run(["capture-pane", "-p"] + (escapes ? ["-e"] : []) + ["-t", "0"])) ?? ""
    }

    /// Sends keys: tmux key names (Escape, Tab, Down) or, with `literal`, text.
    public func send(_ keys: String..., literal: Bool = false) throws {
        try run(["send-keys", "-t", "0"] + (literal ? ["-l"] : []) + keys)
        // The workbench reads ESC followed within 25 ms by a key as Alt-key, as
        // terminals send it; a person's Esc stands alone, so pause like one.
        if keys.last == "Escape" { usleep(80_000) }
    }

    public func resize(width: Int, height: Int) throws {
        try run(["resize-window", "-t", "0", "-x", "\(width)", "-y", "\(height)"])
    }

    /// Polls the screen until `condition` holds, up to `timeout` seconds, then returns the
    /// frame once tmux has finished drawing it (see `settled`). `pollMicroseconds`: how
    /// often (a latency test polls often and returns the first read that holds).
    @discardableResult
    public func waitFor(
        _ what: String, timeout: Double = 15, escapes: Bool = false, pollMicroseconds: UInt32 = 50_000,
        settle: Bool = true, _ condition: (String) -> Bool
    ) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = screen(escapes: escapes)
            if condition(last) { return settle ? settled(last, escapes: escapes, condition) : last }
            usleep(pollMicroseconds)
        }
        throw NSError(
            domain: "tmux", code: 2,
            userInfo: [NSLocalizedDescriptionKey: "timed out waiting for \(what); screen:\n\(last)"])
    }

    /// A capture can catch a frame half written (its first lines new, the rest old), so a screen
    /// that meets the condition is read again until two reads agree (at most a second). If the
    /// condition stops holding, the state was transient and the first read is the answer.
    private func settled(_ first: String, escapes: Bool, _ condition: (String) -> Bool) -> String {
        var last = first
        for _ in 0..<25 {
            usleep(40_000)
            let next = screen(escapes: escapes)
            if next == last || !condition(next) { return last }
            last = next
        }
        return last
    }

    @discardableResult
    public func waitFor(text: String, timeout: Double = 15) throws -> String {
        try waitFor("\"\(text)\"", timeout: timeout) { $0.contains(text) }
    }
}

extension Tmux {
    /// The real `bertscope ARGUMENTS` in a private tmux, as a user's terminal
    /// runs it: colours on (NO_COLOR unset, xterm-256color), drafts and
    /// history in `state` (and tours, with `dataHome`), then `then` so the
    /// pane stays to be read after the program exits.
    public static func bertscope(
        width: Int, height: Int, state: URL, _ arguments: String = "", dataHome: Bool = false,
        environment: [String: String] = [:], then: String = "sleep 60"
    ) throws -> Tmux {
        let env =
            "env -u NO_COLOR TERM=xterm-256color XDG_STATE_HOME=\(state.path)"
            + (dataHome ? " XDG_DATA_HOME=\(state.path)" : "")
            + environment.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        return try Tmux(
            width: width, height: height,
            command: "\(env) \(try bertscopeBinary())\(arguments.isEmpty ? "" : " " + arguments); \(then)")
    }

    /// Escape from an input line to the panes; a key sent right after Escape would read as Alt-key.
    public func leaveInputLine() throws {
        try send("Escape")
        Thread.sleep(forTimeInterval: 0.3)
    }
}
