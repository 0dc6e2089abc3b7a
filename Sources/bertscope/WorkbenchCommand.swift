import Analysis
import ArgumentParser
import Encoder
import Foundation
import SafeIO
import Session
import TerminalNCurses
import WorkbenchUI

struct WorkbenchCommand: ParsableCommand {

    static let configuration = CommandConfiguration(
        commandName: "workbench",
        abstract: "The interactive workbench (the default when bertscope runs with no command).",
        discussion:
            "Type a sentence; Esc moves to the panes; ? lists every key. Colour follows the terminal; NO_COLOR or --no-color turns it off."
    )

    @OptionGroup var options: ModelOptions
    @Option(
        name: .long,
        help:
            "Colour theme: a name from Themes/ (dark, light, high-contrast, colorblind) or a .theme file (default: light on a light terminal background, else dark)."
    )
    var theme: String?
    @Flag(name: .customLong("no-color"), help: "No colours: glyph ramps and attributes only.") var noColor = false
    @Flag(
        name: .long, help: "Measure start-up and keystroke-to-frame latency: shown in the status bar, printed at exit.")
    var stats = false
    @Option(
        name: .long,
        help: ArgumentHelp("Play a teaching tour (a name from Samples/tours, or a .tour file).", valueName: "NAME"))
    var tour: String?
    @Option(name: .long, help: ArgumentHelp("Reopen a workbench state written by :save.", valueName: "FILE"))
    var open: String?
    @Option(
        name: .long,
        help: ArgumentHelp(
            "A second model beside the first: tokens, predictions and attention side by side.", valueName: "M"))
    var compareModel: String?
    @Flag(
        name: .long,
        help:
            "Lean mode: keep only the attention maps on screen (a layer change encodes again) and no earlier results."
    )
    var lean = false
    @Option(
        name: .long,
        help: ArgumentHelp(
            "A corpus index of this model (corpus index --out DIR), or probing (the probing set's dev file, indexed once): the probing pane's c shows the selected token's nearest corpus tokens.",
            valueName: "DIR"))
    var corpus: String?
    @Argument(help: "A sentence to start with.") var text: String?

    /// Whether the terminal's background is light, and how we know: its
    /// answer to OSC 11, else COLORFGBG; nil when neither says.
    static func terminalBackground() -> (light: Bool, source: String)? {
        if let light = TerminalBackground.query() { return (light, "OSC 11") }
        let env = ProcessInfo.processInfo.environment
        return env["COLORFGBG"] == nil ? nil : (terminalHasLightBackground(env), "COLORFGBG")
    }

    func run() throws {
        // Without a terminal (a pipe, a file, a typo'd subcommand in a script) curses would
        // wait forever for keys nobody can type.
        guard isatty(0) != 0, isatty(1) != 0 else {
            throw exitWithError(
                CommandError(
                    "the workbench needs a terminal (stdin and stdout are not one); the subcommands (tokenize, dump, predict, …) work in scripts"
                ))
        }
        let started = FrameStats()
        // Asked before curses takes the terminal: its reply must not be read as keys.
        let background = Self.terminalBackground()
        var workbench: Workbench!
        try reportingErrors {
            // A tour or a saved state names its model; --model overrides it.
            let script = try (tour ?? open).map { try WorkbenchSetup.tours().load($0) }
            var options = options
            if options.model == nil, let m = script?.model { options.model = m }
            let model = try options.load()
            // The UI thread needs a core too: small models encode faster on one
            // GEMM thread than on two competing with it (measured with --stats).
            configureThreads(model.encoder.config.hiddenSize >= 768 ? nil : 1)
            let chosen = try WorkbenchSetup.themes().load(theme ?? (background?.light == true ? "light" : "dark"))
            // Without a TEXT argument, pick up where the last run (or crash) left off.
            let drafts = DraftStore(directory: DraftStore.defaultDirectory())
            let draft = text == nil ? drafts.adoptNewest() : nil
            let index = try corpus.map { try openCorpusIndex(SampleCorpus.directory($0, for: model), for: model) }
            workbench = WorkbenchSetup.make(
                model, input: SessionInput(text: text ?? draft?.a ?? "", pair: draft?.b), theme: chosen,
                history: History(file: History.defaultFile()), corpus: index)
            if index != nil { workbench.state.probing.corpus = true }
            workbench.drafts = drafts
            if lean {
                workbench.lean = true
                keepFreedMemory(false)
            }
            if let compareModel {
                workbench.compareModel(compareModel)
                workbench.finishJobs()
                if workbench.second == nil {
                    throw CommandError(workbench.state.notice?.text ?? "--compare-model \(compareModel) did not load")
                }
            }
            if let script {
                if tour != nil { workbench.startTour(script) } else { workbench.open(script) }
            }
            let others = drafts.orphans().count
            let unsent = "\(others) unsent draft\(others == 1 ? "" : "s") from other windows: :recover loads the newest"
            // A tour's error (a step that did not load) stays on screen; what start-up
            // found wrong with the state folder outranks the drafts count.
            let tourFailed = workbench.state.notice?.isError == true
            if !tourFailed, let problem = drafts.problem ?? workbench.history.notice {
                workbench.state.notice = Notice(text: problem, isError: true)
            } else if !tourFailed, others > 0 {
                workbench.state.notice = Notice(text: unsent, isError: false)
            }
        }
        let noColorEnv = !(ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        if let background { (workbench.lightTerminal, workbench.backgroundSource) = background }
        if workbench.state.notice == nil, let note = workbench.themeFitNote(workbench.theme) {
            workbench.state.notice = Notice(text: note, isError: false)
        }
        let terminal: NCursesTerminal
        do { terminal = try NCursesTerminal(noColor: noColor || noColorEnv) } catch { throw exitWithError(error) }
        workbench.colorMode = terminal.colorMode
        if stats { workbench.stats = started }
        WorkbenchLoop.run(workbench, on: terminal)
        terminal.shutdown()
        // Quitting does not wait for a background export: its temporary file goes.
        OutputFile.removeUnfinished()
        do { try workbench.history.add(workbench.state.editorA.text) } catch {
            writeStderr("bertscope: \(error)")
        }
        if stats { print("bertscope: " + started.summary) }
    }
}
