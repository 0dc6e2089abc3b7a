/// The command palette (Ctrl-P; helix's `space ?`, lazygit's filtered `?`):
/// every key binding and `:` command with its help, generated from the same
/// records as the help overlay, fuzzy-filtered by what is typed; Enter runs
/// the highlighted one.
enum CommandPalette {
    struct Entry: Sendable {
        enum Action: Equatable, Sendable {
            /// The binding at this index of `KeyMap.bindings`.
            case key(Int)
            case command(String)
            /// The entry at this index of `Glossary.all`: Enter jumps to the view that shows it.
            case glossary(Int)
        }
        /// What to press or type: "[", "← h", ":layer N".
        let keys: String
        let help: String
        /// Where a key applies ("Tokens pane"); "command" for a command.
        let place: String
        let action: Action
        /// Where in the list it stands with nothing typed (ties keep this order).
        let rank: Int
    }

    /// The overlays' own keys (the help's scrolling, the command line's, the
    /// palette's) do nothing from here: they are left out.
    static let ownKeys: Set<Context> = [.helpOverlay, .commandLine, .palette]

    /// Every entry for the state: the keys of the focused part and where
    /// they bubble first, then the commands, then every other key.
    static func entries(_ s: WorkbenchState) -> [Entry] {
        let chain = s.keyChain
        let keys = KeyMap.bindings.indices.filter { !ownKeys.contains(KeyMap.bindings[$0].context) }
        let near = chain.flatMap { c in keys.filter { KeyMap.bindings[$0].context == c } }
        let far = keys.filter { !chain.contains(KeyMap.bindings[$0].context) }
        let keyEntries = { (i: Int, rank: Int) -> Entry in
            let b = KeyMap.bindings[i]
            return Entry(
                keys: b.keys.map(\.description).joined(separator: " "), help: b.help, place: b.context.rawValue,
                action: .key(i), rank: rank)
        }
        let commands = Commands.all.enumerated().map { k, c in
            Entry(keys: c.usage, help: c.help, place: "command", action: .command(c.name), rank: near.count + k)
        }
        let terms = Glossary.all.enumerated().map { k, g in
            Entry(keys: g.term, help: g.text, place: "glossary", action: .glossary(k), rank: k)
        }
        if case .palette(let p) = s.overlay, p.glossaryOnly { return terms }
        return near.enumerated().map { keyEntries($1, $0) } + commands
            + far.enumerated().map { keyEntries($1, near.count + commands.count + $0) }
            + terms.map {
                Entry(
                    keys: $0.keys, help: $0.help, place: $0.place, action: $0.action,
                    rank: keys.count + commands.count + $0.rank)
            }
    }

    /// The entries `query` matches, best first: a key typed exactly (`M`,
    /// not `m`) or a command's name begun wins, then the fuzzy score; letters
    /// strewn across a long help (gaps outweigh starts) are no match.
    static func matches(_ query: String, _ s: WorkbenchState) -> [Entry] {
        let q = query.trimmingCharacters(in: .whitespaces)
        guard !q.isEmpty else { return entries(s) }
        let scored = entries(s).compactMap { e -> (Entry, Int)? in
            guard let score = FuzzyMatch.score(q, in: e.keys + "  " + e.help), score > 0 else { return nil }
            let exactKey = e.place != "command" && e.keys.split(separator: " ").contains { $0 == q }
            let commandName = e.place == "command" && e.keys.dropFirst().hasPrefix(q.lowercased())
            return (e, score + (exactKey ? 40 : 0) + (commandName ? 20 : 0))
        }
        return scored.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.rank < $1.0.rank }.map(\.0)
    }

    /// What Enter on `e` does: a key runs where it applies; a command that
    /// takes an argument opens the command line with its name typed, any
    /// other runs at once.
    static func pick(_ e: Entry, _ s: inout WorkbenchState) -> Effect {
        s.overlay = .none
        switch e.action {
        case .key(let i): return .runKey(i)
        case .glossary(let i):
            guard let g = Glossary.all[safe: i] else { return .none }
            Glossary.open(g, &s)
            return .submit
        case .command(let name):
            guard let c = Commands.named(name), c.usage.split(separator: " ").count > 1 else {
                return .runCommand(name)
            }
            s.overlay = .command(LineEditor(name + " "))
            return .none
        }
    }

    /// Why the entry cannot run now (nil: it can): a key whose binding says
    /// so, or one whose view is not open.
    static func unavailable(_ e: Entry, _ s: WorkbenchState, _ x: Extent) -> String? {
        guard case .key(let i) = e.action else { return nil }
        var t = s
        let b = KeyMap.bindings[i]
        focusHome(of: b.context, &t)
        return closedView(b, t) ?? b.disabled(t, x)
    }

    /// Why `b` cannot act in `s` because its view (the head finder, a tour, …) is not open; nil when it is.
    static func closedView(_ b: Binding, _ s: WorkbenchState) -> String? {
        s.keyChain.contains(b.context)
            ? nil
            : b.keys.map(\.description).joined(separator: " ")
                + ": only in the \(b.context.rawValue.lowercased()), not open now"
    }

    /// Focuses the part a context belongs to, so its key acts there.
    static func focusHome(of c: Context, _ s: inout WorkbenchState) {
        switch c {
        case .input: if !s.focus.isInput { s.focus = .inputA }
        case .panes: if s.focus.isInput { s.focus = .tokens }
        case .tokens: s.focus = .tokens
        case .predictions: s.focus = .predictions
        case .probing: s.focus = .probing
        case .global, .tour, .helpOverlay, .commandLine, .palette, .mouse: break
        default: s.focus = .attention  // the attention pane and its views and panels
        }
    }
}
