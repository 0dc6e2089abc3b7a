import Analysis
import Session
import Foundation
import SafeIO
import Tokenizers

/// One `:` command: its name, usage and help (the help overlay, the `:`
/// binding and docs/workbench.md list them from here), argument completion, and
/// what it does.
struct Command: Sendable {
    let name: String
    let usage: String
    let help: String
    /// Candidate arguments for Tab completion.
    let arguments: @Sendable (Workbench) -> [String]
    let run: @Sendable (Workbench, String) -> Void

    init(
        _ name: String, _ usage: String, _ help: String,
        arguments: @escaping @Sendable (Workbench) -> [String] = { _ in [] },
        run: @escaping @Sendable (Workbench, String) -> Void
    ) {
        self.name = name; self.usage = usage; self.help = help; self.arguments = arguments; self.run = run
    }
}

enum Commands {
    static let viewArguments = AttentionViewKind.allCases.map(\.rawValue) + ["words", "tokens", "special", "nospecial"]

    static let all: [Command] = [
        Command("layer", ":layer N", "show layer N (1 = first)") { w, arg in w.showLayer(arg) },
        Command("head", ":head N", "show head N of the layer (single-head view)") { w, arg in w.showHead(arg) },
        Command(
            "view", ":view " + viewArguments.joined(separator: " | "), "the attention view, word level, special tokens",
            arguments: { _ in viewArguments }
        ) { w, arg in w.setView(arg) },
        Command("theme", ":theme NAME", "colour theme from Themes/ (or a .theme file)", arguments: { $0.themes.names })
        { w, arg in
            guard !arg.isEmpty else { return w.fail(":theme takes one of \(w.themes.names.joined(separator: ", "))") }
            w.applyTheme(arg)
        },
        Command("sample", ":sample [TEXT]", "the next sample sentence, or the first one matching TEXT") { w, arg in
            w.chooseSample(arg)
        },
        Command(
            "gold", ":gold [TEXT]",
            "a labelled sentence (UD test set): the probing pane compares each layer with its labels"
        ) { w, arg in
            w.chooseGold(arg)
        },
        Command(
            "ablate", ":ablate [mean|zero] L.H … | none",
            "knock out attention heads (layers and heads from 1; mean: their mean output over Samples/teaching.txt); none restores them",
            arguments: { _ in ["none", "mean", "zero"] }
        ) { w, arg in w.setAblation(arg) },
        Command(
            "counterfactual", ":counterfactual [TEXT]",
            "the sentence activation patching compares with (by words if token counts differ); P shows the grid"
        ) { w, arg in w.setCounterfactual(arg) },
        Command(
            "open", ":open FILE", "a text file as line A (a long one is cut into windows; line breaks become spaces)"
        ) {
            w, arg in w.openText(arg)
        },
        Command("window", ":window N", "a long text: show its window N (every pane works on the window)") { w, arg in
            w.showWindow(arg)
        },
        Command(
            "tokenizers", ":tokenizers [A,B,…]",
            "also split the text with these models' tokenizers (directories or hub ids), differences marked; none clears"
        ) { w, arg in w.setTokenizers(arg) },
        Command(
            "compare-model", ":compare-model [M | none]",
            "a second model beside this one: its tokens under the text, its predictions and attention side by side"
        ) { w, arg in w.compareModel(arg) },
        Command(
            "compare", ":compare [TEXT]",
            "compare the sentence with A′ = TEXT: both maps, their difference and each shared word's drift by layer; no TEXT closes"
        ) { w, arg in w.setComparison(arg) },
        Command(
            "tour", ":tour [NAME]", "play a teaching tour (→ Space next, ← back, Esc explores from the step on screen)",
            arguments: { w in w.tours.names }
        ) { w, arg in w.playTour(arg) },
        Command("record", ":record NAME", "record a tour: each :step (or Enter) keeps the screen as a step") { w, arg in
            w.startRecording(arg)
        },
        Command("step", ":step", "while recording: keep what is on screen as the next step") { w, _ in w.recordStep() },
        Command("caption", ":caption TEXT", "while recording: a caption line for the last step") { w, arg in
            w.caption(arg)
        },
        Command("stop", ":stop", "stop recording and write the tour") { w, _ in w.stopRecording() },
        Command(
            "save", ":save FILE", "save the workbench (model, sentences, masks, pane settings); bertscope --open FILE"
        ) { w, arg in w.saveState(arg) },
        Command(
            "export", ":export [DIR] | svg|png|html|txt|ansi [PATH] | screen FORMAT [PATH]",
            "the sentence's numbers (npy, json) to DIR; or a figure of the focused pane (or the whole screen) as drawn",
            arguments: { _ in FigureFormat.allCases.map(\.rawValue) + ["screen"] }
        ) {
            w, arg in
            w.exportCommand(arg)
        },
        Command("model", ":model PATH|HUB_ID", "load another model (folder or Hugging Face cache id)") { w, arg in
            w.switchModel(arg)
        },
        Command("reload", ":reload", "load the current model's files again (after they changed on disk)") { w, _ in
            w.reloadModel()
        },
        Command("recover", ":recover", "the newest draft another (ended) window left") { w, _ in w.recoverDraft() },
        Command("quit", ":quit", "quit (also :q)") { w, _ in w.quit() },
    ]

