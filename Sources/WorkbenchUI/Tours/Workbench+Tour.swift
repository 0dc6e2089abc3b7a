import Foundation
import SafeIO
import Session

/// Where tours are found: the user's own (`:record` writes there), then the shipped lessons.
public struct TourLibrary: Sendable {
    public var directories: [URL]
    public init(directories: [URL]) { self.directories = directories }

    /// $XDG_DATA_HOME/bertscope/tours (or ~/.local/share/bertscope/tours).
    public static var userDirectory: URL {
        let env = ProcessInfo.processInfo.environment
        let base =
            env["XDG_DATA_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".local/share")
        return base.appendingPathComponent("bertscope/tours")
    }

    public var names: [String] {
        Set(
            directories.flatMap { d in
                ((try? FileManager.default.contentsOfDirectory(atPath: d.path)) ?? []).filter { $0.hasSuffix(".tour") }
                    .map { String($0.dropLast(5)) }
            }
        ).sorted()
    }

    /// A tour by name (`wordpiece`), file name or path.
    public func load(_ name: String) throws -> Tour {
        let direct = URL(fileURLWithPath: (name as NSString).expandingTildeInPath)
        let candidates =
            (name.contains("/") || name.hasSuffix(".tour") ? [direct] : [])
            + directories.map { $0.appendingPathComponent(name.hasSuffix(".tour") ? name : name + ".tour") }
        guard let url = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
            let known = names
            throw TourError(
                "no tour \"\(name)\"" + (known.isEmpty ? "" : " (tours: \(known.joined(separator: ", ")))"))
        }
        let text: String
        do { text = try SafeFile.text(url, limit: TourFile.byteLimit) } catch {
            throw TourError(IOErrorText.describe(error))
        }
        var tour = try TourFile.parse(text, name: url.lastPathComponent)
        // Relative model and tokenizer paths are the tour file's (shipped lessons carry their own):
        // the real file's, when the tour is reached through a symlink.
        let folder = url.resolvingSymlinksInPath().deletingLastPathComponent()
        func local(_ p: String) -> String {
            guard !p.hasPrefix("/"), !p.hasPrefix("~") else { return p }
            let candidate = folder.appendingPathComponent(p)
            return FileManager.default.fileExists(atPath: candidate.path) ? candidate.path : p
        }
        tour.model = tour.model.map(local)
        for k in tour.steps.indices {
            tour.steps[k].model = tour.steps[k].model.map(local)
            tour.steps[k].tokenizers = tour.steps[k].tokenizers.map(local)
        }
        return tour
    }
}

extension Workbench {
    /// Plays `tour` from its first step.
    public func startTour(_ tour: Tour) {
        state.tour = TourPlayback(tour: tour)
        showStep(tour.steps[0], named: "step 1")
    }

    /// Reopens a saved state (`:save`): its step on screen, no tour banner.
    public func open(_ saved: Tour) {
        showStep(saved.steps[0], named: saved.title) { [unowned self] in state.say("reopened \(saved.title)") }
    }

    func stepTour(by delta: Int) {
        guard var p = state.tour else { return }
        let next = max(0, min(p.tour.steps.count - 1, p.index + delta))
        guard next != p.index else {
            state.say(delta > 0 ? "the last step: Esc explores from here" : "the first step")
            return
        }
        p.index = next
        state.tour = p
        showStep(p.step, named: "step \(next + 1)")
    }

    func leaveTour() {
        guard state.tour != nil else { return }
        state.tour = nil
        state.say("left the tour: everything on screen is yours to explore")
    }

    /// The state on screen as a step (what `:record` and `:save` write).
    func capturedStep() -> Tour.Step {
        var s = Tour.Step()
        s.text = state.editorA.text
        s.pair = state.editorB.text
        s.model = session.model.reference
        s.pane = state.focus.isInput ? .tokens : state.focus
        s.layer = state.attention.layer
        s.head = state.attention.head
        s.view = state.attention.view
        s.words = state.attention.words
        s.hideSpecial = state.attention.hideSpecial
        s.overview = state.attention.overview
        s.importance = state.attention.importance
        s.patching = state.attention.patching
        s.representation = state.probing.representation
        s.zoom = state.zoomed
        s.select = state.tokens.selected
        s.masks = state.masked.sorted()
        s.ablate = HeadAblation(state.ablated.heads)
        s.meanAblation = state.meanAblation
        s.counterfactual = state.counterfactual
        s.lab = state.labSeed
        s.layers = state.layers
        s.panel = state.attention.panel.flatMap { p in TourFile.panels.first { $0.value == p }?.key }
        s.compareLayers = state.attention.comparing ? state.comparisonLayers : nil
        return s
    }

