import Analysis
import Checkpoint
import Session
import Foundation
import SafeIO
import Tokenizers

/// What a command reads besides the state: the model's shape, the windows
/// on screen, the names it completes, mean ablation's reference count.
struct CommandContext: Sendable {
    var facts: ModelFacts
    var windows = 1
    var themes: [String] = [], tours: [String] = []
    var reference = 0
}

/// One `:` command, the same kind of record as a key binding (helix): its
/// name, usage and help (the help overlay, the `:` binding and
/// docs/workbench.md list them from here), argument completion, and what it
/// does — a change of the state, and an effect for what needs I/O or the
/// session, which the controller runs.
struct Command: Sendable {
    let name: String
    let usage: String
    let help: String
    /// Candidate arguments for Tab completion.
    let arguments: @Sendable (CommandContext) -> [String]
    let run: @Sendable (inout WorkbenchState, String, CommandContext) -> Effect

    init(
        _ name: String, _ usage: String, _ help: String,
        arguments: @escaping @Sendable (CommandContext) -> [String] = { _ in [] },
        run: @escaping @Sendable (inout WorkbenchState, String, CommandContext) -> Effect
    ) {
        self.name = name; self.usage = usage; self.help = help; self.arguments = arguments; self.run = run
    }

    /// A command that is all I/O: its argument goes to the controller as `effect`.
    static func io(
        _ name: String, _ usage: String, _ help: String,
        arguments: @escaping @Sendable (CommandContext) -> [String] = { _ in [] },
        _ effect: @escaping @Sendable (String) -> CommandIO
    ) -> Command {
        Command(name, usage, help, arguments: arguments) { _, arg, _ in .io(effect(arg)) }
    }
}

/// What a command asks of the controller: files, themes, models, tours, exports.
public enum CommandIO: Equatable, Sendable {
    case open(String), theme(String), sample(String), gold(String), tokenizers(String)
    case compareModel(String), model(String), reload
    case tour(String), record(String), step, caption(String), stopRecording, save(String)
    case export(String), recover
}

enum Commands {
    /// What `:view` takes besides a view's name: word level and the special tokens.
    static let viewSettings: [(name: String, apply: @Sendable (inout AttentionState) -> Void)] = [
        ("words", { $0.words = true }), ("tokens", { $0.words = false }),
        ("special", { $0.hideSpecial = false }), ("nospecial", { $0.hideSpecial = true }),
    ]
    /// Every argument `:view` accepts: its usage, completion and refusal list these.
    static let viewArguments = AttentionViewKind.allCases.map(\.rawValue) + viewSettings.map(\.name)