    static var names: [String] { all.map(\.name) }

    static func named(_ name: String) -> Command? {
        name == "q" ? all.first { $0.name == "quit" } : all.first { $0.name == name }
    }

    /// Tab completion of the command name, or of its argument.
    static func complete(_ line: String, workbench w: Workbench) -> String? {
        let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        if parts.count <= 1 {
            return commonPrefix(names.sorted().filter { $0.hasPrefix(parts.first ?? "") }).map {
                $0 == parts.first ? $0 + " " : $0
            }
        }
        guard let c = named(parts[0]) else { return nil }
        return commonPrefix(c.arguments(w).filter { $0.hasPrefix(parts[1]) }).map { parts[0] + " " + $0 }
    }

    static func commonPrefix(_ words: [String]) -> String? {
        guard var prefix = words.first else { return nil }
        for w in words.dropFirst() { while !w.hasPrefix(prefix) { prefix.removeLast() } }
        return prefix
    }
}

/// Which of `:tokenizers`' names failed to load, and why.
struct TokenizerLoadFailure: Error, CustomStringConvertible {
    let name: String, error: any Error
    var description: String { "\(name): \(error)" }
}

extension Workbench {
    /// Runs one command line; problems become a red notice, never a crash.
    public func run(command line: String) {
        let parts = line.trimmingCharacters(in: .whitespaces).split(separator: " ", maxSplits: 1).map(String.init)
        guard let name = parts.first else { return }
        let arg = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        guard let c = Commands.named(name) else {
            return fail("unknown command :\(name) (try \(Commands.names.joined(separator: ", ")))")
        }
        c.run(self, arg)
        // `:compare`, `:patch`, … open another of the attention pane's views: a panel gives way, as to their keys.
        state.attention.closePanelUnderOtherViews()
    }

    func fail(_ text: String) { state.say(text, error: true) }

    func showLayer(_ arg: String) {
        let layers = facts.layers
        guard let n = Int(arg), (1...layers).contains(n) else { return fail(":layer takes 1…\(layers)") }
        state.attention.layer = n - 1
    }

    func showHead(_ arg: String) {
        let heads = facts.heads
        guard let n = Int(arg), (1...heads).contains(n) else { return fail(":head takes 1…\(heads)") }
        state.attention.head = n - 1
        state.attention.view = .head
    }

    func setView(_ arg: String) {
        switch arg {
        case "words": state.attention.words = true
        case "tokens": state.attention.words = false
        case "special": state.attention.hideSpecial = false
        case "nospecial": state.attention.hideSpecial = true
        default:
            guard let v = AttentionViewKind(rawValue: arg) else {
                return fail(":view takes head, mean, rollout, words, tokens, special or nospecial")
            }
            state.attention.view = v
        }
    }

    func chooseSample(_ arg: String) {
        if arg.isEmpty { return cycleSample() }
        guard
            let s = samples.first(where: {
                $0.text.localizedCaseInsensitiveContains(arg) || $0.set.localizedCaseInsensitiveContains(arg)
            })
        else {
            return fail("no sample matches \"\(arg)\"")
        }
        loadSample(s)
    }

    func chooseGold(_ arg: String) {
        let all = gold.sentences
        guard !all.isEmpty else { return fail("no labelled sentences found (Samples/probing/test.conllu)") }
        let pick =
            arg.isEmpty
            ? all[Int.random(in: 0..<all.count)] : all.first { $0.text.0.localizedCaseInsensitiveContains(arg) }
        guard let s = pick else { return fail("no labelled sentence contains \"\(arg)\"") }
        setText(s.text.0)
        gold.current = s
        state.focus = .probing
        state.say("labelled sentence: the probing pane compares each layer with its gold (silver) labels")
    }

