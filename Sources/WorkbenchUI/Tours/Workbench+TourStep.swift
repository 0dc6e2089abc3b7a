import Foundation
import Session
import Tokenizers

/// What became of a step put on screen.
public struct StepOutcome: Equatable, Sendable {
    /// False when the step's model did not load: nothing of it is on screen.
    public var shown: Bool
    /// Why the step is not on screen as written, one line each.
    public var problems: [String]
}

/// What a step needed loaded before it could be shown: its model (when
/// another than the one open) and its arena's tokenizers (when others).
struct StepLoads: @unchecked Sendable {
    var model: LoadedModel?
    var arena: TokenizerArena?
    /// Why the step's model did not load: nothing of the step is shown.
    var modelProblem: String?
    var tokenizerProblem: String?
}

extension Workbench {
    /// Puts a step on screen; what kept it from being shown as written stays
    /// as an error notice naming the step (`step 3`, a saved state's title).
    /// A step that names another model or tokenizers loads them off the key
    /// path first (the keys and Ctrl-C answer meanwhile; a later step wins);
    /// `then` runs once the step is on screen as written.
    func showStep(_ s: Tour.Step, named name: String, then: (() -> Void)? = nil) {
        let report: (StepOutcome) -> Void = { [unowned self] outcome in
            if outcome.problems.isEmpty {
                then?()
            } else {
                fail("\(name): " + outcome.problems.joined(separator: "; "))
            }
        }
        guard let loader = stepLoader(s) else {
            jobs.supersede(Self.stepSlot)
            return report(place(s, loaded: StepLoads()))
        }
        state.say("\(name): loading \(s.model.map { ($0 as NSString).lastPathComponent } ?? "its tokenizers")…")
        jobs.load(slot: Self.stepSlot, failure: "\(name): ", loader) { [unowned self] loads in
            report(place(s, loaded: loads))
        }
    }

    static let stepSlot = "tour-step"

    /// Puts a step on screen at once, loading what it needs on this thread
    /// (`tour --check`, tests): its model, tokenizers, sentences, masks, pane
    /// and settings, ablations.
    @discardableResult
    public func apply(_ s: Tour.Step) -> StepOutcome { place(s, loaded: stepLoader(s)?() ?? StepLoads()) }

    /// What the step needs loaded first, as work for any thread; nil when what it names is open.
    private func stepLoader(_ s: Tour.Step) -> (@Sendable () -> StepLoads)? {
        let model = s.model.flatMap { session.model.isNamed(by: $0) ? nil : $0 }
        let specs = s.tokenizers
        // No tokenizers: the arena closes in `place`, nothing to load.
        let tokenizers = !specs.isEmpty && arena.entries.map(\.name) != specs.map { ($0 as NSString).lastPathComponent }
        guard model != nil || tokenizers else { return nil }
        let loadModel = self.loadModel, loadTokenizer = self.loadTokenizer
        return {
            var out = StepLoads()
            if let model {
                do { out.model = try loadModel(model) } catch {
                    out.modelProblem = "model \(model) did not load: \(error)"
                    return out
                }
            }
            if tokenizers { (out.arena, out.tokenizerProblem) = Self.stepArena(specs, loadTokenizer) }
            return out
        }
    }

    /// The step's other tokenizers in the arena; why not, if they did not load (an empty arena then).
    private static func stepArena(
        _ specs: [String], _ load: (String) throws -> Tokenizer
    ) -> (TokenizerArena, String?) {
        guard specs.count <= 8 else { return (TokenizerArena(), "tokenizers: at most 8, not \(specs.count)") }
        do {
            return (TokenizerArena(entries: try specs.map { (($0 as NSString).lastPathComponent, try load($0)) }), nil)
        } catch {
            return (TokenizerArena(), "tokenizers \(specs.joined(separator: ",")) did not load: \(error)")
        }
    }

    /// Puts a step on screen with what was loaded for it. A step whose model
    /// did not load is not shown at all: its captions and checks speak of
    /// that model, not the one open.
    private func place(_ s: Tour.Step, loaded: StepLoads) -> StepOutcome {
        if let why = loaded.modelProblem { return StepOutcome(shown: false, problems: [why]) }
        if let model = loaded.model { replaceSession(with: model) }
        if let arena = loaded.arena { self.arena = arena } else if s.tokenizers.isEmpty { arena = TokenizerArena() }
        var problems = loaded.tokenizerProblem.map { [$0] } ?? []
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
        state.pendingSelect = s.select
        state.counterfactual = s.counterfactual
        state.layers = s.layers
        state.comparisonLayers = s.compareLayers
        state.attention.panel = s.panel.flatMap { TourFile.panels[$0] }
        state.attention.panelCursor = 0
        // A step shows what it names: a layers comparison, or none.
        state.attention.comparing = s.compareLayers != nil
        if s.compareLayers != nil { state.comparison = "" }
        state.meanAblation = s.meanAblation && !session.reference.isEmpty
    }
}
