import ArgumentParser
import Foundation
import Session
import WorkbenchUI

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
            for n in tours.names { print(TourMessages.listing(name: n, tour: try? tours.load(n))) }
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
                failures += checkStep(step, k, of: tour.steps.count, on: w)
            }
            if failures > 0 {
                throw CommandError("\(failures) problem\(failures == 1 ? "" : "s") in \(name) (listed above)")
            }
        }
    }

    /// One step's lines (printed as each step ends: a long check shows its progress); its problem count.
    private func checkStep(_ step: Tour.Step, _ k: Int, of count: Int, on w: Workbench) -> Int {
        let tty = isatty(2) != 0
        if tty { FileHandle.standardError.write(Data("bertscope: checking step \(k + 1)/\(count)…".utf8)) }
        // A step not on screen (its model did not load) has nothing to check.
        let outcome = w.apply(step)
        var problems = outcome.problems + (outcome.shown ? w.failedChecks(step.checks) : [])
        if step.caption.isEmpty { problems.append("the step has no caption") }
        if tty { FileHandle.standardError.write(Data("\r\u{1b}[K".utf8)) }
        print(TourMessages.stepResult(k, of: count, checks: step.checks.count, problems: problems))
        for p in problems { print(TourMessages.problem(p)) }
        fflush(nil)  // stdout, so a pipe sees each step as it ends
        return problems.count
    }
}