    static let all: [Command] = [
        Command("layer", ":layer N", "show layer N (1 = first)") { s, arg, c in s.showLayer(arg, c.facts) },
        Command("head", ":head N", "show head N of the layer (single-head view)") { s, arg, c in
            s.showHead(arg, c.facts)
        },
        Command(
            "view", ":view " + viewArguments.joined(separator: " | "), "the attention view, word level, special tokens",
            arguments: { _ in viewArguments }
        ) { s, arg, _ in s.setView(arg) },
        Command("theme", ":theme NAME", "colour theme from Themes/ (or a .theme file)", arguments: { $0.themes }) {
            s, arg, c in
            guard !arg.isEmpty else { return s.fail(":theme takes one of \(c.themes.joined(separator: ", "))") }
            return .io(.theme(arg))
        },
        .io("sample", ":sample [TEXT]", "the next sample sentence, or the first one matching TEXT") { .sample($0) },
        .io(
            "gold", ":gold [TEXT]",
            "a labelled sentence (UD test set): the probing pane compares each layer with its labels"
        ) { .gold($0) },
        Command(
            "ablate", ":ablate [mean|zero] L.H … | none",
            "knock out attention heads (layers and heads from 1; mean: their mean output over Samples/teaching.txt); none restores them",
            arguments: { _ in ["none", "mean", "zero"] }
        ) { s, arg, c in s.setAblation(arg, c) },
        Command(
            "counterfactual", ":counterfactual [TEXT]",
            "the sentence activation patching compares with (by words if token counts differ); P shows the grid"
        ) { s, arg, _ in s.setCounterfactual(arg) },
        .io("open", ":open FILE", "a text file as line A (a long one is cut into windows; line breaks become spaces)") {
            .open($0)
        },
        Command("window", ":window N", "a long text: show its window N (every pane works on the window)") {
            s, arg, c in s.showWindow(arg, of: c.windows)
        },
        Command(
            "glossary", ":glossary [TERM]",
            "the terms of a BERT course in two sentences each; Enter (or a TERM) jumps to the view that shows it live",
            arguments: { _ in Glossary.all.map(\.term) }
        ) { s, arg, _ in s.openGlossary(arg) },
        Command(
            "scale", ":scale none | S | model",
            "experiment: every head's q·k times S instead of ÷√dₕ in every pass (none: no scaling; model: the model's own)"
        ) { s, arg, c in s.setAttentionScale(arg, relative: c.facts.relativeAttention) },
        Command(
            "temperature", ":temperature T",
            "experiment: the masked LM's guesses at softmax temperature T (0.05–20; 1 is the model's own), display only"
        ) { s, arg, _ in s.setTemperature(arg) },
        Command(
            "filter", ":filter [WORD]",
            "the corpus dataset table: only rows containing WORD (case-insensitive); no WORD shows them all"
        ) { s, arg, _ in s.filterDataset(arg) },
        Command(
            "layers", ":layers published|masked-lm|task|next-sentence",
            "whose layers the attention (its arithmetic and anatomy) and probing show: the published ones or a head's retrained ones (L cycles)",
            arguments: { c in c.facts.layerChoices.map(\.rawValue) }
        ) { s, arg, c in s.showLayers(arg, of: c.facts) },
        .io(
            "tokenizers", ":tokenizers [A,B,…]",
            "also split the text with these models' tokenizers (directories or hub ids), differences marked; none clears"
        ) { .tokenizers($0) },
        .io(
            "compare-model", ":compare-model [M | none | published | masked-lm | task | next-sentence]",
            "a second model beside this one: its tokens under the text, its predictions and attention side by side; a layers name compares with this model's published (or a head's) layers: what retraining changed"
        ) { .compareModel($0) },
        Command(
            "compare", ":compare [TEXT]",
            "compare the sentence with A′ = TEXT: both maps, their difference and each shared word's drift by layer; no TEXT closes"
        ) { s, arg, _ in s.setComparison(arg) },
        .io(
            "tour", ":tour [NAME]", "play a teaching tour (→ Space next, ← back, Esc explores from the step on screen)",
            arguments: { $0.tours }
        ) { .tour($0) },
        .io("record", ":record NAME", "record a tour: each :step (or Enter) keeps the screen as a step") {
            .record($0)
        },
        .io("step", ":step", "while recording: keep what is on screen as the next step") { _ in .step },
        .io("caption", ":caption TEXT", "while recording: a caption line for the last step") { .caption($0) },
        .io("stop", ":stop", "stop recording and write the tour") { _ in .stopRecording },
        .io("save", ":save FILE", "save the workbench (model, sentences, masks, pane settings); bertscope --open FILE")
        {
            .save($0)
        },
        .io(
            "export", ":export [DIR] | svg|png|html|txt|ansi [PATH] | screen FORMAT [PATH]",
            "the sentence's numbers (npy, json) to DIR; or a figure of the focused pane (or the whole screen) as drawn",
            arguments: { _ in FigureFormat.allCases.map(\.rawValue) + ["screen"] }
        ) { .export($0) },
        .io(
            "model", ":model PATH|HUB_ID|default",
            "load another model (folder or Hugging Face cache id); default (or \(ModelLocator.defaultName)) goes back to the default one",
            arguments: { _ in ["default", ModelLocator.defaultName] }
        ) { .model($0) },
        .io("reload", ":reload", "load the current model's files again (after they changed on disk)") { _ in .reload },
        .io("recover", ":recover", "the newest draft another (ended) window left") { _ in .recover },
        Command("quit", ":quit", "quit (also :q)") { _, _, _ in .quit },
    ]

    static var names: [String] { all.map(\.name) }

    static func named(_ name: String) -> Command? {
        name == "q" ? all.first { $0.name == "quit" } : all.first { $0.name == name }
    }

