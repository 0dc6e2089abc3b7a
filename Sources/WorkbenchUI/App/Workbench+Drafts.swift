import Foundation

extension Workbench {
    func saveDraft() {
        guard let drafts else { return }
        do {
            try drafts.save(a: state.editorA.text, b: state.editorB.text)
            draftProblem = nil
        } catch {
            if draftProblem == nil { state.say("draft not saved: \(error)", error: true) }
            draftProblem = "\(error)"
        }
    }

    /// `:recover`: the newest draft another (ended) instance left; the lines
    /// being replaced go to the history first, so nothing is lost.
    func recoverDraft() {
        guard let drafts else { return state.say("drafts are not being kept", error: true) }
        if let problem = drafts.problem { return state.say(problem, error: true) }
        let others = drafts.orphans()
        guard let url = others.first, let lines = DraftStore.load(url) else {
            return state.say("no other drafts to recover")
        }
        for line in [state.editorA.text, state.editorB.text] { try? history.add(line) }
        try? FileManager.default.removeItem(at: url)
        setText(lines.a, pair: lines.b)
        state.say("recovered a draft" + (others.count > 1 ? " (\(others.count - 1) more: :recover again)" : ""))
    }

    /// Enter on an input line: the line joins the history, and the notice
    /// says whether it reached the history file.
    func keepInHistory() {
        // While recording a tour, Enter also keeps a step.
        if state.recording != nil { recordStep() }
        do {
            try history.add(state.focusedEditor.text)
            state.say(history.file == nil ? "kept in history (this session only)" : "kept in history")
        } catch {
            state.say("\(error)", error: true)
        }
    }

    /// History recall replaces the focused line only, never the other one.
    func recall(_ entry: String?) {
        guard let entry else { return }
        state.focusedEditor.text = entry
        textChanged()
    }
}