    // MARK: commands

    func playTour(_ name: String) {
        guard !name.isEmpty else {
            let known = tours.names
            return fail(known.isEmpty ? "no tours found" : ":tour NAME — tours: \(known.joined(separator: ", "))")
        }
        do { startTour(try tours.load(name)) } catch { fail("\(error)") }
    }

    func startRecording(_ name: String) {
        let clean = name.trimmingCharacters(in: .whitespaces)
        guard !clean.isEmpty, !clean.contains("/"), !clean.hasPrefix(".") else {
            return fail(
                ":record NAME (a file name: the tour is written to \(TourLibrary.userDirectory.path)/NAME.tour)")
        }
        state.recording = TourRecording(name: clean, tour: Tour(title: clean, model: session.model.reference))
        state.say("recording \"\(clean)\": :step (or Enter) keeps a step, :caption TEXT captions it, :stop saves")
    }

    func recordStep() {
        guard var r = state.recording else { return fail("not recording: :record NAME starts") }
        guard r.tour.steps.count < TourFile.stepLimit else {
            return fail("a tour has at most \(TourFile.stepLimit) steps")
        }
        let step = capturedStep()
        if let why = TourFile.oversized(step) { return fail(":step: \(why) (a tour could not be played back)") }
        r.tour.steps.append(step)
        state.recording = r
        state.say("step \(r.tour.steps.count) kept: :caption TEXT captions it")
    }

    func caption(_ text: String) {
        guard var r = state.recording, !r.tour.steps.isEmpty else {
            return fail(":caption needs a recorded step (:record NAME, then :step)")
        }
        guard r.tour.steps[r.tour.steps.count - 1].caption.count < TourFile.captionLimit else {
            return fail("a caption has at most \(TourFile.captionLimit) lines")
        }
        r.tour.steps[r.tour.steps.count - 1].caption.append(text)
        state.recording = r
        state.say("caption of step \(r.tour.steps.count): \(text)")
    }

    func stopRecording() {
        guard let r = state.recording else { return fail("not recording") }
        guard !r.tour.steps.isEmpty else {
            state.recording = nil
            return state.say("nothing recorded (no :step): no tour written")
        }
        let url = TourLibrary.userDirectory.appendingPathComponent(r.name + ".tour")
        let text = TourFile.write(r.tour)
        guard text.utf8.count <= TourFile.byteLimit else {
            return fail(
                "the tour is \(ByteCount(text.utf8.count)), over the \(ByteCount(TourFile.byteLimit)) a tour may hold")
        }
        do {
            try OutputFile.makeDirectories(url.deletingLastPathComponent().path)
            try OutputFile.write(Data(text.utf8), to: url)
            state.recording = nil
            state.say(
                "wrote \(r.tour.steps.count) step\(r.tour.steps.count == 1 ? "" : "s") to \(url.path): :tour \(r.name) plays it"
            )
        } catch {
            fail("could not write the tour: \(IOErrorText.describe(error))")
        }
    }

    /// `:save FILE`: the workbench state (model, sentences, masks, pane settings) as a one-step tour.
    func saveState(_ path: String) {
        guard !path.isEmpty else { return fail(":save FILE (reopen with bertscope --open FILE)") }
        let url = URL(fileURLWithPath: (path as NSString).expandingTildeInPath)
        let step = capturedStep()
        if let why = TourFile.oversized(step) { return fail(":save: \(why) (--open could not read it back)") }
        let t = Tour(title: "saved state", model: session.model.reference, steps: [step])
        // Written off the key path; its line comes back as a notice.
        state.say("saving to \(url.path)…")
        jobs.run(failure: "could not save: ") {
            try OutputFile.write(Data(TourFile.write(t).utf8), to: url)
            return "saved to \(url.path): bertscope --open \(path)"
        }
    }
}