    /// The most text `:open` takes: a long document, well under what re-tokenizing per keystroke can bear.
    static let openLimit = 200_000

    func openText(_ path: String) {
        guard !path.isEmpty else { return fail(":open FILE (a text file for line A)") }
        let url = URL(fileURLWithPath: (path as NSString).expandingTildeInPath)
        let text: String
        do { text = try SafeFile.text(url, limit: Self.openLimit) } catch {
            return fail(":open: \(IOErrorText.describe(error))")
        }
        let line = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
        state.editorA = LineEditor(line)
        state.window = 0
        state.focus = .tokens
        textChanged()
        state.say("opened \(url.lastPathComponent): \(line.unicodeScalars.count) characters")
    }

    func showWindow(_ arg: String) {
        let count = snapshot.result?.windows?.count ?? 1
        guard count > 1 else { return fail("the text fits the model's window: nothing to choose") }
        guard let n = Int(arg), (1...count).contains(n) else { return fail(":window takes 1…\(count)") }
        state.window = n - 1
        inputChanged()
    }

    func setTokenizers(_ arg: String) {
        let names = arg.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
        guard !names.isEmpty, names != ["none"] else {
            jobs.supersede("tokenizers")
            arena = TokenizerArena()
            return state.say("tokenizer arena closed")
        }
        guard names.count <= 8 else { return fail(":tokenizers takes at most 8 tokenizers") }
        let load = loadTokenizer
        state.say("loading \(names.count == 1 ? "a tokenizer" : "\(names.count) tokenizers")…")
        jobs.load(slot: "tokenizers", failure: ":tokenizers ") {
            try names.map { name in
                do { return ((name as NSString).lastPathComponent, try load(name)) } catch {
                    throw TokenizerLoadFailure(name: name, error: error)
                }
            }
        } then: { [unowned self] (loaded: [(name: String, tokenizer: Tokenizer)]) in
            arena = TokenizerArena(entries: loaded)
            state.focus = .tokens
            state.say("the tokens pane also splits with \(loaded.map(\.name).joined(separator: ", "))")
        }
    }

    func setComparison(_ arg: String) {
        state.comparison = arg
        state.attention.comparing = !arg.isEmpty
        if !arg.isEmpty {
            state.attention.patching = false
            state.attention.importance = false
            state.attention.overview = false
            state.attention.compareWord = 0
            state.focus = .attention
        }
        inputChanged()
        state.say(arg.isEmpty ? "comparison closed" : "comparing with A′: \(arg)")
    }

    func setCounterfactual(_ arg: String) {
        state.counterfactual = arg
        if !arg.isEmpty {
            state.attention.patching = true
            state.attention.importance = false
            state.focus = .attention
        }
        inputChanged()
        state.say(arg.isEmpty ? "no counterfactual" : "counterfactual: \(arg)")
    }

    func setAblation(_ arg: String) {
        var words = arg.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        if let mode = words.first, mode == "mean" || mode == "zero" {
            if mode == "mean", session.reference.isEmpty {
                return fail(":ablate mean: no reference sentences (Samples/teaching.txt was not found)")
            }
            state.meanAblation = mode == "mean"
            words.removeFirst()
        }
        if arg.isEmpty || words == ["none"] {
            state.ablated = HeadAblation()
        } else if !words.isEmpty {
            do {
                state.ablated = try HeadAblation.parse(
                    words.joined(separator: ","), layers: facts.layers, heads: facts.heads)
            } catch {
                return fail(":ablate: \(error)")
            }
        }
        inputChanged()
        let mode = state.meanAblation ? "mean-ablated (over \(session.reference.count) sentences)" : "zeroed"
        state.say(state.ablated.isEmpty ? "every head restored" : "heads off: \(state.ablated), \(mode)")
    }

    func switchModel(_ arg: String) {
        guard !arg.isEmpty else { return fail(":model takes a directory or hub id") }
        let load = loadModel
        state.say("loading \(arg)…")
        jobs.load(slot: "model", failure: "") {
            try load(arg)
        } then: { [unowned self] model in
            replaceSession(with: model)
            state.say("loaded \(model.name)")
        }
    }
}