    /// Tab completion of the command name, or of its argument.
    static func complete(_ line: String, _ context: CommandContext) -> String? {
        let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        if parts.count <= 1 {
            return commonPrefix(names.sorted().filter { $0.hasPrefix(parts.first ?? "") }).map {
                $0 == parts.first ? $0 + " " : $0
            }
        }
        guard let c = named(parts[0]) else { return nil }
        return commonPrefix(c.arguments(context).filter { $0.hasPrefix(parts[1]) }).map { parts[0] + " " + $0 }
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
    /// Runs one command line: its record changes the state, and the effect
    /// it returns runs here; problems become a red notice, never a crash.
    public func run(command line: String) {
        let parts = line.trimmingCharacters(in: .whitespaces).split(separator: " ", maxSplits: 1).map(String.init)
        guard let name = parts.first else { return }
        let arg = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        guard let c = Commands.named(name) else {
            return fail("unknown command :\(name) (try \(Commands.names.joined(separator: ", ")))")
        }
        let result = snapshot.result
        let effect = c.run(&state, arg, commandContext(result))
        // `:compare`, `:counterfactual`, … open another of the attention pane's views: a panel gives way, as to their keys.
        state.attention.closePanelUnderOtherViews()
        apply(effect, result)
    }

    /// What commands read besides the state.
    func commandContext(_ r: EncodeResult?) -> CommandContext {
        CommandContext(
            facts: facts, windows: r?.windows?.count ?? 1, themes: themes.names, tours: tours.names,
            reference: session.reference.count)
    }

    func fail(_ text: String) { state.say(text, error: true) }

    /// The I/O a command asked for.
    func run(_ io: CommandIO) {
        switch io {
        case .open(let path): openText(path)
        case .theme(let name): applyTheme(name)
        case .sample(let text): chooseSample(text)
        case .gold(let text): chooseGold(text)
        case .tokenizers(let names): setTokenizers(names)
        case .compareModel(let spec): compareModel(spec)
        case .model(let spec): switchModel(spec)
        case .reload: reloadModel()
        case .tour(let name): playTour(name)
        case .record(let name): startRecording(name)
        case .step: recordStep()
        case .caption(let text): caption(text)
        case .stopRecording: stopRecording()
        case .save(let path): saveState(path)
        case .export(let arg): exportCommand(arg)
        case .recover: recoverDraft()
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
        state.say("opening \(url.lastPathComponent)…")
        // Read off the key path (a slow disk or a network mount must not freeze the keys).
        jobs.load(slot: "open", failure: ":open: ") {
            try SafeFile.text(url, limit: Self.openLimit).split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
        } then: { [unowned self] line in
            state.editorA = LineEditor(line)
            state.window = 0
            state.focus = .tokens
            textChanged()
            state.say("opened \(url.lastPathComponent): \(line.unicodeScalars.count) characters")
        }
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

/// The commands that only change the state: each returns what the controller runs after.
extension WorkbenchState {
    mutating func fail(_ text: String) -> Effect {
        say(text, error: true)
        return .none
    }

    mutating func showLayer(_ arg: String, _ f: ModelFacts) -> Effect {
        guard let n = Int(arg), (1...f.layers).contains(n) else { return fail(":layer takes 1…\(f.layers)") }
        attention.layer = n - 1
        return .none
    }

    mutating func showHead(_ arg: String, _ f: ModelFacts) -> Effect {
        guard let n = Int(arg), (1...f.heads).contains(n) else { return fail(":head takes 1…\(f.heads)") }
        attention.head = n - 1
        attention.view = .head
        return .none
    }

    mutating func setView(_ arg: String) -> Effect {
        if let v = AttentionViewKind(rawValue: arg) {
            attention.view = v
        } else if let setting = Commands.viewSettings.first(where: { $0.name == arg }) {
            setting.apply(&attention)
        } else {
            let all = Commands.viewArguments
            return fail(":view takes " + all.dropLast().joined(separator: ", ") + " or " + all[all.count - 1])
        }
        return .none
    }

    mutating func showWindow(_ arg: String, of count: Int) -> Effect {
        guard count > 1 else { return fail("the text fits the model's window: nothing to choose") }
        guard let n = Int(arg), (1...count).contains(n) else { return fail(":window takes 1…\(count)") }
        window = n - 1
        return .inputChanged
    }

    mutating func openGlossary(_ arg: String) -> Effect {
        guard !arg.isEmpty else {
            overlay = .palette(PaletteState(glossaryOnly: true))
            return .none
        }
        guard let g = Glossary.named(arg) else {
            return fail("no glossary term like \"\(arg)\" (:glossary lists them)")
        }
        Glossary.open(g, &self)
        return .submit
    }

    mutating func setAttentionScale(_ arg: String, relative: Bool) -> Effect {
        guard !relative else { return fail("DeBERTa's scores are not q·k/√dₕ alone: no scale experiment here") }
        switch arg {
        case "model", "off", "": attentionScale = nil
        case "none": attentionScale = 1
        default:
            guard let s = Float(arg), s.isFinite, (0.001...100).contains(s) else {
                return fail(":scale takes none, model or a number from 0.001 to 100")
            }
            attentionScale = s
        }
        say(
            attentionScale == nil
                ? "the model's own ÷√dₕ again" : "experiment: q·k × \(arg == "none" ? "1" : arg) in every pass")
        return .submit
    }

    mutating func filterDataset(_ arg: String) -> Effect {
        let word = arg.trimmingCharacters(in: .whitespaces)
        probing.datasetWord = word.isEmpty ? nil : word
        probing.corpus = true
        probing.dataset = true
        probing.corpusProjection = false
        probing.datasetRow = 0
        focus = .probing
        say(word.isEmpty ? "dataset table: every row" : "dataset table: rows containing \"\(word)\"")
        return .none
    }

    mutating func setTemperature(_ arg: String) -> Effect {
        guard let t = Float(arg), t.isFinite, (0.05...20).contains(t) else {
            return fail(":temperature takes a number from 0.05 to 20 (1: the model's own softmax)")
        }
        predictions.temperature = t
        say(t == 1 ? "the model's own softmax again" : "experiment: softmax temperature \(arg) (display only)")
        return .none
    }

    mutating func showLayers(_ arg: String, of f: ModelFacts) -> Effect {
        let names = f.layerChoices.map(\.rawValue).joined(separator: ", ")
        guard f.layerChoices.count > 1 else { return fail("this model's heads all run on its published layers") }
        guard let shown = ShownLayers(rawValue: arg), f.layerChoices.contains(shown) else {
            return fail(":layers takes \(names)")
        }
        layers = shown
        say("showing the \(f.layersTitle(shown))")
        return .submit
    }

    mutating func setComparison(_ arg: String) -> Effect {
        comparison = arg
        comparisonLayers = nil
        attention.comparing = !arg.isEmpty
        if !arg.isEmpty {
            attention.patching = false
            attention.importance = false
            attention.overview = false
            attention.compareWord = 0
            focus = .attention
        }
        say(arg.isEmpty ? "comparison closed" : "comparing with A′: \(arg)")
        return .submit
    }

    mutating func setCounterfactual(_ arg: String) -> Effect {
        counterfactual = arg
        if !arg.isEmpty {
            attention.patching = true
            attention.importance = false
            focus = .attention
        }
        say(arg.isEmpty ? "no counterfactual" : "counterfactual: \(arg)")
        return .submit
    }

    mutating func setAblation(_ arg: String, _ c: CommandContext) -> Effect {
        var words = arg.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        if let mode = words.first, mode == "mean" || mode == "zero" {
            if mode == "mean", c.reference == 0 {
                return fail(":ablate mean: no reference sentences (Samples/teaching.txt was not found)")
            }
            meanAblation = mode == "mean"
            words.removeFirst()
        }
        if arg.isEmpty || words == ["none"] {
            ablated = HeadAblation()
        } else if !words.isEmpty {
            do {
                ablated = try HeadAblation.parse(
                    words.joined(separator: ","), layers: c.facts.layers, heads: c.facts.heads)
            } catch {
                return fail(":ablate: \(error)")
            }
        }
        let mode = meanAblation ? "mean-ablated (over \(c.reference) sentences)" : "zeroed"
        say(ablated.isEmpty ? "every head restored" : "heads off: \(ablated), \(mode)")
        return .submit
    }
}
