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
        help: "Colour theme: a name from Themes/ (dark, light, high-contrast, colorblind) or a .theme file.")
    var theme = "dark"
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
    @Argument(help: "A sentence to start with.") var text: String?

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
            let chosen = try WorkbenchSetup.themes().load(theme)
            // Without a TEXT argument, pick up where the last run (or crash) left off.
            let drafts = DraftStore(directory: DraftStore.defaultDirectory())
            let draft = text == nil ? drafts.adoptNewest() : nil
            workbench = WorkbenchSetup.make(
                model, input: SessionInput(text: text ?? draft?.a ?? "", pair: draft?.b), theme: chosen,
                history: History(file: History.defaultFile()))
            workbench.drafts = drafts
            if lean {
                workbench.lean = true
                keepFreedMemory(false)
            }
            if let compareModel {
                workbench.compareModel(compareModel)
                if workbench.second == nil {
                    throw CommandError(workbench.state.notice?.text ?? "--compare-model \(compareModel) did not load")
                }
            }
            if let script {
                if tour != nil { workbench.startTour(script) } else { workbench.open(script) }
            }
            let others = drafts.orphans().count
            let unsent = "\(others) unsent draft\(others == 1 ? "" : "s") from other windows: :recover loads the newest"
            // What start-up found wrong with the state folder outranks the drafts count.
            if let problem = drafts.problem ?? workbench.history.notice {
                workbench.state.notice = Notice(text: problem, isError: true)
            } else if others > 0 {
                workbench.state.notice = Notice(text: unsent, isError: false)
            }
        }
        let noColorEnv = !(ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        let terminal: NCursesTerminal
        do { terminal = try NCursesTerminal(noColor: noColor || noColorEnv) } catch { throw exitWithError(error) }
        workbench.colorMode = terminal.colorMode
        workbench.lightTerminal = terminalHasLightBackground(ProcessInfo.processInfo.environment)
        if stats { workbench.stats = started }
        WorkbenchLoop.run(workbench, on: terminal)
        terminal.shutdown()
        // Quitting does not wait for a background export: its temporary file goes.
        OutputFile.removeUnfinished()
        do { try workbench.history.add(workbench.state.editorA.text) } catch {
            FileHandle.standardError.write(Data("bertscope: \(error)\n".utf8))
        }
        if stats { print("bertscope: " + started.summary) }
    }
}

/// `bertscope tour NAME`: the workbench playing a tour.
struct TourCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tour",
        abstract: "Play a teaching tour in the workbench (→ Space next, ← back, Esc explores from there).",
        discussion: "With no NAME, lists the tours (Samples/tours and your own, recorded with :record)."
    )
    @OptionGroup var options: ModelOptions
    @Option(name: .long, help: "Colour theme.") var theme = "dark"
    @Flag(name: .customLong("no-color"), help: "No colours.") var noColor = false
    @Flag(
        name: .long,
        help: "Play every step without a terminal and run its check lines on the model; exit 1 if one fails.")
    var check = false
    @Argument(help: "The tour: a name or a .tour file.") var name: String?

    func run() throws {
        if check, let name { return try checkTour(name) }
        guard let name else {
            let tours = WorkbenchSetup.tours()
            for n in tours.names {
                let title = (try? tours.load(n)).map { " — \($0.title) (\($0.steps.count) steps)" } ?? ""
                print(n + title)
            }
            return
        }
        let args =
            ["--tour", name, "--theme", theme] + (noColor ? ["--no-color"] : [])
            + (options.model.map { ["--model", $0] } ?? [])
        try WorkbenchCommand.parse(args).run()
    }
}

extension TourCommand {
    /// Each step on screen (160 × 48, headless), its checks run; a caption is required on every step.
    func checkTour(_ name: String) throws {
        var failures = 0
        try reportingErrors {
            let tour = try WorkbenchSetup.tours().load(name)
            var options = options
            if options.model == nil, let m = tour.model { options.model = m }
            let model = try options.load()
            let w = WorkbenchSetup.make(
                model, input: SessionInput(text: ""), theme: try WorkbenchSetup.themes().load(theme))
            _ = w.render(width: 160, height: 48)
            for (k, step) in tour.steps.enumerated() {
                w.open(Tour(title: tour.title, steps: [step]))
                var problems = w.failedChecks(step.checks)
                if step.caption.isEmpty { problems.append("the step has no caption") }
                failures += problems.count
                print(
                    "step \(k + 1)/\(tour.steps.count): "
                        + (problems.isEmpty
                            ? "ok (\(step.checks.count) check\(step.checks.count == 1 ? "" : "s"))" : "FAILED"))
                for p in problems { print("  " + p) }
            }
            if failures > 0 { throw CommandError("\(failures) check\(failures == 1 ? "" : "s") failed in \(name)") }
        }
    }
}
