import Foundation
import Session

/// What became of a step put on screen.
public struct StepOutcome: Equatable, Sendable {
    /// False when the step's model did not load: nothing of it is on screen.
    public var shown: Bool
    /// Why the step is not on screen as written, one line each.
    public var problems: [String]
}

extension Workbench {
    /// Puts a step on screen; what kept it from being shown as written stays
    /// as an error notice naming the step (`step 3`, a saved state's title).
    /// True when it is on screen as written.
    @discardableResult
    func showStep(_ s: Tour.Step, named name: String) -> Bool {
        let outcome = apply(s)
        if !outcome.problems.isEmpty { fail("\(name): " + outcome.problems.joined(separator: "; ")) }
        return outcome.problems.isEmpty
    }

    /// Puts a step on screen: its model, tokenizers, sentences, masks, pane
    /// and settings, ablations. A step whose model does not load is not
    /// shown at all: its captions and checks speak of that model, not the
    /// one open.
    @discardableResult
    public func apply(_ s: Tour.Step) -> StepOutcome {
        if let m = s.model, URL(fileURLWithPath: m).standardized.path != session.model.directory.standardized.path {
            do { replaceSession(with: try loadModel(m)) } catch {
                return StepOutcome(shown: false, problems: ["model \(m) did not load: \(error)"])
            }
        }
        var problems: [String] = []
        if let why = loadStepTokenizers(s.tokenizers) { problems.append(why) }
        setStepState(s)
        let f = facts
        let outside = s.ablate.heads.filter { $0.layer >= f.layers || $0.head >= f.heads }
        state.ablated = HeadAblation(s.ablate.heads.subtracting(outside))
        if !outside.isEmpty {
            problems.append("ablate \(HeadAblation(outside)): this model has \(f.layers) layers × \(f.heads) heads")
        }
        state.notice = nil
        submitCurrent()
        return StepOutcome(shown: true, problems: problems)
    }

    /// The step's other tokenizers in the arena (kept when they are the ones open); why not, if they did not load.
    private func loadStepTokenizers(_ specs: [String]) -> String? {
        guard arena.entries.map(\.name) != specs.map({ ($0 as NSString).lastPathComponent }) else { return nil }
        arena = TokenizerArena()
        guard specs.count <= 8 else { return "tokenizers: at most 8, not \(specs.count)" }
        do {
            arena = TokenizerArena(
                entries: try specs.map { (($0 as NSString).lastPathComponent, try loadTokenizer($0)) })
            return nil
        } catch {
            return "tokenizers \(specs.joined(separator: ",")) did not load: \(error)"
        }
    }

    /// Everything of the step that is workbench state alone.
    private func setStepState(_ s: Tour.Step) {
        let f = facts
        state.editorA = LineEditor(s.text)
        state.editorB = LineEditor(s.pair)
        state.masked = Set(s.masks)
        state.labSeed = s.lab
        state.focus = s.pane
        state.zoomed = s.zoom
        state.attention.layer = min(s.layer, f.layers - 1)
        state.attention.head = min(s.head, f.heads - 1)
        state.attention.view = s.view
        state.attention.words = s.words
        state.attention.hideSpecial = s.hideSpecial
        state.attention.overview = s.overview
        state.attention.importance = s.importance
        state.attention.patching = s.patching
        state.probing.representation = s.representation
        state.attention.finder = nil
        state.attention.focusMode = false
        if let sel = s.select { state.tokens.selected = sel }
        state.counterfactual = s.counterfactual
        state.meanAblation = s.meanAblation && !session.reference.isEmpty
    }
}
